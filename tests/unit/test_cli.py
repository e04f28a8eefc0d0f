"""The CLI in-process through main(argv) and as a subprocess: help, errors, exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from azlogin.__main__ import main
from azlogin.errors import ExitStatus

TENANT = "11111111-2222-3333-4444-555555555555"


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    err = io.StringIO()
    code = main(argv, env, io.StringIO(), err)
    return code, err.getvalue()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "config").write_text(
        f"[profile dev]\nazure_tenant_id = {TENANT}\nazure_app_id_uri = https://signin.aws.amazon.com/saml\n"
    )
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "HOME": str(tmp_path),
    }


def test_help_documents_every_flag_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"], {}) == 0
    out = capsys.readouterr().out
    for flag in (
        "--profile",
        "--no-prompt",
        "--force-refresh",
        "--role",
        "--duration",
        "--debug",
        "--version",
        "--mode",
        "--reset-session",
        "examples:",
        "exit status:",
    ):
        assert flag in out
    assert "130 interrupted" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"], {}) == 0
    assert capsys.readouterr().out.startswith("azlogin 0.")


@pytest.mark.parametrize("value", ["0.1", "13", "eight"])
def test_bad_duration_is_a_usage_error(value: str, env: dict[str, str]) -> None:
    assert run(["--profile", "dev", "--duration", value], env)[0] == ExitStatus.USAGE


def test_unknown_profile_is_a_config_error_with_a_hint(env: dict[str, str]) -> None:
    code, err = run(["--profile", "deb"], env)
    assert code == ExitStatus.CONFIG
    assert err.splitlines() == [
        f"azlogin: error: Profile 'deb' is not in {env['AWS_CONFIG_FILE']}.",
        "hint: Did you mean: dev?",
    ]


def test_profile_falls_back_to_aws_profile_then_default(env: dict[str, str]) -> None:
    assert "'dev-x' is not in" in run([], {**env, "AWS_PROFILE": "dev-x"})[1]
    assert "'default' is not in" in run([], env)[1]


def test_fresh_credentials_exit_zero_without_signing_in(env: dict[str, str]) -> None:
    later = (datetime.now(timezone.utc) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[dev]\naws_access_key_id = A\naws_secret_access_key = S\naws_expiration = {later}\n"
    )
    code, err = run(["--profile", "dev", "--debug"], env)
    assert code == 0
    assert f"valid until {later}" in err
    assert "debug: setting azure_tenant_id = " + TENANT in err


def test_refresh_rule_path_imports_neither_playwright_nor_boto3(env: dict[str, str]) -> None:
    later = (datetime.now(timezone.utc) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[dev]\naws_access_key_id = A\naws_secret_access_key = S\naws_expiration = {later}\n"
    )
    probe = (
        "import sys; from azlogin.__main__ import main; code = main(['--profile', 'dev']);"
        "heavy = [m for m in ('playwright', 'boto3', 'botocore', 'lxml', 'questionary', 'rich')"
        " if m in sys.modules]; print(code, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "0 []", out.stderr


def test_console_script_runs_as_a_subprocess(env: dict[str, str]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "azlogin", "--profile", "nope"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == ExitStatus.CONFIG
    assert out.stdout == ""
    assert out.stderr.startswith("azlogin: error: Profile 'nope'")


def test_malformed_config_is_one_line_with_hint(env: dict[str, str]) -> None:
    Path(env["AWS_CONFIG_FILE"]).write_text("[profile dev]\n<<<<<<< HEAD\n")
    code, err = run(["--profile", "dev"], env)
    assert code == ExitStatus.CONFIG
    reason = "neither a [section], a key = value, nor a comment."
    assert err.splitlines()[0] == f"azlogin: error: {env['AWS_CONFIG_FILE']} line 2: {reason}"
    assert err.splitlines()[1].startswith("hint: ")
