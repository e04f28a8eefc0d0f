"""``azlogin env --format``: the exact text of each ``aws configure export-credentials``
format, and quoting that cannot inject (issue 11, part 5)."""

from __future__ import annotations

import io
import json
import re
import shlex
from datetime import datetime, timezone
from pathlib import Path

import pytest

from azlogin.__main__ import main
from azlogin.errors import AwsError, ExitStatus, UsageError
from azlogin.exports import (
    AWS_FORMATS,
    AWS_VARIABLES,
    powershell_double_quote,
    render_aws,
    render_aws_unset,
    render_aws_variables,
    variables,
)
from azlogin.models import Credentials
from azlogin.stores import as_process_json

CREDS = Credentials(
    "ASIAEXAMPLEEXAMPLE12",
    "wJalr/K7MDENG+bPxRfiCY=",
    "FwoGZXIvYXdzE+/abc==",
    datetime(2030, 1, 1, 13, 0, tzinfo=timezone.utc),
)
VALUES = [
    ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEEXAMPLE12"),
    ("AWS_SECRET_ACCESS_KEY", "wJalr/K7MDENG+bPxRfiCY="),
    ("AWS_SESSION_TOKEN", "FwoGZXIvYXdzE+/abc=="),
    ("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T13:00:00Z"),
]
# The AWS CLI's line for each format (awscli/customizations/configure/exportcreds.py).
LINES = {
    "env": "export {}={}",
    "env-no-export": "{}={}",
    "powershell": '$Env:{}="{}"',
    "windows-cmd": "set {}={}",
}


@pytest.mark.parametrize("fmt", list(LINES))
def test_each_line_format_prints_what_the_aws_cli_prints(fmt: str) -> None:
    expected = "".join(LINES[fmt].format(name, value) + "\n" for name, value in VALUES)
    assert render_aws(CREDS, fmt) == expected


def test_process_is_the_credential_process_json() -> None:
    text = render_aws(CREDS, "process")
    assert text == (
        "{\n"
        '  "Version": 1,\n'
        '  "AccessKeyId": "ASIAEXAMPLEEXAMPLE12",\n'
        '  "SecretAccessKey": "wJalr/K7MDENG+bPxRfiCY=",\n'
        '  "SessionToken": "FwoGZXIvYXdzE+/abc==",\n'
        '  "Expiration": "2030-01-01T13:00:00Z"\n'
        "}\n"
    )
    assert json.loads(text) == as_process_json(CREDS)  # as credential-process prints it


@pytest.mark.parametrize("fmt", AWS_FORMATS)
def test_no_region_is_written_as_the_aws_cli_writes_none(fmt: str) -> None:
    text = render_aws_variables(variables(CREDS, "eu-west-1"), fmt)
    assert "REGION" not in text and "eu-west-1" not in text


HOSTILE = "a'b\"c$(touch X)`d`$HOME\u201ce\u201df\u201eg\\h\ni%PATH%!j^&|<>"


@pytest.mark.parametrize("fmt", ["env", "env-no-export"])
def test_posix_formats_quote_a_hostile_value_into_one_word(fmt: str) -> None:
    line = render_aws_variables({"AWS_SECRET_ACCESS_KEY": HOSTILE}, fmt)
    words = shlex.split(line, posix=True)
    assert words[-1] == f"AWS_SECRET_ACCESS_KEY={HOSTILE}"


def test_powershell_escapes_what_its_double_quotes_would_expand_or_end() -> None:
    quoted = powershell_double_quote(HOSTILE)
    # Read back as PowerShell reads an expandable string: ` makes the next character literal.
    body = quoted[1:-1]
    assert not re.search('(?<!`)(?:``)*[$"\u201c\u201d\u201e]', body)
    assert re.sub("`(.)", r"\1", body, flags=re.S) == HOSTILE
    assert powershell_double_quote("wJalr/K7+x=") == '"wJalr/K7+x="'  # nothing to escape


def test_windows_cmd_refuses_a_character_cmd_may_treat_specially() -> None:
    for char in "%!^&|<>\"' \n":
        with pytest.raises(AwsError) as caught:
            render_aws_variables({"AWS_SESSION_TOKEN": f"Fwo{char}G"}, "windows-cmd")
        assert "AWS_SESSION_TOKEN" in caught.value.message
        assert f"Fwo{char}G" not in f"{caught.value.message} {caught.value.hint}"


def test_unset_clears_what_each_format_sets() -> None:
    names = " ".join(AWS_VARIABLES)
    assert render_aws_unset("env") == f"unset {names}\n"
    assert render_aws_unset("env-no-export") == f"unset {names}\n"
    assert render_aws_unset("windows-cmd").splitlines() == [f"set {n}=" for n in AWS_VARIABLES]
    assert render_aws_unset("powershell").splitlines() == [
        f"Remove-Item Env:{n} -ErrorAction SilentlyContinue" for n in AWS_VARIABLES
    ]
    with pytest.raises(UsageError):
        render_aws_unset("process")


def _cached(tmp_path: Path, secret: str = CREDS.secret_access_key) -> dict[str, str]:
    (tmp_path / "config").write_text(
        "[profile dev]\nazure_tenant_id = 11111111-2222-3333-4444-555555555555\n"
        "azure_app_id_uri = https://signin.aws.amazon.com/saml\nregion = eu-west-1\n"
    )
    (tmp_path / "credentials").write_text(
        f"[dev]\naws_access_key_id = {CREDS.access_key_id}\naws_secret_access_key = {secret}\n"
        f"aws_session_token = {CREDS.session_token}\naws_expiration = 2030-01-01T13:00:00Z\n"
    )
    return {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AZLOGIN_STATE_DIR": str(tmp_path / "state"),
    }


def _env(env: dict[str, str], *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["env", *argv, "--no-prompt"], env, None, err, out)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", AWS_FORMATS)
def test_the_env_command_prints_each_format(tmp_path: Path, fmt: str) -> None:
    code, out, err = _env(_cached(tmp_path), "--profile", "dev", "--format", fmt)
    assert code == 0, err
    assert out == render_aws(CREDS, fmt)


def test_the_env_command_refuses_for_cmd_and_prints_nothing(tmp_path: Path) -> None:
    secret = "abc%PATH%def"
    code, out, err = _env(_cached(tmp_path, secret), "--profile", "dev", "--format", "windows-cmd")
    assert code == ExitStatus.AWS
    assert out == "" and secret not in err and "AWS_SECRET_ACCESS_KEY" in err


def test_format_is_one_of_the_output_choices(tmp_path: Path) -> None:
    code, _, err = _env(_cached(tmp_path), "--format", "env", "--dotenv")
    assert code == ExitStatus.USAGE and "not allowed with" in err
    code, out, _ = _env(_cached(tmp_path), "--format", "windows-cmd", "--unset")
    assert code == 0 and out == render_aws_unset("windows-cmd")
