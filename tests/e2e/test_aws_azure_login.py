"""The installed ``aws-azure-login`` console script, run as its callers run it: Granted
(``--profile=X`` plus pass-through flags, then the SDK reads the profile), a shell script
followed by the AWS CLI, the --configure wizard in a terminal; against the sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pexpect
import pytest

from azlogin.errors import ExitStatus

from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_login import caller_arn

BIN = Path(sys.executable).parent
SCRIPT = BIN / "aws-azure-login"
DEV = "arn:aws:iam::111111111111:role/Developer"
READONLY = "arn:aws:iam::222222222222:role/ReadOnly"
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--enable-chrome-network-service",
    "--enable-chrome-seamless-sso",
    "--no-disable-extensions",
    "--disable-gpu",
)
ALICE = {"AZURE_DEFAULT_PASSWORD": PASSWORD, "AZLOGIN_TOTP_SECRET": TOTP_SECRET}


@pytest.fixture(autouse=True)
def _installed() -> None:
    assert SCRIPT.exists(), "pip install -e . installs the aws-azure-login script"


def aws_azure_login(home: Home, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The script as a subprocess, without a terminal (as in CI, cron, or Granted's tests)."""
    return subprocess.run(
        [str(SCRIPT), *argv],
        env={**home.env, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_granted_runs_it_then_reads_the_profile(home: Home) -> None:
    home.profile("alice@sandbox.example", "dev", azure_default_role_arn=READONLY)
    # Granted's AwsAzureLoginAssumer: `aws-azure-login --profile=<name> <pass-through…>`.
    out = aws_azure_login(home, "--profile=dev", "--no-prompt", **ALICE)
    assert out.returncode == 0, out.stderr
    assert PASSWORD not in out.stdout + out.stderr
    # Granted then loads the profile with the SDK: the keys come from ~/.aws/credentials.
    session = boto3.session.Session(profile_name="dev")
    credentials = session.get_credentials()
    assert credentials is not None and credentials.method == "shared-credentials-file"
    arn = session.client("sts").get_caller_identity()["Arn"]
    assert arn == "arn:aws:sts::222222222222:assumed-role/ReadOnly/alice@sandbox.example"
    # Asked again while the keys are fresh: no second sign-in, still status 0.
    again = aws_azure_login(home, "--profile=dev", "--no-prompt")
    assert again.returncode == 0, again.stderr
    assert "still valid" in again.stderr or "valid until" in again.stderr
    assert home.sandbox.sign_ins == 1


def test_a_script_signs_in_then_uses_the_aws_cli(home: Home) -> None:
    home.profile("bob@sandbox.example", "dev")
    script = (
        f'set -e\n"{SCRIPT}" --no-prompt -p dev\n'
        f'"{BIN / "aws"}" sts get-caller-identity --profile dev\n'
    )
    out = subprocess.run(
        ["bash", "-c", script],
        env={**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["Arn"].endswith("assumed-role/Developer/bob@sandbox.example")


def test_chromium_flags_are_accepted_and_ignored_with_a_debug_note(home: Home) -> None:
    home.profile("bob@sandbox.example", "dev")
    out = aws_azure_login(
        home,
        *CHROMIUM_FLAGS,
        "--mode",
        "cli",
        "--no-prompt",
        AWS_PROFILE="dev",  # no --profile: aws-azure-login's default is AWS_PROFILE
        DEBUG="aws-azure-login",  # the Node tool's way to ask for debug output
        AZURE_DEFAULT_PASSWORD=PASSWORD,
    )
    assert out.returncode == 0, out.stderr
    for flag in CHROMIUM_FLAGS:
        assert f"debug: aws-azure-login: {flag} is ignored: " in out.stderr
    assert PASSWORD not in out.stdout + out.stderr
    assert caller_arn("dev").endswith("assumed-role/Developer/bob@sandbox.example")


def test_all_profiles_refreshes_the_azure_profiles_due(home: Home) -> None:
    home.profile("bob@sandbox.example", "bob-dev", azure_default_role_arn=DEV)
    home.profile("alice@sandbox.example", "alice-ro", azure_default_role_arn=READONLY)
    with home.config.open("a") as config:
        config.write("[profile plain]\nregion = eu-west-1\n")  # not an azure profile: skipped
    out = aws_azure_login(home, "--all-profiles", "--no-prompt", **ALICE)
    assert out.returncode == 0, out.stderr
    assert caller_arn("bob-dev").endswith("assumed-role/Developer/bob@sandbox.example")
    assert caller_arn("alice-ro").endswith("assumed-role/ReadOnly/alice@sandbox.example")
    assert "plain" not in home.credentials.read_text()
    # Nothing is due a minute later: no sign-in, as aws-azure-login's 11-minute rule.
    assert aws_azure_login(home, "-a", "--no-prompt").returncode == 0
    assert home.sandbox.sign_ins == 2


def test_configure_asks_in_a_terminal_and_the_login_uses_it(home: Home) -> None:
    home.profile("bob@sandbox.example", "dev")
    child = pexpect.spawn(
        str(SCRIPT),
        ["--configure", "--profile", "dev"],
        env={**home.env, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 160),
    )
    clear = "\x15"  # Ctrl-U: the current value is offered; replace it
    # In the wizard's order; each question shows again once answered, so wait for the next.
    for question, answer in (
        ("tenant ID", "\r"),  # kept
        ("App ID URI", "\r"),
        ("Default username", clear + "alice@sandbox.example\r"),
        ("Default role ARN", clear + READONLY + "\r"),
        ("Session length", clear + "2\r"),
        ("Stay signed in", "n"),
        ("AWS region", "\r"),
    ):
        child.expect_exact(question)
        child.send(answer)
    child.expect_exact("Updated [profile dev]")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    config = home.config.read_text()
    assert "azure_default_role_arn = arn:aws:iam::222222222222:role/ReadOnly\n" in config
    assert "azure_default_duration_hours = 2\n" in config

    out = aws_azure_login(home, "-p", "dev", "--no-prompt", **ALICE)
    assert out.returncode == 0, out.stderr
    assert "(2 h)" in out.stderr
    assert (
        caller_arn("dev") == "arn:aws:sts::222222222222:assumed-role/ReadOnly/alice@sandbox.example"
    )


@pytest.mark.parametrize(
    ("keys", "env", "status", "said"),
    [
        # Puppeteer failing to start exits 0 in aws-azure-login; here it is a sign-in error.
        (
            {"azlogin_signin": "browser"},
            {"BROWSER_CHROME_BIN": "/nonexistent/chrome"},
            ExitStatus.SIGN_IN,
            "/nonexistent/chrome",
        ),
        # So does STS refusing the role (a generic Error there): here a configuration error.
        ({"azure_default_role_arn": READONLY}, {}, ExitStatus.CONFIG, "ReadOnly"),
    ],
    ids=["browser-missing", "role-not-granted"],
)
def test_errors_exit_non_zero(
    home: Home, keys: dict[str, str], env: dict[str, str], status: ExitStatus, said: str
) -> None:
    home.profile("bob@sandbox.example", "dev", **keys)
    out = aws_azure_login(home, "-p", "dev", "--no-prompt", AZURE_DEFAULT_PASSWORD=PASSWORD, **env)
    assert out.returncode == status, out.stderr
    assert "azlogin: error:" in out.stderr and said in out.stderr
    assert not home.credentials.exists()
