"""Runs inside the code task's child process, forked by forkserver_python.py (`main(dir)`).

Loads <dir>/task.py, calls its main(input) with <dir>/input.json and writes {"ok": value} or
{"error": {type, message, trace}} to <dir>/result.json. Only the user's frames are reported.
"""

import json
import traceback


def _user_trace(error: BaseException, source_path: str) -> list[str]:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == source_path]
    return [f'  File "task.py", line {f.lineno}, in {f.name}\n    {f.line}' for f in frames]


def main(directory: str) -> None:
    source_path = f"{directory}/task.py"
    # Opened first: after a MemoryError there may be no memory left to open it.
    with open(f"{directory}/result.json", "w") as result:
        try:
            with open(source_path) as source_file:
                code = compile(source_file.read(), source_path, "exec")
            with open(f"{directory}/input.json") as input_file:
                payload = json.load(input_file)
            namespace = {"__name__": "task", "__file__": "task.py"}
            exec(code, namespace)  # noqa: S102 -- running the user's code is the point
            entry = namespace.get("main")
            if not callable(entry):
                raise TypeError("the code must define main(input)")
            output = json.dumps({"ok": entry(payload)}, allow_nan=False)
        except SyntaxError as error:
            result.write(
                json.dumps(
                    {
                        "error": {
                            "type": "SyntaxError",
                            "message": f"{error.msg} (task.py, line {error.lineno})",
                            "trace": [],
                        }
                    }
                )
            )
            return
        # SystemExit included: main() must return a value.
        except BaseException as error:  # noqa: BLE001
            result.write(
                json.dumps(
                    {
                        "error": {
                            "type": type(error).__name__,
                            "message": str(error),
                            "trace": _user_trace(error, source_path),
                        }
                    }
                )
            )
            return
        result.write(output)

