"""`statemill secret set|list|delete` on the local target: values from stdin only, never shown."""

import io
import json

import pytest

from statemill.cli.main import main
from statemill.runtime.local_secret_store import STORE_FILE, LocalSecretStore


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("STATEMILL_HOME", str(tmp_path))
    monkeypatch.delenv("STATEMILL_TARGET", raising=False)
    return tmp_path


def run_with_stdin(monkeypatch, stdin: str, argv: list[str]) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_set_reads_the_value_from_stdin_without_its_final_newline(home, monkeypatch, capsys):
    assert run_with_stdin(monkeypatch, "s3cr3t value\n", ["secret", "set", "TOKEN"]) == 0
    assert run_with_stdin(monkeypatch, "other", ["--namespace", "team.a", "secret", "set", "TOKEN"]) == 0

    store = LocalSecretStore(home)
    assert store.get("default", "TOKEN") == "s3cr3t value"
    assert store.get("team.a", "TOKEN") == "other"
    assert capsys.readouterr().out == "", "quiet on success"
    assert b"s3cr3t" not in (home / STORE_FILE).read_bytes()


def test_list_shows_names_and_times_never_values(home, monkeypatch, capsys):
    run_with_stdin(monkeypatch, "v1", ["secret", "set", "A"])
    run_with_stdin(monkeypatch, "v2", ["--namespace", "team.a", "secret", "set", "B"])
    capsys.readouterr()

    assert main(["secret", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(s["namespace"], s["name"]) for s in listed] == [("default", "A"), ("team.a", "B")]
    assert all(set(s) == {"namespace", "name", "updated"} for s in listed)
    assert main(["--namespace", "team.a", "secret", "list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("team.a/B  updated ") and "v2" not in out


def test_delete_and_its_exit_codes(home, monkeypatch, capsys):
    run_with_stdin(monkeypatch, "v", ["secret", "set", "A"])

    assert main(["secret", "delete", "A"]) == 0
    assert main(["secret", "delete", "A"]) == 3
    assert "no secret 'A' in namespace 'default' on the local target" in capsys.readouterr().err


@pytest.mark.parametrize("argv, stdin, message", [
    (["secret", "set", "1BAD"], "v", "secret name '1BAD' is not valid"),
    (["secret", "set", "EMPTY"], "\n", "secret 'EMPTY' needs a value: pipe it to stdin"),
    (["--namespace", "Team", "secret", "set", "A"], "v", "namespace 'Team' is not valid"),
    (["secret", "set", "BIG"], "x" * 4097, "at most 4096 bytes"),
    (["secret", "set", "A", "on-the-command-line"], "", "unexpected extra argument"),
])
def test_bad_names_and_values_are_refused(home, monkeypatch, capsys, argv, stdin, message):
    assert run_with_stdin(monkeypatch, stdin, argv) == 2
    assert message in capsys.readouterr().err


def test_a_store_that_cannot_be_decrypted_is_a_platform_error(home, monkeypatch, capsys):
    run_with_stdin(monkeypatch, "v", ["secret", "set", "A"])
    (home / "secrets.key").write_text("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")

    assert main(["--json", "secret", "list"]) == 4
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "platform" and "cannot be decrypted with the key in" in error["message"]
