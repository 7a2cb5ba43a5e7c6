"""The local secret store: encrypted at rest, its key apart, clear errors instead of garbage."""

import base64
import os
import stat
import threading

import pytest

from statemill.runtime.errors import SecretError
from statemill.runtime.local_secret_store import KEY_FILE, STORE_FILE, LocalSecretStore
from statemill.runtime.secret_store import secret_store_from_setting
from statemill.runtime.secrets import NoSecretStore

VALUE = "hunter2-Ünïcode/+="


@pytest.fixture
def store(tmp_path):
    return LocalSecretStore(tmp_path / "home")


def test_a_secret_is_read_back_by_namespace_and_name(store):
    store.put("default", "TOKEN", VALUE)
    store.put("team.a", "TOKEN", "other")

    assert store.get("default", "TOKEN") == VALUE
    assert store.get("team.a", "TOKEN") == "other"
    assert [(s.namespace, s.name) for s in store.list()] == [("default", "TOKEN"), ("team.a", "TOKEN")]
    assert [s.name for s in store.list("team.a")] == ["TOKEN"]


def test_the_store_file_holds_no_plaintext_and_both_files_are_private(store):
    store.put("default", "TOKEN", VALUE)

    data = (store.directory / STORE_FILE).read_bytes()
    for form in (VALUE.encode(), base64.b64encode(VALUE.encode()), b"TOKEN", b"default"):
        assert form not in data
    for name in (STORE_FILE, KEY_FILE):
        assert stat.S_IMODE(os.stat(store.directory / name).st_mode) == 0o600
    assert [p.name for p in store.directory.iterdir() if p.name.endswith(".tmp")] == []


def test_a_wrong_key_is_a_clear_error_never_garbage(store):
    store.put("default", "TOKEN", VALUE)
    (store.directory / KEY_FILE).write_bytes(base64.b64encode(os.urandom(32)))

    with pytest.raises(SecretError, match="cannot be decrypted with the key in .*secrets.key"):
        store.get("default", "TOKEN")
    with pytest.raises(SecretError, match="cannot be decrypted"):
        store.put("default", "OTHER", "x")


def test_a_missing_or_damaged_key_is_a_clear_error(store):
    store.put("default", "TOKEN", VALUE)
    key = store.directory / KEY_FILE
    key.write_text("not base64!")
    with pytest.raises(SecretError, match="key file .*secrets.key of the local secret store is damaged"):
        store.get("default", "TOKEN")

    key.unlink()
    with pytest.raises(SecretError, match="its key file .*secrets.key is missing"):
        store.get("default", "TOKEN")
    with pytest.raises(SecretError, match="is missing"):
        store.put("default", "TOKEN", "new")  # never a fresh key that orphans the store


def test_a_damaged_store_is_a_clear_error(store):
    store.put("default", "TOKEN", VALUE)
    path = store.directory / STORE_FILE
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")

    with pytest.raises(SecretError, match="or the store is damaged"):
        store.get("default", "TOKEN")


def test_a_missing_secret_says_how_to_set_it(store):
    with pytest.raises(SecretError, match=r"secret 'GONE' does not exist in namespace 'ns' "
                                          r"\(set it with: statemill --namespace ns secret set GONE\)"):
        store.get("ns", "GONE")


def test_delete_removes_one_secret_and_reports_absence(store):
    assert store.delete("default", "TOKEN") is False
    assert not (store.directory / KEY_FILE).exists(), "deleting nothing creates nothing"
    store.put("default", "TOKEN", VALUE)
    store.put("default", "KEEP", "k")

    assert store.delete("default", "TOKEN") is True
    assert store.delete("default", "TOKEN") is False
    assert [s.name for s in store.list()] == ["KEEP"]


def test_a_later_put_replaces_the_value_and_the_time(store):
    store.put("default", "TOKEN", "one")
    first = store.list()[0].updated
    store.put("default", "TOKEN", "two")

    assert store.get("default", "TOKEN") == "two"
    assert store.list()[0].updated >= first


def test_concurrent_writers_lose_nothing(store):
    threads = [threading.Thread(target=store.put, args=("default", f"S{i}", str(i))) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(s.name for s in store.list()) == sorted(f"S{i}" for i in range(8))


def test_the_setting_names_the_store(tmp_path):
    assert isinstance(secret_store_from_setting(""), NoSecretStore)
    local = secret_store_from_setting(f"file:{tmp_path}")
    assert isinstance(local, LocalSecretStore) and local.directory == tmp_path
    assert secret_store_from_setting("ssm:/statemill/dev/").prefix == "/statemill/dev"
    with pytest.raises(ValueError, match="STATEMILL_SECRET_STORE must be"):
        secret_store_from_setting("vault:x")
