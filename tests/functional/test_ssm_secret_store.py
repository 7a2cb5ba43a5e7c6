"""The SSM secret store on moto: SecureStrings by namespace, cached reads, metadata-only lists."""

import boto3
import pytest
from moto import mock_aws

from statemill import platform
from statemill.runtime.errors import SecretError
from statemill.runtime.ssm_secret_store import SsmSecretStore

PREFIX = platform.secret_parameter_prefix("test")


@pytest.fixture
def ssm(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield boto3.client("ssm")


def test_put_stores_a_securestring_where_the_namespace_says(ssm):
    SsmSecretStore(PREFIX, client=ssm).put("team.a", "TOKEN", "v1")

    parameter = ssm.get_parameter(Name="/statemill/test/team.a/TOKEN", WithDecryption=True)["Parameter"]
    assert (parameter["Type"], parameter["Value"]) == ("SecureString", "v1")


def test_get_reads_its_namespace_only_and_caches(ssm):
    store = SsmSecretStore(PREFIX, client=ssm)
    store.put("team.a", "TOKEN", "v1")

    assert store.get("team.a", "TOKEN") == "v1"
    with pytest.raises(SecretError, match="secret 'TOKEN' does not exist in namespace 'default'"):
        store.get("default", "TOKEN")
    store.put("team.a", "TOKEN", "v2")
    assert store.get("team.a", "TOKEN") == "v1", "a warm function reuses the value for a while"
    assert SsmSecretStore(PREFIX, client=ssm, cache_seconds=0).get("team.a", "TOKEN") == "v2"


def test_list_and_delete(ssm):
    store = SsmSecretStore(PREFIX, client=ssm)
    store.put("team.a", "B", "b")
    store.put("team.a", "A", "a")
    store.put("default", "C", "c")
    ssm.put_parameter(Name="/statemill/other/default/X", Value="x", Type="SecureString")

    assert [(s.namespace, s.name) for s in store.list()] == [
        ("default", "C"), ("team.a", "A"), ("team.a", "B")]
    assert [s.name for s in store.list("team.a")] == ["A", "B"]
    assert all(s.updated is not None for s in store.list())
    assert store.delete("team.a", "A") is True
    assert store.delete("team.a", "A") is False
    assert [s.name for s in store.list("team.a")] == ["B"]


def test_a_refused_read_names_the_permission_to_check():
    class Refusing:
        def get_parameter(self, **kwargs):
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetParameter")

    with pytest.raises(SecretError, match=r"cannot be read from SSM Parameter Store \(AccessDeniedException\)"
                                          r": check this function's permission to read /statemill/test/default/\*"):
        SsmSecretStore(PREFIX, client=Refusing()).get("default", "TOKEN")
