"""`statemill plugin install|list|remove` on the local target with no server: installs are kept
in STATEMILL_HOME, where `statemill run` finds them."""

import json

import pytest
import yaml

from statemill.cli.main import main
from statemill.plugins.artifact import read_artifact


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("STATEMILL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("STATEMILL_TARGET", raising=False)
    return tmp_path / "home"


def cli_json(capsys, *argv: str):
    code = main(["--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_install_is_quiet_keeps_the_plugin_in_home_and_a_second_install_changes_nothing(home, built, capsys):
    sha256 = read_artifact(built["text"]).digest

    assert main(["plugin", "install", str(built["text"])]) == 0
    assert capsys.readouterr().out == ""
    assert (home / "plugins" / "community" / "text" / "1.0.0" / "plugin.wasm").is_file()

    code, again = cli_json(capsys, "plugin", "install", str(built["text"]), "--sha256", sha256)
    assert code == 0
    assert (again["name"], again["version"], again["sha256"], again["change"]) == (
        "community/text", "1.0.0", sha256, "unchanged")


def test_list_prints_each_version_with_its_sha256_and_actions(home, built, capsys):
    main(["plugin", "install", str(built["text"])])
    capsys.readouterr()

    code, listed = cli_json(capsys, "plugin", "list")
    assert code == 0
    assert [(p["name"], p["version"], p["actions"]) for p in listed] == [
        ("community/text", "1.0.0", ["hash", "slugify", "template"])]
    assert main(["plugin", "list"]) == 0
    assert capsys.readouterr().out.startswith(f"community/text@1.0.0  {listed[0]['sha256'][:12]}  hash, slugify, template")


def test_remove_then_reinstall_the_same_bytes_but_never_other_bytes_as_that_version(home, built, tmp_path, capsys):
    main(["plugin", "install", str(built["text"])])

    assert main(["plugin", "remove", "community/text@1.0.0"]) == 0
    assert cli_json(capsys, "plugin", "list") == (0, [])
    assert main(["plugin", "remove", "community/text"]) == 3
    assert "plugin 'community/text' is not installed: see statemill plugin list" in capsys.readouterr().err

    altered = tmp_path / "altered"
    altered.mkdir()
    manifest = yaml.safe_load((built["text"] / "plugin.yaml").read_text())
    (altered / "plugin.yaml").write_text(yaml.safe_dump({**manifest, "description": "other bytes"}))
    (altered / "plugin.wasm").write_bytes((built["text"] / "plugin.wasm").read_bytes())
    assert main(["plugin", "install", str(altered)]) == 2
    assert "a version can never be replaced" in capsys.readouterr().err
    assert main(["plugin", "install", str(built["text"])]) == 0


@pytest.mark.parametrize("argv, code, message", [
    (["--sha256", "0" * 64], 2, "not the expected 0000"),
    (["--sha256", "xyz"], 2, "--sha256 takes 64 hex digits"),
])
def test_install_refusals(home, built, capsys, argv, code, message):
    assert main(["plugin", "install", str(built["text"]), *argv]) == code
    assert message in capsys.readouterr().err
    assert main(["--json", "plugin", "list"]) == 0
    assert json.loads(capsys.readouterr().out) == []
