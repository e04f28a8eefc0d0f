"""``azlogin_store = keyring`` end to end: the real CLI (and the real AWS CLI running it as
credential_process) against the sandbox, with a keyring backend that really runs here —
keyrings.alt's plaintext file under the test's HOME — chosen by ``PYTHON_KEYRING_BACKEND``
as a user would choose theirs. The sandbox counts sign-ins, so "served from the keyring"
is a count, not a guess.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyrings.alt.file import PlaintextKeyring

import tests.keyring_backends
from azlogin.browser.session import session_key
from azlogin.errors import ExitStatus
from azlogin.oskeyring import SERVICE
from azlogin.profiles import load_profile
from azlogin.stores import cache_key

from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_login import run

ROLE = "arn:aws:iam::111111111111:role/Developer"
PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def keyring_file(home: Home, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The plaintext keyring, its file under the test's HOME; returns that file."""
    share = home.root / ".local" / "share"
    for key, value in {"PYTHON_KEYRING_BACKEND": PLAINTEXT, "XDG_DATA_HOME": str(share)}.items():
        monkeypatch.setenv(key, value)
        home.env[key] = value
    return Path(PlaintextKeyring().file_path)


@pytest.fixture
def gate() -> Iterator[None]:
    """Lets the threads a stalled backend held go after the test."""
    yield
    tests.keyring_backends.GATE.set()
    tests.keyring_backends.GATE = threading.Event()


def entry(name: str) -> str | None:
    return PlaintextKeyring().get_password(SERVICE, name)


def session_entry(home: Home, profile: str) -> str | None:
    return entry("session:" + session_key(load_profile(profile, home.env, home.config)))


def aws_cli(home: Home, profile: str, **env: str) -> subprocess.CompletedProcess[str]:
    aws = shutil.which("aws", path=str(Path(sys.executable).parent))
    assert aws, "the dev environment installs the AWS CLI"
    return subprocess.run(
        [aws, "sts", "get-caller-identity", "--profile", profile],
        env={**home.env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def process_profile(home: Home, **keys: str) -> str:
    command = f"{sys.executable} -m azlogin credential-process --profile proc --no-prompt"
    return home.profile(
        "bob@sandbox.example", "proc", credential_process=command, azlogin_store="keyring", **keys
    )


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_credential_process_keeps_its_keys_in_the_keyring_only(
    home: Home, keyring_file: Path
) -> None:
    profile = process_profile(home)
    first = aws_cli(home, profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["Arn"].endswith("assumed-role/Developer/bob@sandbox.example")
    assert home.sandbox.sign_ins == 1
    kept = entry("credentials:" + cache_key(home.config, profile))
    assert kept is not None
    secret = json.loads(kept)["SecretAccessKey"]
    assert files_under(home.root / ".azlogin" / "cache") == []
    assert not home.credentials.exists()
    assert keyring_file.is_file()  # (keyrings.alt keeps the entries base64-encoded in it)
    assert [p for p in files_under(home.root) if secret.encode() in p.read_bytes()] == []
    # The second call is served from the keyring: no password given, no new sign-in.
    second = aws_cli(home, profile)
    assert second.returncode == 0, second.stderr
    assert home.sandbox.sign_ins == 1


def test_the_remembered_session_lives_in_the_keyring_and_reset_removes_it(
    home: Home, keyring_file: Path
) -> None:
    profile = home.profile(
        "alice@sandbox.example",
        azure_default_role_arn=ROLE,
        azure_default_remember_me="true",
        azlogin_store="keyring",
        azlogin_signin="http",  # no browser could be started: the second run is HTTP alone
    )
    code, err = run(home, "--profile", profile, "--no-prompt",
                    AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    assert code == 0, err
    assert files_under(home.root / ".azlogin" / "sessions") == []
    kept = session_entry(home, profile)
    assert kept is not None and "ESTSAUTHPERSISTENT" in kept
    # No password, no code: the cookies from the keyring sign in.
    code, err = run(home, "--profile", profile, "--no-prompt", "--force-refresh")
    assert code == 0, err
    assert home.sandbox.sign_ins_by_user["alice@sandbox.example"] == 2
    # --reset-session removes the keyring's copy: this run has nothing to sign in with.
    code, err = run(home, "--profile", profile, "--no-prompt", "--force-refresh",
                    "--reset-session")  # fmt: skip
    assert code == ExitStatus.SIGN_IN, err
    assert "Forgot the remembered browser session." in err
    assert session_entry(home, profile) is None
    assert home.sandbox.sign_ins_by_user["alice@sandbox.example"] == 2


def test_a_session_kept_in_a_file_moves_to_the_keyring(home: Home, keyring_file: Path) -> None:
    profile = home.profile(
        "alice@sandbox.example", azure_default_role_arn=ROLE, azure_default_remember_me="true"
    )
    secrets = {"AZURE_DEFAULT_PASSWORD": PASSWORD, "AZLOGIN_TOTP_SECRET": TOTP_SECRET}
    code, err = run(home, "--profile", profile, "--no-prompt", **secrets)
    assert code == 0, err
    assert len(files_under(home.root / ".azlogin" / "sessions")) == 1
    code, err = run(home, "--profile", profile, "--no-prompt", "--force-refresh",
                    AZLOGIN_STORE="keyring", **secrets)  # fmt: skip
    assert code == 0, err
    assert files_under(home.root / ".azlogin" / "sessions") == []
    assert session_entry(home, profile) is not None


@pytest.mark.parametrize(
    "verb",
    [
        ("credential-process", "--profile", "proc", "--no-prompt"),
        ("--profile", "proc", "--no-prompt"),  # a login keeping its remembered session
    ],
)
def test_no_keyring_is_a_clean_error_and_nothing_is_written(
    home: Home, monkeypatch: pytest.MonkeyPatch, verb: tuple[str, ...]
) -> None:
    process_profile(home, azure_default_remember_me="true")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    code, err = run(home, *verb, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == ExitStatus.CONFIG, err
    lines = err.splitlines()
    assert lines[0] == (
        "azlogin: error: No OS keyring is available for azlogin_store = keyring "
        "(config ~/.aws/config [profile proc] azlogin_store)."
    )
    assert lines[1].startswith("hint: ") and "set azlogin_store = file" in lines[1]
    assert home.sandbox.sign_ins == 0  # refused before anything was asked or sent
    assert files_under(home.root / ".azlogin" / "cache") == []
    assert files_under(home.root / ".azlogin" / "sessions") == []
    assert not home.credentials.exists()


@pytest.mark.usefixtures("gate")
def test_a_stalled_keyring_is_a_clean_error_in_the_run_that_remembers(home: Home) -> None:
    profile = home.profile(
        "alice@sandbox.example",
        azure_default_role_arn=ROLE,
        azure_default_remember_me="true",
        azlogin_store="keyring",
    )
    code, err = run(home, "--profile", profile, "--no-prompt",
                    PYTHON_KEYRING_BACKEND="tests.keyring_backends.Stalled",
                    AZLOGIN_KEYRING_TIMEOUT="0.5", AZURE_DEFAULT_PASSWORD=PASSWORD)  # fmt: skip
    assert code == ExitStatus.CONFIG, err
    assert "azlogin: error: The OS keyring did not answer within 0.5 s" in err
    assert "D-Bus" in err and "set azlogin_store = file" in err
    assert home.sandbox.sign_ins == 0
    assert files_under(home.root / ".azlogin" / "sessions") == []


def test_a_stalled_keyring_fails_the_aws_cli_cleanly_and_azlogin_exits(home: Home) -> None:
    """The AWS CLI runs azlogin, whose keyring never answers: azlogin ends with its error
    (a thread still waiting on the keyring does not keep the process alive)."""
    profile = process_profile(home)
    out = aws_cli(home, profile, AZURE_DEFAULT_PASSWORD=PASSWORD,
                  PYTHON_KEYRING_BACKEND="tests.keyring_backends.Stalled",
                  PYTHONPATH=str(REPO), AZLOGIN_KEYRING_TIMEOUT="0.5")  # fmt: skip
    assert out.returncode != 0
    assert "The OS keyring did not answer within 0.5 s" in out.stderr
    assert "AZLOGIN_KEYRING_TIMEOUT" in out.stderr
    assert home.sandbox.sign_ins == 0
