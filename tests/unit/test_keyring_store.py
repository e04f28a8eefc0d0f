"""``azlogin_store = keyring``: which store a profile gets, and the keyring behind it.

The keyring is a real backend, chosen as users choose one (``PYTHON_KEYRING_BACKEND``):
keyrings.alt's plaintext file under the test's tmp dir, keyring's own "fail" and "null"
stand-ins for a machine without one, and the misbehaving backends of
tests/keyring_backends.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import tests.keyring_backends
from azlogin import stores
from azlogin.errors import ConfigError, ExitStatus, StoreError
from azlogin.models import Credentials, Profile
from azlogin.oskeyring import Keyring
from azlogin.profiles import load_profile, store_choice
from azlogin.redact import SECRETS
from azlogin.signin import remembered

PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"
AZURE = (
    "azure_tenant_id = contoso.onmicrosoft.com\n"
    "azure_app_id_uri = https://signin.aws.amazon.com/saml\n"
)
LATER = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=2)


@pytest.fixture
def plaintext(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a run with the plaintext keyring, its file under tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    return {"PYTHON_KEYRING_BACKEND": PLAINTEXT, "AZLOGIN_STATE_DIR": str(tmp_path / "state")}


@pytest.fixture
def gate() -> Iterator[None]:
    """Lets the threads a stalled backend held go after the test."""
    yield
    tests.keyring_backends.GATE.set()
    tests.keyring_backends.GATE = threading.Event()


def creds(key: str = "key-of-the-keyring-123456") -> Credentials:
    return Credentials("ASIAEXAMPLE", key, "session-token-abcdef", LATER)


# -- the keyring -------------------------------------------------------------------------


def test_a_real_backend_keeps_gets_and_deletes(plaintext: dict[str, str]) -> None:
    keyring = Keyring(plaintext)
    assert keyring.get("k") is None
    keyring.set("k", "value-kept-1")
    assert Keyring(plaintext).get("k") == "value-kept-1"  # another run finds it
    assert SECRETS.scrub("value-kept-1") != "value-kept-1"  # what it gave back is a secret
    assert keyring.delete("k") is True
    assert keyring.delete("k") is False
    assert keyring.get("k") is None


@pytest.mark.parametrize(
    "backend", ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"]
)
def test_no_usable_backend_is_an_error_with_a_hint(backend: str) -> None:
    keyring = Keyring({"PYTHON_KEYRING_BACKEND": backend}, "env AZLOGIN_STORE")
    with pytest.raises(StoreError) as raised:
        keyring.set("k", "value-never-kept")
    assert raised.value.message == (
        "No OS keyring is available for azlogin_store = keyring (env AZLOGIN_STORE)."
    )
    assert "set azlogin_store = file" in raised.value.hint
    assert raised.value.status == ExitStatus.CONFIG


@pytest.mark.usefixtures("gate")
def test_a_backend_that_does_not_answer_is_an_error_and_is_not_asked_again() -> None:
    env = {"PYTHON_KEYRING_BACKEND": "tests.keyring_backends.Stalled"}
    keyring = Keyring({**env, "AZLOGIN_KEYRING_TIMEOUT": "0.2"})
    with pytest.raises(StoreError) as raised:
        keyring.get("k")
    assert raised.value.message == "The OS keyring did not answer within 0.2 s."
    assert "D-Bus" in raised.value.hint and "azlogin_store = file" in raised.value.hint
    threads = threading.active_count()
    with pytest.raises(StoreError, match="did not answer"):
        keyring.set("k", "v-123")
    assert threading.active_count() == threads  # no second thread left waiting


def test_a_locked_keyring_says_so() -> None:
    keyring = Keyring({"PYTHON_KEYRING_BACKEND": "tests.keyring_backends.Locked"})
    with pytest.raises(StoreError) as raised:
        keyring.get("k")
    assert raised.value.message == "The OS keyring is locked."
    assert raised.value.hint.startswith("Unlock it, or set azlogin_store = file")


def test_a_backend_error_never_repeats_the_value() -> None:
    keyring = Keyring({"PYTHON_KEYRING_BACKEND": "tests.keyring_backends.Echoing"})
    with pytest.raises(StoreError) as raised:
        keyring.set("k", "value-echoed-98765")
    assert "value-echoed-98765" not in raised.value.message
    assert raised.value.message.startswith("The OS keyring failed: PasswordSetError: cannot store")


def test_a_backend_that_does_not_exist_is_an_error() -> None:
    keyring = Keyring({"PYTHON_KEYRING_BACKEND": "no_such_module.Keyring"})
    with pytest.raises(StoreError, match="ModuleNotFoundError"):
        keyring.check()


@pytest.mark.parametrize("text", ["0", "-1", "soon", "inf", "nan"])
def test_the_time_limit_must_be_a_number_of_seconds(text: str) -> None:
    with pytest.raises(StoreError, match="AZLOGIN_KEYRING_TIMEOUT"):
        Keyring({"AZLOGIN_KEYRING_TIMEOUT": text})


# -- which store a profile chose ---------------------------------------------------------


def test_the_choice_comes_from_the_environment_the_profile_or_its_root(tmp_path: Path) -> None:
    config = tmp_path / "config"
    sections = {
        "profile dev": {"azlogin_store": "Keyring"},
        "profile plain": {},
        "profile client": {"role_arn": "r", "source_profile": "hop"},
        "profile hop": {"role_arn": "r", "source_profile": "dev"},
        "profile loop": {"source_profile": "loop"},
    }
    assert store_choice("dev", {}, config, sections) == (
        "keyring",
        f"config {config} [profile dev] azlogin_store",
    )
    assert store_choice("plain", {}, config, sections) == ("file", "default")
    assert store_choice("client", {}, config, sections)[0] == "keyring"  # as its root
    assert store_choice("loop", {}, config, sections) == ("file", "default")
    assert store_choice("dev", {"azlogin_store": "file"}, config, sections) == (
        "file",
        "env azlogin_store",
    )
    with pytest.raises(ConfigError, match="azlogin_store = 'vault' is not one of file, keyring"):
        store_choice("dev", {"AZLOGIN_STORE": "vault"}, config, sections)


def test_a_profile_resolves_its_store_like_every_setting(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile dev]\n{AZURE}azlogin_store = keyring\n")
    assert load_profile("dev", {}, config).store == "keyring"
    assert load_profile("dev", {"AZLOGIN_STORE": "FILE"}, config).store == "file"
    config.write_text(f"[profile dev]\n{AZURE}azlogin_store = vault\n")
    with pytest.raises(ConfigError, match="not one of file, keyring"):
        load_profile("dev", {}, config)


def test_private_store_is_the_cache_files_unless_the_keyring_is_chosen(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile dev]\n{AZURE}\n[profile kr]\n{AZURE}azlogin_store = keyring\n")
    env = {"AZLOGIN_STATE_DIR": str(tmp_path / "state")}
    assert isinstance(stores.private_store(env, config, "dev"), stores.CacheStore)
    chosen = stores.private_store(env, config, "kr")
    assert isinstance(chosen, stores.KeyringCacheStore)
    assert chosen.location == "the OS keyring"


# -- what is kept there ------------------------------------------------------------------


def test_the_credential_cache_in_the_keyring_leaves_no_file(
    tmp_path: Path, plaintext: dict[str, str]
) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile kr]\n{AZURE}azlogin_store = keyring\n")
    files = stores.CacheStore(tmp_path / "state" / "cache", config)
    files.save("kr", creds("secret-from-the-file-store"))  # kept before the choice changed
    store = stores.private_store(plaintext, config, "kr")
    assert store.load("kr") is None  # the keyring is the store now; the file is not read
    store.save("kr", creds())
    assert list((tmp_path / "state" / "cache").iterdir()) == []  # the old copy is gone
    assert stores.private_store(plaintext, config, "kr").load("kr") == creds()
    entry = Keyring(plaintext).get(f"credentials:{stores.cache_key(config, 'kr')}")
    assert entry is not None and json.loads(entry)["Version"] == 1


def test_a_damaged_cache_entry_means_signing_in_again(
    tmp_path: Path, plaintext: dict[str, str]
) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile kr]\n{AZURE}azlogin_store = keyring\n")
    for damaged in (
        "not json",
        "[]",
        '{"AccessKeyId": 1}',
        json.dumps({**stores.as_process_json(creds()), "SessionToken": 7}),
    ):
        Keyring(plaintext).set(f"credentials:{stores.cache_key(config, 'kr')}", damaged)
        assert stores.private_store(plaintext, config, "kr").load("kr") is None


def test_the_remembered_session_in_the_keyring(tmp_path: Path, plaintext: dict[str, str]) -> None:
    profile = Profile("p", "contoso.onmicrosoft.com", "urn:x", store="keyring")
    state = tmp_path / "state"
    old = remembered.store_path(state, "k")
    cookie = {"name": "P", "value": "cookie-value-123", "domain": "login.example", "path": "/"}
    remembered.save(old, [{**cookie, "expires": 2e9}], now=1e9)  # the file store's copy
    slot = remembered.slot(profile, state, "k", plaintext)
    assert remembered.load(slot, now=1e9) == []  # only the keyring is read
    assert remembered.save(slot, [{**cookie, "expires": 2e9}], now=1e9) == 1
    assert not old.exists()  # moved, not copied
    assert Keyring(plaintext).get("session:k") is not None
    again = remembered.slot(profile, state, "k", plaintext)
    assert [c["value"] for c in remembered.load(again, now=1e9)] == ["cookie-value-123"]
    assert remembered.forget(again) is True
    assert Keyring(plaintext).get("session:k") is None
    assert remembered.forget(again) is False


def test_the_file_store_imports_no_keyring(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile dev]\n{AZURE}")
    probe = (
        "import sys; from pathlib import Path; from azlogin import stores;"
        "from azlogin.signin import remembered; from azlogin.commands import credential_process;"
        f"stores.private_store({{}}, Path({str(config)!r}), 'dev');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('keyring', 'keyrings')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr
