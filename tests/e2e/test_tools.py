"""The verbs around the login, end to end: --all-profiles, credential-process (boto3 and
the AWS CLI), env evaluated by bash, exec, chained profiles, console links, web identity."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest

from azlogin.errors import ExitStatus

from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_login import caller_arn, run

DEV = "arn:aws:iam::111111111111:role/Developer"
ADMIN = "arn:aws:iam::111111111111:role/team/platform/Admin"
READONLY = "arn:aws:iam::222222222222:role/ReadOnly"
DEPLOYER = "arn:aws:iam::333333333333:role/Deployer"


def services(home: Home) -> str:
    """The profile line pointing boto3 at the sandbox STS."""
    return next(
        line for line in home.config.read_text().splitlines() if line.startswith("services")
    )


def test_all_profiles_signs_in_once_per_identity(home: Home) -> None:
    home.profile("bob@sandbox.example", "bob-dev", azure_default_role_arn=DEV)
    home.profile("alice@sandbox.example", "alice-dev", azure_default_role_arn=DEV)
    home.profile("alice@sandbox.example", "alice-ro", azure_default_role_arn=READONLY)
    home.profile(
        "alice@sandbox.example",
        "alice-admin",
        azure_default_role_arn=ADMIN,
        azure_default_duration_hours="1",
    )
    home.profile("bob@sandbox.example", "bob-ro", azure_default_role_arn=READONLY)  # not granted
    with home.config.open("a") as config:
        config.write("[profile plain]\nregion = eu-west-1\n")
    code, err = run(
        home, "--all-profiles", AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET
    )
    assert code == ExitStatus.CONFIG, err  # bob-ro failed; the others went on
    assert home.sandbox.sign_ins_by_user == {"bob@sandbox.example": 1, "alice@sandbox.example": 1}
    assert caller_arn("alice-ro").startswith("arn:aws:sts::222222222222:assumed-role/ReadOnly/")
    assert caller_arn("alice-admin").startswith("arn:aws:sts::111111111111:assumed-role/Admin/")
    assert caller_arn("bob-dev").endswith("assumed-role/Developer/bob@sandbox.example")
    summary = {line.split()[0]: line for line in err.splitlines() if line[:1].isalpha()}
    assert "refreshed" in summary["alice-dev"] and "failed" in summary["bob-ro"]
    assert "plain" not in summary
    # Now all valid: nothing signs in again.
    code, err = run(home, "--profiles", "alice-*")
    assert code == 0, err
    assert home.sandbox.sign_ins == 2
    assert err.count("still valid") == 3


def _process_profile(home: Home, name: str = "proc") -> str:
    command = f"{sys.executable} -m azlogin credential-process --profile {name} --no-prompt"
    return home.profile("bob@sandbox.example", name, credential_process=command)


def test_credential_process_through_boto3_and_its_cache(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = _process_profile(home)
    monkeypatch.setenv("AZURE_DEFAULT_PASSWORD", PASSWORD)
    assert caller_arn(profile).endswith("assumed-role/Developer/bob@sandbox.example")
    assert home.sandbox.sign_ins == 1
    assert not home.credentials.exists()  # it must never shadow itself
    cache = list((home.root / ".azlogin" / "cache").iterdir())
    assert len(cache) == 1 and (cache[0].stat().st_mode & 0o777) == 0o600
    # A second SDK call is served from the cache: no new sign-in.
    assert caller_arn(profile).endswith("assumed-role/Developer/bob@sandbox.example")
    assert home.sandbox.sign_ins == 1


def test_credential_process_through_the_aws_cli(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = _process_profile(home)
    aws = shutil.which("aws", path=str(Path(sys.executable).parent))
    assert aws, "the dev environment installs the AWS CLI"
    env = {**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD}
    out = subprocess.run(
        [aws, "sts", "get-caller-identity", "--profile", profile],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["Arn"].endswith("assumed-role/Developer/bob@sandbox.example")


def test_env_output_evaluated_by_bash_then_used(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    env = {
        **home.env,
        "AZURE_DEFAULT_PASSWORD": PASSWORD,
        "AWS_ENDPOINT_URL_STS": home.sandbox.sts_endpoint,
    }
    who = 'import boto3; print(boto3.client("sts").get_caller_identity()["Arn"])'
    script = (
        f'eval "$({sys.executable} -m azlogin env --profile {profile} --shell bash)" && '
        f"{sys.executable} -c '{who}'"
        f' && eval "$({sys.executable} -m azlogin env --unset --shell bash)"'
        ' && echo "after unset: ${AWS_SESSION_TOKEN:-none}"'
    )
    out = subprocess.run(
        ["bash", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "assumed-role/Developer/bob@sandbox.example" in out.stdout
    assert out.stdout.strip().endswith("after unset: none")


def test_env_json_and_exec_exit_codes(home: Home, capfd: pytest.CaptureFixture[str]) -> None:
    profile = home.profile("bob@sandbox.example")
    code, err = run(home, "env", "--profile", profile, "--json", AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 0, err
    exported = json.loads(capfd.readouterr().out)
    assert (
        exported["AWS_ACCESS_KEY_ID"].startswith("ASIA") and exported["AWS_REGION"] == "us-east-1"
    )
    code, _ = run(
        home,
        "exec",
        "--profile",
        profile,
        "--",
        sys.executable,
        "-c",
        "import os, sys; sys.exit(7 if os.environ['AWS_ACCESS_KEY_ID'].startswith('ASIA') else 1)",
    )
    assert code == 7
    code, err = run(home, "exec", "--profile", profile, "--", "no-such-command-xyz")
    assert code == ExitStatus.USAGE and "Command not found" in err


def _chained(home: Home, external_id: str) -> str:
    home.profile("alice@sandbox.example", "sso", azure_default_role_arn=DEV)
    with home.config.open("a") as config:
        config.write(
            f"[profile client]\nrole_arn = {DEPLOYER}\nsource_profile = sso\n"
            f"external_id = {external_id}\nregion = us-east-1\n{services(home)}\n"
        )
    return "client"


def test_chained_cross_account_profile_with_external_id(home: Home) -> None:
    profile = _chained(home, "sandbox-external-id")
    code, err = run(
        home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET
    )
    assert code == 0, err
    assert caller_arn(profile).startswith("arn:aws:sts::333333333333:assumed-role/Deployer/")
    assert caller_arn("sso").startswith("arn:aws:sts::111111111111:assumed-role/Developer/")


def test_chained_profile_with_wrong_external_id(home: Home) -> None:
    profile = _chained(home, "wrong-id")
    code, err = run(
        home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET
    )
    assert code == ExitStatus.AWS
    assert "AccessDenied" in err and "external_id" in err
    assert "[client]" not in home.credentials.read_text()


def test_console_link_signs_in_through_the_sandbox_federation(
    home: Home, capfd: pytest.CaptureFixture[str]
) -> None:
    profile = home.profile("bob@sandbox.example")
    code, err = run(
        home,
        "console",
        "--profile",
        profile,
        "--print",
        "--service",
        "s3",
        AZURE_DEFAULT_PASSWORD=PASSWORD,
    )
    assert code == 0, err
    link = capfd.readouterr().out.strip()
    assert link.startswith(f"{home.sandbox.base_url}/federation?Action=login&")
    assert "Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2F" in link
    with urllib.request.urlopen(link, timeout=10) as page:  # the sandbox is on 127.0.0.1
        assert "Developer" in page.read().decode()


def test_web_identity_needs_no_sign_in(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    token = home.root / "token"
    token.write_text("eyJ...")
    code, err = run(
        home,
        "--profile",
        profile,
        AWS_WEB_IDENTITY_TOKEN_FILE=str(token),
        AWS_ROLE_ARN="arn:aws:iam::111111111111:role/Pod",
    )
    assert code == 0
    assert "nothing to sign in" in err
    assert home.sandbox.request_log == []


def test_chained_profile_in_env_and_credential_process(
    home: Home, capfd: pytest.CaptureFixture[str]
) -> None:
    profile = _chained(home, "sandbox-external-id")
    secrets = {"AZURE_DEFAULT_PASSWORD": PASSWORD, "AZLOGIN_TOTP_SECRET": TOTP_SECRET}
    code, err = run(home, "env", "--profile", profile, "--json", **secrets)
    assert code == 0, err
    exported = json.loads(capfd.readouterr().out)
    who = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=home.sandbox.sts_endpoint,
        aws_access_key_id=exported["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=exported["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=exported["AWS_SESSION_TOKEN"],
    ).get_caller_identity()
    assert who["Arn"].startswith("arn:aws:sts::333333333333:assumed-role/Deployer/")
    code, err = run(home, "credential-process", "--profile", profile, **secrets)
    assert code == 0, err
    process = json.loads(capfd.readouterr().out)
    assert process["Version"] == 1 and process["AccessKeyId"].startswith("ASIA")
    assert process["AccessKeyId"] != exported["AWS_ACCESS_KEY_ID"]  # its own cache, not the file
