"""Canary secrets with ``azlogin_store = keyring``, always with ``--debug``: what azlogin
reads back from the keyring (the cached keys, the session cookies) is shown nowhere —
stdout but for credential-process's keys, stderr, the exceptions ``main`` turned into
messages — and is on disk in no file of azlogin's. The keyring is keyrings.alt's file
under the test's HOME (base64, so a raw value found on disk would be a leak of ours).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from keyrings.alt.file import PlaintextKeyring

from azlogin.browser.session import session_key
from azlogin.oskeyring import SERVICE
from azlogin.profiles import load_profile
from azlogin.redact import MASK
from azlogin.stores import cache_key
from tests.e2e.conftest import Home

from .conftest import Result, run

PASSWORD = "Cnry-Kr-Pw-4Tz!81qL"
TOTP_SECRET = "CANARYKEYRINGTOTPQ7ZXWVT3ABKMNPQ"
ALICE = "alice@sandbox.example"
DEV = "arn:aws:iam::111111111111:role/Developer"


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [s[:12] + "…" for s in secrets if s and s in text]


def test_what_the_keyring_holds_is_never_shown_nor_written(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.sandbox.update_user(ALICE, password=PASSWORD, totp_secret=TOTP_SECRET)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(home.root / ".local" / "share"))
    home.profile(ALICE, "proc", azure_default_role_arn=DEV, azlogin_store="keyring")
    home.profile(ALICE, "kmsi", azure_default_role_arn=DEV, azlogin_store="keyring",
                 azure_default_remember_me="true")  # fmt: skip
    secrets = {"AZURE_DEFAULT_PASSWORD": PASSWORD, "AZLOGIN_TOTP_SECRET": TOTP_SECRET}
    results: dict[str, Result] = {
        "process": run(
            monkeypatch, "credential-process", "--profile", "proc", "--debug", **secrets
        ),
        "process-cached": run(monkeypatch, "credential-process", "--profile", "proc", "--debug"),
        "kmsi": run(monkeypatch, "--profile", "kmsi", "--debug", **secrets),
        "kmsi-remembered": run(monkeypatch, "--profile", "kmsi", "--force-refresh", "--debug"),
        # A backend whose error repeats the value it was given.
        "echoing": run(
            monkeypatch,
            "--profile",
            "kmsi",
            "--force-refresh",
            "--debug",
            PYTHON_KEYRING_BACKEND="tests.keyring_backends.Echoing",
            **secrets,
        ),
    }
    assert home.sandbox.sign_ins == 4  # the cached run alone was served without one

    keyring = PlaintextKeyring()
    cached = json.loads(
        keyring.get_password(SERVICE, "credentials:" + cache_key(home.config, "proc"))
    )
    keys = [cached["SecretAccessKey"], cached["SessionToken"]]
    profile = load_profile("kmsi", home.env, home.config)
    session = json.loads(keyring.get_password(SERVICE, "session:" + session_key(profile)))
    cookies = [c["value"] for c in session["cookies"]]
    assert keys and cookies
    never = [PASSWORD, TOTP_SECRET, *cookies]

    for name, result in results.items():
        assert "debug: " in result.err, name
        assert leaks(result.err, never + keys) == [], name
        assert leaks(result.out, never if name.startswith("process") else never + keys) == []
        for text in result.exception_texts():
            assert leaks(text, never + keys) == [], name
    for name in ("process", "process-cached", "kmsi", "kmsi-remembered"):
        assert results[name].code == 0, results[name].err
        assert MASK not in results[name].err  # nothing even reached the last-line scrubber
    assert keys[0] in results["process-cached"].out  # the canaries were really in play
    echoing = results["echoing"]
    assert echoing.code != 0 and "azlogin: error: The OS keyring failed for " in echoing.err
    assert "PasswordSetError: cannot store" in echoing.err  # its words, the values masked

    for path in sorted(p for p in home.root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found = [s[:12] for s in never + keys if s.encode() in data]
        assert found == [], path.relative_to(home.root).as_posix()
    assert not list(Path(home.root / ".azlogin").glob("cache/*"))
    assert not list(Path(home.root / ".azlogin").glob("sessions/*"))
