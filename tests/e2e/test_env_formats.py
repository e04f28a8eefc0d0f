"""``azlogin env --format``, read by the programs that read each format (issue 11, part 5).

The real CLI signs in at the sandbox once; each format of the cached credentials is then
handed to a real consumer, which must reach the sandbox STS with them: bash ``eval`` and
the AWS CLI (env), python-dotenv (env-no-export), and the AWS CLI's own
``credential_process`` (process). pwsh and cmd are not here: their quoting is checked in
tests/unit/test_export_formats.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

from .conftest import PASSWORD, Home

AWS = str(Path(sys.executable).with_name("aws"))
BOB = "arn:aws:sts::111111111111:assumed-role/Developer/bob@sandbox.example"
CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
)


def azlogin(home: Home, *argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "azlogin", *argv],
        env={**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def signed_in(home: Home) -> str:
    """bob's profile, signed in once: every format below reuses the same credentials."""
    profile = home.profile("bob@sandbox.example")
    azlogin(home, "login", "--profile", profile)
    assert home.sandbox.sign_ins_by_user == {"bob@sandbox.example": 1}
    return profile


def bare_env(home: Home) -> dict[str, str]:
    """No profile and no config: the AWS CLI has only what the consumer gives it."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home.root / "elsewhere"),
        "AWS_CONFIG_FILE": str(home.root / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home.root / "none"),
        "AWS_ENDPOINT_URL_STS": f"{home.sandbox.base_url}/sts",
        "AWS_DEFAULT_REGION": "us-east-1",
    }


def caller(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_env_format_through_bash_eval_and_the_aws_cli(home: Home, signed_in: str) -> None:
    out = azlogin(home, "env", "--profile", signed_in, "--format", "env")
    assert [line.split("=", 1)[0] for line in out.splitlines()] == [
        f"export {name}" for name in CREDENTIAL_VARIABLES
    ]
    script = f'eval "$1"; {AWS} sts get-caller-identity --query Arn --output text'
    arn = caller(["bash", "--noprofile", "--norc", "-c", script, "sh", out], bare_env(home))
    assert arn == BOB
    # --unset clears all four again.
    unset = azlogin(home, "env", "--format", "env", "--unset")
    check = 'eval "$1"; eval "$2"; printf %s "${AWS_ACCESS_KEY_ID+x}${AWS_SESSION_TOKEN+x}"'
    argv = ["bash", "--noprofile", "--norc", "-c", check, "sh", out, unset]
    assert caller(argv, bare_env(home)) == ""


def test_env_no_export_format_through_python_dotenv(
    home: Home, signed_in: str, tmp_path: Path
) -> None:
    out = azlogin(home, "env", "--profile", signed_in, "--format", "env-no-export")
    path = tmp_path / "creds.env"
    path.write_text(out)
    values = dotenv_values(path)
    assert list(values) == list(CREDENTIAL_VARIABLES)
    env = {**bare_env(home), **{k: v for k, v in values.items() if v is not None}}
    arn = caller([AWS, "sts", "get-caller-identity", "--query", "Arn", "--output", "text"], env)
    assert arn == BOB


def test_process_format_as_the_aws_cli_credential_process(
    home: Home, signed_in: str, tmp_path: Path
) -> None:
    out = azlogin(home, "env", "--profile", signed_in, "--format", "process")
    printer = tmp_path / "print-creds.sh"
    printer.write_text(f"#!/bin/sh\ncat '{tmp_path / 'creds.json'}'\n")
    printer.chmod(0o700)
    (tmp_path / "creds.json").write_text(out)
    services = re.search(r"^services = (\S+)$", home.config.read_text(), re.M)
    assert services is not None
    with home.config.open("a") as config:
        config.write(
            f"\n[profile consumer]\ncredential_process = {printer}\n"
            f"services = {services.group(1)}\nregion = us-east-1\n"
        )
    env = {k: v for k, v in home.env.items() if not k.startswith("AWS_ENDPOINT")}
    argv = [AWS, "sts", "get-caller-identity", "--profile", "consumer"]
    arn = caller([*argv, "--query", "Arn", "--output", "text"], env)
    assert arn == BOB
