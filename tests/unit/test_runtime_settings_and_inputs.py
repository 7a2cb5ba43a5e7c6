"""Settings from the environment, and reading task inputs."""

import pytest

from statemill.runtime.errors import InputError, InternalError
from statemill.runtime.inputs import duration_seconds, field
from statemill.runtime.settings import DEFAULT_OFFLOAD_THRESHOLD, Settings


def test_settings_come_from_the_environment_and_arguments_win():
    env = {
        "STATEMILL_BUCKET": "b",
        "STATEMILL_OFFLOAD_THRESHOLD": "1000",
        "STATEMILL_DATA_TABLE": "d",
    }

    settings = Settings.from_env(env, data_table="explicit")

    assert (settings.bucket, settings.offload_threshold, settings.data_table) == (
        "b",
        1000,
        "explicit",
    )
    assert Settings.from_env({}).offload_threshold == DEFAULT_OFFLOAD_THRESHOLD == 64 * 1024


def test_a_missing_resource_names_the_variable_to_set():
    with pytest.raises(InternalError, match="set the STATEMILL_BUCKET environment variable"):
        Settings().require("bucket")


@pytest.mark.parametrize(
    "raw, seconds",
    [(5, 5.0), (0.5, 0.5), ("500ms", 0.5), ("30s", 30.0), ("2m", 120.0), ("1h", 3600.0)],
)
def test_durations(raw, seconds):
    assert duration_seconds({"timeout": raw}, "timeout", 30) == seconds


def test_input_errors_name_the_field():
    with pytest.raises(InputError, match="input 'timeout' must be a duration like 30s"):
        duration_seconds({"timeout": "soon"}, "timeout", 30)
    with pytest.raises(InputError, match="input 'headers' must be an object, got a string"):
        field({"headers": "x"}, "headers", dict)
    with pytest.raises(InputError, match="input 'limit' must be an integer, got a boolean"):
        field({"limit": True}, "limit", int)
