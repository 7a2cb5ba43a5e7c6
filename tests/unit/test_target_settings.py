"""Target settings: explicit argument > STATEMILL_TARGET > config file > local; the local endpoint is
the running server's port read from STATEMILL_HOME; `statemill config` keys are checked when set."""

import json
import os

import pytest

from statemill.cli.main import main
from statemill.control import config
from statemill.control.errors import PlatformUnavailable
from statemill.control.target import LOCALSTACK_ENDPOINT, SERVER_NOT_RUNNING, resolve
from statemill.home import ServerRecord, read_server_record, write_server_record


def environ(home, **values):
    return {"STATEMILL_HOME": str(home), **values}


def test_default_is_local_in_the_default_namespace_of_no_namespace(tmp_path):
    settings = resolve(environ=environ(tmp_path))
    assert (settings.name, settings.stage, settings.region, settings.namespace) == (
        "local", "local", "us-east-1", None)
    assert settings.home == tmp_path


def test_explicit_beats_environment_beats_config(tmp_path):
    config.set_value(tmp_path, "target", "aws")
    assert resolve(environ=environ(tmp_path)).name == "aws"
    assert resolve(environ=environ(tmp_path, STATEMILL_TARGET="localstack")).name == "localstack"
    assert resolve("local", environ=environ(tmp_path, STATEMILL_TARGET="localstack")).name == "local"


def test_namespace_region_and_stage_from_config_then_environment(tmp_path):
    config.set_value(tmp_path, "namespace", "team")
    config.set_value(tmp_path, "region", "eu-west-1")
    config.set_value(tmp_path, "stage", "prod")
    settings = resolve("aws", environ=environ(tmp_path))
    assert (settings.namespace, settings.region, settings.stage) == ("team", "eu-west-1", "prod")
    settings = resolve("aws", "other", environ=environ(tmp_path, AWS_REGION="ap-south-1", STATEMILL_STAGE="qa"))
    assert (settings.namespace, settings.region, settings.stage) == ("other", "ap-south-1", "qa")
    assert settings.resource("registry") == "statemill-qa-registry"


def test_endpoints(tmp_path):
    assert resolve("aws", environ=environ(tmp_path)).endpoint_url is None
    assert resolve("localstack", environ=environ(tmp_path)).endpoint_url == LOCALSTACK_ENDPOINT
    local = resolve("local", environ=environ(tmp_path))
    with pytest.raises(PlatformUnavailable, match=SERVER_NOT_RUNNING):
        local.endpoint_url  # noqa: B018
    write_server_record(tmp_path, ServerRecord(pid=os.getpid(), port=4777))
    assert local.endpoint_url == "http://127.0.0.1:4777"


def test_a_record_of_a_dead_process_is_no_server(tmp_path):
    (tmp_path / "server.json").write_text(json.dumps({"pid": 2**22 + 12345, "port": 4777}))
    assert read_server_record(tmp_path) is None
    (tmp_path / "server.json").write_text("not json")
    assert read_server_record(tmp_path) is None


def test_unknown_target_in_the_environment_is_a_clear_error(tmp_path):
    with pytest.raises(config.ConfigError, match="unknown target 'cloud'.*local, localstack, aws"):
        resolve(environ=environ(tmp_path, STATEMILL_TARGET="cloud"))


def test_config_file_is_private_and_checked(tmp_path):
    config.set_value(tmp_path, "namespace", "team")
    assert (tmp_path / "config.json").stat().st_mode & 0o777 == 0o600
    assert config.load(tmp_path) == {"namespace": "team"}
    with pytest.raises(config.ConfigError, match="unknown config key 'colour'"):
        config.set_value(tmp_path, "colour", "blue")
    with pytest.raises(config.ConfigError, match="target must be one of"):
        config.set_value(tmp_path, "target", "cloud")
    (tmp_path / "config.json").write_text("[1]")
    with pytest.raises(config.ConfigError, match="must hold a JSON object"):
        config.load(tmp_path)


def test_config_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STATEMILL_HOME", str(tmp_path))
    assert main(["config", "set", "target", "localstack"]) == 0
    assert main(["config", "set", "namespace", "team"]) == 0
    capsys.readouterr()
    assert main(["config", "get", "target"]) == 0
    assert capsys.readouterr().out == "localstack\n"
    assert main(["--json", "config", "list"]) == 0
    assert json.loads(capsys.readouterr().out) == {"namespace": "team", "target": "localstack"}
    assert main(["config", "get", "region"]) == 3
    assert "statemill config set region VALUE" in capsys.readouterr().err
    assert main(["config", "set", "target", "cloud"]) == 2
    assert "target must be one of" in capsys.readouterr().err
