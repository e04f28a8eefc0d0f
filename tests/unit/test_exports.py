"""Shell detection and the exact text of each export format."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from azlogin.errors import UsageError
from azlogin.exports import (
    FORMATS,
    SHELLS,
    VARIABLES,
    detect_shell,
    dotenv_line,
    fish_quote,
    powershell_quote,
    render,
    render_unset,
)
from azlogin.models import Credentials

CREDS = Credentials(
    "ASIAEXAMPLEEXAMPLE12",
    "wJalr/K7MDENG+bPxRfiCY=",
    "FwoGZXIvYXdzE+/abc==",
    datetime(2030, 1, 1, 13, 0, tzinfo=timezone.utc),
)


@pytest.mark.parametrize(
    ("env", "parent", "expected"),
    [
        ({}, None, "bash"),
        ({"SHELL": "/usr/bin/zsh"}, None, "zsh"),
        ({"SHELL": "/usr/local/bin/fish"}, None, "fish"),
        ({"SHELL": "/bin/sh"}, None, "bash"),
        ({"SHELL": "/bin/zsh"}, "-bash", "bash"),  # login shell zsh, running in bash
        ({"SHELL": "/bin/bash"}, "fish", "fish"),
        ({"SHELL": "/bin/bash"}, "pwsh", "powershell"),
        ({"SHELL": "/bin/bash"}, "python3", "bash"),  # unknown parent: fall back to $SHELL
        ({"PSModulePath": r"C:\Program Files\WindowsPowerShell\Modules"}, None, "powershell"),
        ({"PSModulePath": "x"}, r"C:\Windows\System32\powershell.exe", "powershell"),
        ({"PSModulePath": "x", "SHELL": "/usr/bin/bash"}, None, "bash"),  # Git Bash
        ({"PSModulePath": "x"}, "BASH.EXE", "bash"),
        ({"SHELL": "/usr/bin/tcsh"}, None, "bash"),
    ],
)
def test_detect_shell(env: dict[str, str], parent: str | None, expected: str) -> None:
    assert detect_shell(env, parent) == expected


def test_bash_and_zsh_export_with_single_quotes_only_where_needed() -> None:
    text = render(CREDS, "eu-west-1", "bash")
    assert text.splitlines() == [
        "export AWS_ACCESS_KEY_ID=ASIAEXAMPLEEXAMPLE12",
        "export AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY=",
        "export AWS_SESSION_TOKEN=FwoGZXIvYXdzE+/abc==",
        "export AWS_CREDENTIAL_EXPIRATION=2030-01-01T13:00:00Z",
        "export AWS_REGION=eu-west-1",
        "export AWS_DEFAULT_REGION=eu-west-1",
    ]
    assert render(CREDS, "eu-west-1", "zsh") == text


def test_region_variables_only_when_a_region_is_given() -> None:
    names = [line.split("=")[0] for line in render(CREDS, None, "dotenv").splitlines()]
    assert names == list(VARIABLES[:4])


def test_powershell_uses_verbatim_strings_and_doubles_every_kind_of_quote() -> None:
    lines = render(CREDS, "us-east-1", "powershell").splitlines()
    assert lines[0] == "$env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLEEXAMPLE12'"
    assert lines[-1] == "$env:AWS_DEFAULT_REGION = 'us-east-1'"
    # PowerShell also ends a single-quoted string at curly quotes; $ and ` are literal.
    assert powershell_quote("a'b\u2019c$d`e") == "'a''b\u2019\u2019c$d`e'"


def test_fish_escapes_backslash_and_quote() -> None:
    assert fish_quote("a'b\\c$d\"e") == "'a\\'b\\\\c$d\"e'"
    assert render(CREDS, None, "fish").splitlines()[2] == (
        "set -gx AWS_SESSION_TOKEN 'FwoGZXIvYXdzE+/abc=='"
    )


def test_dotenv_writes_values_unquoted() -> None:
    """Quotes would reach docker's --env-file as part of the value (see
    test_dotenv_roundtrip for both readers and the values refused)."""
    assert render(CREDS, "eu-west-1", "dotenv").splitlines() == [
        "AWS_ACCESS_KEY_ID=ASIAEXAMPLEEXAMPLE12",
        "AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY=",
        "AWS_SESSION_TOKEN=FwoGZXIvYXdzE+/abc==",
        "AWS_CREDENTIAL_EXPIRATION=2030-01-01T13:00:00Z",
        "AWS_REGION=eu-west-1",
        "AWS_DEFAULT_REGION=eu-west-1",
    ]
    assert dotenv_line("AWS_SESSION_TOKEN", "a'b\\") == "AWS_SESSION_TOKEN=a'b\\"


def test_json_is_an_object_of_the_variables() -> None:
    assert json.loads(render(CREDS, "cn-north-1", "json")) == {
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEEXAMPLE12",
        "AWS_SECRET_ACCESS_KEY": "wJalr/K7MDENG+bPxRfiCY=",
        "AWS_SESSION_TOKEN": "FwoGZXIvYXdzE+/abc==",
        "AWS_CREDENTIAL_EXPIRATION": "2030-01-01T13:00:00Z",
        "AWS_REGION": "cn-north-1",
        "AWS_DEFAULT_REGION": "cn-north-1",
    }


def test_unset_clears_exactly_what_render_sets() -> None:
    assert render_unset("bash") == "unset " + " ".join(VARIABLES) + "\n"
    assert render_unset("fish").splitlines() == [f"set -e {name}" for name in VARIABLES]
    assert render_unset("powershell").splitlines()[0] == (
        "Remove-Item Env:AWS_ACCESS_KEY_ID -ErrorAction SilentlyContinue"
    )
    for shell in SHELLS:
        assert "AWS_PROFILE" not in render_unset(shell)


@pytest.mark.parametrize("fmt", ["json", "dotenv"])
def test_unset_is_for_shells_only(fmt: str) -> None:
    with pytest.raises(UsageError, match="nothing to unset"):
        render_unset(fmt)


def test_unknown_format_lists_the_choices() -> None:
    with pytest.raises(UsageError) as info:
        render(CREDS, None, "cmd")
    assert all(fmt in info.value.hint for fmt in FORMATS)
    with pytest.raises(UsageError):
        render_unset("cmd")
