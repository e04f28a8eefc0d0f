"""``azlogin env --dotenv`` read back by the two programs that read such files: the real
python-dotenv, and docker's ``--env-file`` parser reimplemented line for line.

Every value either comes back unchanged from both, or is refused with an error that
names the variable but not the value.
"""

from __future__ import annotations

import io
import string
from datetime import datetime, timezone
from pathlib import Path

import pytest
from dotenv import dotenv_values
from hypothesis import given, settings
from hypothesis import strategies as st

from azlogin.__main__ import main
from azlogin.errors import AwsError, ConfigError, ExitStatus
from azlogin.exports import dotenv_line, render, variables
from azlogin.models import Credentials

UTF8_BOM = "\ufeff"
# Go's unicode.IsSpace; Python's str.isspace also counts the separators \x1c-\x1f.
GO_SPACE = {"\t", "\n", "\v", "\f", "\r", " ", "\x85", "\xa0"}


def _go_is_space(char: str) -> bool:
    return char in GO_SPACE or (char > "\xff" and char.isspace())


def docker_env_file(text: str, *, trim_quotes: bool = False) -> dict[str, str]:
    """docker/cli pkg/kvfile parseKeyValueFile (behind opts.ParseEnvFile): bufio lines
    (split at \\n, one trailing \\r dropped), BOM removed from line 1, leading whitespace
    trimmed, blank and ``#`` lines skipped, key up to the first ``=`` (no whitespace in it),
    the value taken as is. ``trim_quotes``: the variant found in some docker/cli versions
    that drops one pair of matching outer quotes from the value."""
    result: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # bufio.ScanLines yields no empty token after a final newline
    for number, raw in enumerate(lines, start=1):
        line = raw.removesuffix("\r")
        if number == 1:
            line = line.removeprefix(UTF8_BOM)
        while line and _go_is_space(line[0]):
            line = line[1:]
        if not line or line[0] == "#":
            continue
        key, has_value, value = line.partition("=")
        if not key or " " in key or "\t" in key:
            raise ValueError(f"docker refuses line {number}")
        if not has_value:
            continue  # looked up in the caller's environment; never written by azlogin
        if trim_quotes and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        result[key] = value
    return result


def python_dotenv(text: str) -> dict[str, str | None]:
    return dotenv_values(stream=io.StringIO(text))  # interpolation on, as load_dotenv does


def read_back(line: str) -> list[dict[str, str] | dict[str, str | None]]:
    text = line + "\n"
    return [
        python_dotenv(text),
        docker_env_file(text),
        docker_env_file(text, trim_quotes=True),
    ]


CREDS = Credentials(
    "ASIAEXAMPLEEXAMPLE12",
    "wJalr/K7MDENG+bPxRfiCY+EXAMPLEKEY/abc0",
    "FwoGZXIvYXdzE+/abc==" * 40,  # real tokens run to about a kilobyte
    datetime(2030, 1, 1, 13, 0, tzinfo=timezone.utc),
)


def test_the_whole_output_reads_back_identically_in_both() -> None:
    text = render(CREDS, "us-gov-west-1", "dotenv")
    expected = variables(CREDS, "us-gov-west-1")
    assert python_dotenv(text) == expected
    assert docker_env_file(text) == expected
    assert docker_env_file(text, trim_quotes=True) == expected


@pytest.mark.parametrize(
    "value",
    [
        "abc\\",  # a trailing backslash escapes nothing
        "a'b",
        'a"b',
        "ab'",
        'x"',
        "a#b",
        "#abc",
        "a b c",
        "a=b==",
        "$HOME",
        "a\\nb",
        "tok+en/=",
        "ünïcödé",
        "",
    ],
)
def test_hostile_but_faithful_values_are_written_unquoted(value: str) -> None:
    line = dotenv_line("AWS_SESSION_TOKEN", value)
    assert line == f"AWS_SESSION_TOKEN={value}"
    for parsed in read_back(line):
        assert parsed == {"AWS_SESSION_TOKEN": value}


# Each of these, written as NAME=value, comes back changed from at least one reader.
CORRUPTED = {
    "x${HOME}": "expands",
    "${HOME}": "expands",
    "${A:-b}": "expands",
    "'quoted'": "quote",
    '"quoted"': "quote",
    "'a": "quote",
    '"a': "quote",
    "a #b": "comment",
    " lead": "space",
    "trail ": "space",
    "two\nlines": "line break",
    "cr\r": "line break",
    "trail\t": "tab",
    "nbsp\xa0": "non-printable",
}


@pytest.mark.parametrize(("value", "reason"), CORRUPTED.items())
def test_values_one_reader_would_change_are_refused_not_corrupted(value: str, reason: str) -> None:
    naive = read_back(f"AWS_SECRET_ACCESS_KEY={value}")
    assert any(parsed.get("AWS_SECRET_ACCESS_KEY") != value for parsed in naive)
    with pytest.raises(AwsError) as info:
        dotenv_line("AWS_SECRET_ACCESS_KEY", value)
    assert reason in info.value.message
    assert "AWS_SECRET_ACCESS_KEY" in info.value.message
    assert "--json" in info.value.hint


def test_a_refused_secret_is_not_in_the_error() -> None:
    secret = "s3cr3t ${PATH} # and more"
    creds = Credentials("ASIAX", secret, "token", CREDS.expiration)
    with pytest.raises(AwsError) as info:
        render(creds, None, "dotenv")
    assert secret not in info.value.message + info.value.hint
    assert "s3cr3t" not in info.value.message + info.value.hint


def test_a_refused_region_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="region") as info:
        render(CREDS, "eu-west-1 #x", "dotenv")
    assert "eu-west-1" in info.value.hint  # an example of a valid name


BASE64 = string.ascii_letters + string.digits + "+/="


@settings(max_examples=150, deadline=None)
@given(
    key_id=st.text(alphabet=string.ascii_uppercase + string.digits, min_size=16, max_size=128),
    secret=st.text(alphabet=BASE64, min_size=1, max_size=128),
    token=st.text(alphabet=BASE64, max_size=2048),
    expiration=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2999, 12, 31),
        timezones=st.just(timezone.utc),
    ),
    region=st.from_regex(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}", fullmatch=True),
)
def test_every_aws_character_set_round_trips_unquoted(
    key_id: str, secret: str, token: str, expiration: datetime, region: str
) -> None:
    creds = Credentials(key_id, secret, token, expiration)
    text = render(creds, region, "dotenv")
    expected = variables(creds, region)
    assert python_dotenv(text) == expected
    assert docker_env_file(text) == expected
    assert docker_env_file(text, trim_quotes=True) == expected


# Text built from the pieces the readers treat specially, so the rare cases come up often.
ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
SPECIAL = [
    " #",
    "${HOME}",
    "${",
    "}",
    "HOME",
    ":-",
    "$",
    "#",
    " ",
    "\t",
    "'",
    '"',
    "\\",
    "=",
    "\r",
    "\n",
    "\xa0",
]
VALUES = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(ASCII, max_size=3))).map("".join),
)


@settings(max_examples=600, deadline=None)
@given(value=VALUES)
def test_any_value_round_trips_through_both_or_is_refused(value: str) -> None:
    try:
        line = dotenv_line("AWS_SESSION_TOKEN", value)
    except AwsError:
        return
    assert "\n" not in line
    for parsed in read_back(line):
        assert parsed == {"AWS_SESSION_TOKEN": value}


def run_env_dotenv(tmp_path: Path, secret: str) -> tuple[int, str, str]:
    (tmp_path / "config").write_text(
        "[profile dev]\nazure_tenant_id = 11111111-2222-3333-4444-555555555555\n"
        "azure_app_id_uri = https://signin.aws.amazon.com/saml\nregion = eu-west-1\n"
    )
    (tmp_path / "credentials").write_text(
        f"[dev]\naws_access_key_id = {CREDS.access_key_id}\naws_secret_access_key = {secret}\n"
        f"aws_session_token = {CREDS.session_token}\naws_expiration = 2030-01-01T13:00:00Z\n"
    )
    env = {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AZLOGIN_STATE_DIR": str(tmp_path / "state"),
    }
    out, err = io.StringIO(), io.StringIO()
    code = main(["env", "--profile", "dev", "--dotenv", "--no-prompt"], env, None, err, out)
    return code, out.getvalue(), err.getvalue()


def test_the_env_command_output_reads_back_in_both(tmp_path: Path) -> None:
    code, out, err = run_env_dotenv(tmp_path, CREDS.secret_access_key)
    assert code == 0, err
    expected = variables(CREDS, "eu-west-1")
    assert python_dotenv(out) == expected
    assert docker_env_file(out) == expected


def test_the_env_command_refuses_a_value_it_cannot_write_and_prints_nothing(
    tmp_path: Path,
) -> None:
    secret = "x${HOME}y"
    code, out, err = run_env_dotenv(tmp_path, secret)
    assert code == ExitStatus.AWS
    assert out == ""
    assert "AWS_SECRET_ACCESS_KEY" in err and "--json" in err
    assert secret not in err
