"""The task DAG as a Mermaid or Graphviz diagram (`statemill graph`)."""

from .model import Task, Workflow


def mermaid(workflow: Workflow) -> str:
    lines = ["flowchart TD"]
    _mermaid_level(workflow.tasks, lines, "  ")
    return "\n".join(lines) + "\n"


def _mermaid_level(tasks: dict[str, Task], lines: list[str], indent: str) -> None:
    for task_id, task in tasks.items():
        label = f"{task_id}<br/><small>{task.type}</small>"
        if task.tasks:
            lines.append(f'{indent}subgraph {task_id}["{task_id} (foreach)"]')
            _mermaid_level(task.tasks, lines, indent + "  ")
            lines.append(f"{indent}end")
        else:
            shape = ('{{"%s"}}' if task.when is not None else '["%s"]') % label
            lines.append(f"{indent}{task_id}{shape}")
        lines.extend(f"{indent}{need} --> {task_id}" for need in task.needs)


def dot(workflow: Workflow) -> str:
    lines = [f'digraph "{workflow.id}" {{', "  rankdir=TB;", "  node [shape=box, style=rounded];"]
    _dot_level(workflow.tasks, lines, "  ")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_level(tasks: dict[str, Task], lines: list[str], indent: str) -> None:
    for task_id, task in tasks.items():
        if task.tasks:
            lines.append(f'{indent}subgraph "cluster_{task_id}" {{ label="{task_id} (foreach)";')
            _dot_level(task.tasks, lines, indent + "  ")
            lines.append(f"{indent}}}")
        else:
            lines.append(f'{indent}"{task_id}" [label="{task_id}\\n{task.type}"];')
        lines.extend(f'{indent}"{need}" -> "{task_id}";' for need in task.needs)


FORMATS = {"mermaid": mermaid, "dot": dot}
