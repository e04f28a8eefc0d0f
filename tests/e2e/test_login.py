"""The real azlogin CLI, real headless Chromium, the sandbox tenant and STS, real boto3."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import boto3
import pytest

from azlogin.__main__ import main
from azlogin.errors import ExitStatus
from azlogin.sandbox import Sandbox

from .conftest import PASSWORD, TOTP_SECRET, Home


def run(home: Home, *argv: str, **env: str) -> tuple[int, str]:
    """main(argv) in-process, non-interactive (stdin is not a terminal)."""
    os.environ.update(env)
    err = io.StringIO()
    try:
        code = main(list(argv), None, io.StringIO(), err)
    finally:
        for key in env:
            os.environ.pop(key, None)
    return code, err.getvalue()


def caller_arn(profile: str) -> str:
    return boto3.session.Session(profile_name=profile).client("sts").get_caller_identity()["Arn"]


def test_password_only_user_signs_in_and_the_keys_work(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 0, err
    assert "Wrote profile 'sandbox'" in err and "111111111111 › Developer" in err
    assert caller_arn(profile) == (
        "arn:aws:sts::111111111111:assumed-role/Developer/bob@sandbox.example"
    )
    assert home.sandbox.sign_ins_by_user == {"bob@sandbox.example": 1}


def test_totp_mfa_with_a_role_name_and_duration(home: Home) -> None:
    profile = home.profile("alice@sandbox.example")
    code, err = run(
        home,
        "--profile",
        profile,
        "--role",
        "ReadOnly",
        "--duration",
        "2",
        AZURE_DEFAULT_PASSWORD=PASSWORD,
        AZLOGIN_TOTP_SECRET=TOTP_SECRET,
    )
    assert code == 0, err
    assert "(2 h)" in err
    assert caller_arn(profile).startswith("arn:aws:sts::222222222222:assumed-role/ReadOnly/")


def test_duration_is_stepped_down_to_the_role_maximum(home: Home) -> None:
    profile = home.profile("alice@sandbox.example")
    code, err = run(
        home,
        "--profile",
        profile,
        "--role",
        "platform/Admin",
        AZURE_DEFAULT_PASSWORD=PASSWORD,
        AZLOGIN_TOTP_SECRET=TOTP_SECRET,
    )
    assert code == 0, err
    assert "(1 h, the role's maximum; 8 h was asked)." in err


def test_push_with_number_matching_shows_the_number(home: Home) -> None:
    profile = home.profile(
        "carol@sandbox.example", azure_default_role_arn="arn:aws:iam::111111111111:role/Developer"
    )
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 0, err
    assert "42" in err  # the number to type in Authenticator reached the person


def test_sms_code_from_the_environment(home: Home) -> None:
    profile = home.profile(
        "erin@sandbox.example", azure_default_role_arn="arn:aws:iam::111111111111:role/Developer"
    )
    code, err = run(
        home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_MFA_CODE="246810"
    )
    assert code == 0, err


def test_method_picker_uses_the_profile_preference(home: Home) -> None:
    profile = home.profile(
        "dave@sandbox.example",
        azlogin_mfa_method="PhoneAppOTP",
        azure_default_role_arn="arn:aws:iam::111111111111:role/Developer",
    )
    code, err = run(
        home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET
    )
    assert code == 0, err


def test_passwordless_phone_sign_in(home: Home) -> None:
    profile = home.profile(
        "frank@sandbox.example", azure_default_role_arn="arn:aws:iam::111111111111:role/Developer"
    )
    code, err = run(home, "--profile", profile)
    assert code == 0, err
    assert "42" in err


def test_work_or_personal_tiles(home: Home) -> None:
    profile = home.profile(
        "grace@sandbox.example", azure_default_role_arn="arn:aws:iam::111111111111:role/Developer"
    )
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 0, err


def test_remembered_session_skips_the_pages_next_time(home: Home) -> None:
    profile = home.profile("bob@sandbox.example", azure_default_remember_me="true")
    assert run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)[0] == 0
    posts_before = [p for m, p in home.sandbox.request_log if m == "POST"]
    # No password this time: the persistent session must carry the sign-in.
    code, err = run(home, "--profile", profile, "--force-refresh")
    assert code == 0, err
    posts = [p for m, p in home.sandbox.request_log if m == "POST"][len(posts_before) :]
    assert not any("login" in p.lower() for p in posts), posts
    assert home.sandbox.sign_ins_by_user["bob@sandbox.example"] == 2


@pytest.mark.parametrize(
    ("username", "code_text"),
    [
        ("locked@sandbox.example", "AADSTS50053"),
        ("noapp@sandbox.example", "AADSTS50105"),
        ("proofup@sandbox.example", "MFA"),
        ("blocked@sandbox.example", "AADSTS53003"),
        ("denied@sandbox.example", "denied"),
        ("nobody@sandbox.example", "AADSTS50034"),
    ],
)
def test_sign_in_errors_exit_4_with_cause_and_hint(
    home: Home, username: str, code_text: str
) -> None:
    profile = home.profile(username)
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == ExitStatus.SIGN_IN, err
    lines = [line for line in err.splitlines() if line.startswith(("azlogin: error:", "hint:"))]
    assert lines[0].startswith("azlogin: error:") and code_text.lower() in err.lower()
    assert lines[1].startswith("hint:")
    assert not home.credentials.exists()


def test_wrong_password_without_prompt_fails_cleanly(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD="wrong-password-canary")
    assert code == ExitStatus.SIGN_IN
    assert "AADSTS50126" in err
    assert "wrong-password-canary" not in err


def test_wrong_tenant_and_app_name_the_key(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    text = home.config.read_text()
    home.config.write_text(text.replace("saml#sandbox", "saml#nope"))
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == ExitStatus.SIGN_IN
    assert "AADSTS700016" in err and "azure_app_id_uri" in err


def test_subprocess_run_and_canary_secrets_with_debug(home: Home) -> None:
    profile = home.profile("alice@sandbox.example")
    env = {**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD, "AZLOGIN_TOTP_SECRET": TOTP_SECRET}
    out = subprocess.run(
        [sys.executable, "-m", "azlogin", "--profile", profile, "--role", "Developer", "--debug"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "debug:" in out.stderr
    written = dict(
        line.split(" = ", 1) for line in home.credentials.read_text().splitlines() if " = " in line
    )
    for secret in (
        PASSWORD,
        TOTP_SECRET,
        written["aws_secret_access_key"],
        written["aws_session_token"],
    ):
        assert secret not in out.stderr and secret not in out.stdout
    assert "SAMLResponse=" not in out.stderr and "PHNhbWxw" not in out.stderr  # base64 of "<samlp"


def test_sandbox_is_only_on_loopback(shared_sandbox: Sandbox) -> None:
    assert shared_sandbox.base_url.startswith("http://127.0.0.1:")
