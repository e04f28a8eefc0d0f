"""What ``azlogin exec`` hands its command: the real CLI as a subprocess, running a real
child that prints the environment it got as JSON.

The profile's keys are still valid in the credentials file, so no sign-in happens and
nothing but the environment decides the outcome.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from azlogin.commands.exec_ import child_environment
from azlogin.models import Credentials

TENANT = "11111111-2222-3333-4444-555555555555"
KEY_ID = "ASIANEWNEWNEWNEW0001"
SECRET = "new/secret+KEY=="
TOKEN = "new+session/token=="
PRINT_ENV = "import json, os; print(json.dumps(dict(os.environ)))"
# botocore's own credential chain, run in the child: which keys would an SDK use?
WHO = (
    "import botocore.session; c = botocore.session.get_session().get_credentials();"
    "print(c.method, c.access_key)"
)
STALE = {
    "AWS_ACCESS_KEY_ID": "AKIAOLDOLDOLDOLD0000",
    "AWS_SECRET_ACCESS_KEY": "old-secret",
    "AWS_SESSION_TOKEN": "old-token",
    "AWS_SECURITY_TOKEN": "old-legacy-token",
    "AWS_CREDENTIAL_EXPIRATION": "2001-01-01T00:00:00Z",
    "AWS_DEFAULT_PROFILE": "other",
}
AZLOGIN_SECRETS = {
    "AZURE_DEFAULT_PASSWORD": "pa55-word-upper",
    "azure_default_password": "pa55-word-lower",
    "Azlogin_Mfa_Code": "123456",
    "AZLOGIN_TOTP_SECRET": "JBSWY3DPEHPK3PXP",
}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    expires = (datetime.now(timezone.utc) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (tmp_path / "config").write_text(
        f"[profile dev]\nazure_tenant_id = {TENANT}\n"
        "azure_app_id_uri = https://signin.aws.amazon.com/saml\nregion = eu-west-1\n"
        "[profile other]\nregion = us-west-2\n"
    )
    (tmp_path / "credentials").write_text(
        f"[dev]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
        f"aws_session_token = {TOKEN}\naws_expiration = {expires}\n"
        "[other]\naws_access_key_id = AKIAOTHEROTHEROTHER0\naws_secret_access_key = o\n"
    )
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AZLOGIN_STATE_DIR": str(tmp_path / "state"),
        "LANG": "C.UTF-8",
    }


def exec_child(env: dict[str, str], *command: str, profile: tuple[str, ...] = ()) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "azlogin", "exec", *profile, "--no-prompt", "--", *command],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for secret in (SECRET, TOKEN, *AZLOGIN_SECRETS.values()):
        assert secret not in done.stderr
    return done.stdout


def test_the_child_gets_the_new_keys_and_nothing_stale(env: dict[str, str]) -> None:
    parent = {**env, **STALE, **AZLOGIN_SECRETS, "AWS_PROFILE": "dev", "KEEP": "a'b $c\\"}
    child = json.loads(exec_child(parent, sys.executable, "-c", PRINT_ENV))
    assert child["AWS_ACCESS_KEY_ID"] == KEY_ID
    assert child["AWS_SECRET_ACCESS_KEY"] == SECRET
    assert child["AWS_SESSION_TOKEN"] == TOKEN
    assert child["AWS_CREDENTIAL_EXPIRATION"] != STALE["AWS_CREDENTIAL_EXPIRATION"]
    assert child["AWS_REGION"] == child["AWS_DEFAULT_REGION"] == "eu-west-1"  # the profile's
    for name in ("AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        assert name not in child
    assert not {name.upper() for name in child} & {name.upper() for name in AZLOGIN_SECRETS}
    assert not set(child.values()) & set(AZLOGIN_SECRETS.values())
    assert child["KEEP"] == "a'b $c\\"  # everything else passes unchanged
    assert child["AWS_CONFIG_FILE"] == env["AWS_CONFIG_FILE"]


def test_an_sdk_in_the_child_uses_the_new_keys(env: dict[str, str]) -> None:
    parent = {**env, **STALE, "AWS_PROFILE": "other"}
    out = exec_child(parent, sys.executable, "-c", WHO, profile=("--profile", "dev"))
    assert out.split() == ["env", KEY_ID]


def test_a_region_from_the_environment_wins_over_the_profiles_for_both_names(
    env: dict[str, str],
) -> None:
    """AWS_REGION outranks the profile's region (see profiles.py), as for every verb."""
    parent = {**env, "AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "us-east-2"}
    child = json.loads(exec_child(parent, sys.executable, "-c", PRINT_ENV, profile=("-p", "dev")))
    assert child["AWS_REGION"] == child["AWS_DEFAULT_REGION"] == "ap-south-1"


def test_without_a_profile_region_the_parents_region_stays() -> None:
    creds = Credentials(KEY_ID, SECRET, TOKEN, datetime(2030, 1, 1, tzinfo=timezone.utc))
    parent = {**STALE, "AWS_PROFILE": "dev", "AWS_REGION": "ap-south-1"}
    child = child_environment({**parent, "AWS_DEFAULT_REGION": "ap-south-1"}, creds, None)
    assert child["AWS_REGION"] == child["AWS_DEFAULT_REGION"] == "ap-south-1"
    assert child["AWS_CREDENTIAL_EXPIRATION"] == "2030-01-01T00:00:00Z"
    assert "AWS_PROFILE" not in child and "AWS_SECURITY_TOKEN" not in child


def test_in_an_eks_pod_the_child_keeps_its_aws_settings_but_not_our_secrets() -> None:
    """No credentials of ours (web identity): the SDK in the child signs in by itself."""
    parent = {"AWS_PROFILE": "dev", "AWS_ROLE_ARN": "arn:aws:iam::1:role/Pod", **AZLOGIN_SECRETS}
    child = child_environment(parent, None, None)
    assert child == {"AWS_PROFILE": "dev", "AWS_ROLE_ARN": "arn:aws:iam::1:role/Pod"}
