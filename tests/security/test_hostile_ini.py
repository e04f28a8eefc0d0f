"""Hostile and broken ~/.aws/config and credentials files.

The INI layer raises only its own errors, in bounded time; whatever it accepts it reads as
botocore's parser does; its edits land where botocore will read them. Through the real CLI
a broken file is one line naming the file and line, a hint, exit 3, and the file untouched.
"""

from __future__ import annotations

import configparser
import contextlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from botocore import configloader
from botocore.exceptions import ConfigParseError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from azlogin import awsfiles, inifile
from azlogin.errors import ConfigError, ExitStatus
from tests.e2e.conftest import Home

from .conftest import run

REPO = Path(__file__).resolve().parents[2]
FUZZ = settings(
    max_examples=400,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CREDENTIALS = """\
# My AWS credentials
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = keep/me+safe

; refreshed by azlogin
[dev]
aws_access_key_id=OLDKEY
aws_session_token = OLDTOKEN
  continued-old-token
[prod]
aws_access_key_id : AKIAPROD
"""
SERVICES = """\
[profile sandbox]
azure_tenant_id = 11111111-2222-3333-4444-555555555555
azure_app_id_uri = https://signin.aws.amazon.com/saml#sandbox
services = sandbox-1

[services sandbox-1]
sts =
  endpoint_url = http://127.0.0.1:1/sts

  region = us-east-1
"""
SEEDS = [
    (REPO / "config.example.ini").read_text(encoding="utf-8"),
    CREDENTIALS,
    SERVICES,
    CREDENTIALS.replace("\n", "\r\n"),
]
JUNK = [
    "<<<<<<< HEAD",
    "=======",
    ">>>>>>> feature/branch",
    "\ufeff[profile x]",
    "[profile dev]",
    "[dev]",
    "[dev] # trailing words",
    "[a] k = 1",
    "[x]]",
    "[ dev ]",
    "[ profile   dev ]",
    "[profile dev profile]",
    '[profile "dev profile"]',
    "key without delimiter",
    "= value without key",
    "   indented = 1",
    "\tcontinued",
    "# comment",
    "; comment",
    "[]",
    "[ ]",
    "k:v:w",
    "aws_access_key_id = DUP",
    "Region = Dup",
    "x\x0cy = 1",
    "k = a\u2028b",
    "k = a\x85b",
    "k = \x1cb",
    "k = \x00",
    "\r",
    "\x0b",
    "",
]
NEW = {
    "aws_access_key_id": "ASIANEW",
    "aws_secret_access_key": "new/secret+key",
    "aws_session_token": "new=token",
    "aws_expiration": "2026-11-21T18:00:00Z",
}


@st.composite
def mutated_files(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SEEDS)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["junk", "text", "delete", "duplicate", "indent", "chars"]))
        at = draw(st.integers(0, len(lines)))
        if op == "junk":
            lines.insert(at, draw(st.sampled_from(JUNK)) + draw(st.sampled_from(["\n", "\r\n"])))
        elif op == "text":
            lines.insert(at, draw(st.text(max_size=40)) + "\n")
        elif lines and at < len(lines):
            if op == "delete":
                del lines[at]
            elif op == "duplicate":
                lines.insert(at, lines[at])
            elif op == "indent":
                lines[at] = draw(st.sampled_from([" ", "\t", "   "])) + lines[at]
            else:
                text = lines[at]
                cut = draw(st.integers(0, len(text)))
                lines[at] = text[:cut] + draw(st.text(max_size=6)) + text[cut:]
    text = "".join(lines)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


def botocore_view(text: str) -> dict[str, dict[str, str]] | None:
    """What botocore reads: RawConfigParser over universal newlines (as a file is opened)."""
    parser = configparser.RawConfigParser()
    try:
        parser.read_file(io.StringIO(text, newline=None))
    except configparser.Error:
        return None
    return {
        name: {k: _lines(v) for k, v in parser.items(name, raw=True)} for name in parser.sections()
    }


def azlogin_view(text: str) -> dict[str, dict[str, str]]:
    return {
        name: {k: _lines(v) for k, v in keys.items()}
        for name, keys in inifile.sections(text).items()
    }


def _lines(value: str) -> str:
    # Multi-line values (services sub-sections) differ only in blank lines, which botocore's
    # nested-section parser skips too.
    return "\n".join(line for line in value.split("\n") if line.strip())


@FUZZ
@given(mutated_files())
def test_what_azlogin_accepts_botocore_reads_the_same_way(text: str) -> None:
    assume("[DEFAULT]" not in text)  # configparser's magic section, which botocore merges
    try:
        ours = azlogin_view(text)
    except inifile.IniSyntaxError as exc:
        error = exc
    else:
        error = None
    if error is not None:
        assert error.line_number >= 1 and "\n" not in error.reason
        return
    assert botocore_view(text) == ours


@FUZZ
@given(mutated_files(), st.data())
def test_edits_land_where_botocore_reads_them(text: str, data: st.DataObject) -> None:
    assume("[DEFAULT]" not in text)
    try:
        before = inifile.sections(text)
    except inifile.IniSyntaxError:
        with pytest.raises(inifile.IniSyntaxError):
            inifile.set_keys(text, "dev", NEW)
        return
    target = data.draw(st.sampled_from([*before, "brand-new", "profile brand new"]))
    updated = inifile.set_keys(text, target, NEW)
    seen = botocore_view(updated)
    assert seen is not None, "azlogin wrote a file botocore cannot read"
    assert seen[target] | NEW == seen[target]
    old = botocore_view(text)
    assert old is not None
    for name, keys in old.items():
        if name != target:
            assert seen[name] == keys
    assert inifile.set_keys(updated, target, NEW) == updated


@FUZZ
@given(st.text(max_size=400) | st.binary(max_size=400).map(lambda b: b.decode("latin-1")))
def test_arbitrary_text_raises_only_ini_errors(text: str) -> None:
    for attempt in (
        lambda: inifile.sections(text),
        lambda: inifile.set_keys(text, "profile x", {"region": "eu-west-1"}),
    ):
        try:
            attempt()
        except inifile.IniSyntaxError as exc:
            error = exc
        else:
            continue
        assert "\n" not in str(error)


@settings(max_examples=30, deadline=timedelta(seconds=5))
@given(
    st.integers(50_000, 400_000),
    st.sampled_from(["[a]\nk{pad}x\n", "[a]\nk = v{pad}x\n", "[a]\n[{pad}\n", "[{pad}x]\n"]),
    st.sampled_from([" ", "\t ", " :", "]["]),
)
def test_long_lines_parse_in_bounded_time(size: int, shape: str, pad: str) -> None:
    # The option regex used to backtrack quadratically: 16k spaces took seconds, 1 MB hours.
    text = shape.format(pad=pad * (size // len(pad)))
    with contextlib.suppress(inifile.IniSyntaxError):
        inifile.sections(text)


@FUZZ
@given(st.binary(max_size=600))
def test_read_sections_of_raw_bytes_raises_only_config_errors(
    tmp_path_factory: pytest.TempPathFactory, blob: bytes
) -> None:
    path = tmp_path_factory.mktemp("raw") / "config"
    path.write_bytes(blob)
    try:
        awsfiles.read_sections(path)
    except ConfigError as exc:
        error = exc
    else:
        return
    assert " line " in error.message and "\n" not in error.message


def test_line_endings_are_botocores() -> None:
    # str.splitlines() would cut at \f, \x1c, \x85, \u2028: botocore keeps them in a value.
    for odd in ("\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\x0b"):
        text = f"[a]\nk = x{odd}[b]\n"
        assert inifile.sections(text) == {"a": {"k": f"x{odd}[b]"}} == botocore_view(text)
        updated = inifile.set_keys(text, "b", {"k": "v"})
        assert botocore_view(updated) == {"a": {"k": f"x{odd}[b]"}, "b": {"k": "v"}}
    assert inifile.sections("[a]\rk = 1\r\n[b]\rk = 2") == {"a": {"k": "1"}, "b": {"k": "2"}}


def test_a_header_with_trailing_words_is_a_header_as_for_botocore() -> None:
    text = "[dev] x = 1\naws_access_key_id = A\n"
    assert inifile.sections(text) == {"dev": {"aws_access_key_id": "A"}} == botocore_view(text)
    # …so an edit of [dev] changes that section rather than appending a second [dev].
    assert botocore_view(inifile.set_keys(text, "dev", NEW)) == {"dev": NEW}


# --- broken files through the real CLI ----------------------------------------------------

CONFIG_LINES = [
    "[profile sandbox]\n",
    "azure_tenant_id = 11111111-2222-3333-4444-555555555555\n",
    "azure_app_id_uri = https://signin.aws.amazon.com/saml#sandbox\n",
    "region = us-east-1\n",
    "\n",
    "[profile other]\n",
    "region = eu-west-1\n",
]
CREDENTIAL_LINES = [
    "[sandbox]\n",
    "aws_access_key_id = ASIAOLD\n",
    "aws_secret_access_key = old-secret\n",
    "aws_session_token = old-token\n",
    "aws_expiration = 2000-01-01T00:00:00Z\n",
    "\n",
    "[other]\n",
    "aws_access_key_id = AKIAOTHER\n",
]


def broken(lines: list[str], kind: str) -> tuple[bytes, int]:
    """The file with one defect of ``kind``, and the line the error must name."""
    text = "".join(lines)
    insert = {
        "bad-line": (2, b"this line is neither\n"),
        "conflict-marker": (3, b"<<<<<<< HEAD\n"),
        "binary-junk": (2, b"region = \xff\xfe\xfa\x00junk\n"),
        "nul-byte": (3, b"output = js\x00on\n"),
        "duplicate-key": (4, lines[3].upper().encode()),
    }
    if kind == "bom":
        return b"\xef\xbb\xbf" + text.encode(), 1
    if kind == "duplicate-section":
        return text.encode() + lines[0].encode() + b"k = v\n", len(lines) + 1
    at, junk = insert[kind]
    return "".join(lines[:at]).encode() + junk + "".join(lines[at:]).encode(), at + 1


KINDS = ["bad-line", "conflict-marker", "binary-junk", "nul-byte", "duplicate-key",
         "duplicate-section", "bom"]  # fmt: skip
VERBS = {
    "config": [
        ["--profile", "sandbox"],
        ["--all-profiles", "--no-prompt"],
        ["list"],
        ["configure", "--profile", "sandbox", "--region", "eu-west-2", "--no-prompt"],
        ["env", "--profile", "sandbox", "--json"],
        ["credential-process", "--profile", "sandbox"],
    ],
    "credentials": [
        ["--profile", "sandbox"],
        ["list", "--json"],
        ["env", "--profile", "sandbox", "--json"],
        ["exec", "--profile", "sandbox", "--", "true"],
        ["console", "--profile", "sandbox", "--print"],
    ],
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("which", "argv"),
    [(which, argv) for which, verbs in VERBS.items() for argv in verbs],
    ids=lambda v: v if isinstance(v, str) else "-".join(v[:2]),
)
def test_broken_file_is_one_line_exit_3_and_untouched(
    home: Home, monkeypatch: pytest.MonkeyPatch, kind: str, which: str, argv: list[str]
) -> None:
    lines = CONFIG_LINES if which == "config" else CREDENTIAL_LINES
    data, line = broken(lines, kind)
    target = home.config if which == "config" else home.credentials
    target.write_bytes(data)
    if which == "credentials":
        home.config.write_text("".join(CONFIG_LINES).replace("us-east-1", "us-east-1\n" + (
            f"azlogin_authority_host = {home.sandbox.base_url}\n"
            f"azlogin_acs_url = {home.sandbox.acs_url}"
        )))  # fmt: skip
    listing = sorted(p.name for p in target.parent.iterdir())
    other = {p: p.read_bytes() for p in target.parent.iterdir() if p != target}

    result = run(monkeypatch, *argv)

    assert result.code == ExitStatus.CONFIG, result.err
    first, *rest = result.err.splitlines()
    shown = f"~/.aws/{target.name}"
    assert first.startswith(f"azlogin: error: {shown} line {line}: "), result.err
    assert len(rest) == 1 and rest[0].startswith("hint: "), result.err
    assert result.out == ""
    assert target.read_bytes() == data  # byte for byte
    assert sorted(p.name for p in target.parent.iterdir()) == listing  # no temp or lock file
    assert all(p.read_bytes() == content for p, content in other.items())
    assert home.sandbox.sign_ins == 0  # refused before any browser was started


@pytest.mark.parametrize("kind", KINDS)
def test_botocore_refuses_the_same_files(tmp_path: Path, kind: str) -> None:
    """The broken files are broken for the AWS CLI too: azlogin matches botocore (a UTF-8 BOM
    included), except that a NUL byte, which botocore keeps in a value, is refused."""
    path = tmp_path / "config"
    path.write_bytes(broken(CONFIG_LINES, kind)[0])
    if kind == "nul-byte":
        assert configloader.raw_config_parse(str(path))["profile sandbox"]["output"] == "js\x00on"
    else:
        with pytest.raises(ConfigParseError):
            configloader.raw_config_parse(str(path))
    with pytest.raises(ConfigError):
        awsfiles.read_sections(path)


@FUZZ
@given(mutated_files(), st.data())
def test_several_sections_in_one_pass_equal_one_at_a_time(text: str, data: st.DataObject) -> None:
    assume("[DEFAULT]" not in text)
    try:
        before = inifile.sections(text)
    except inifile.IniSyntaxError:
        return
    names = [*before, "brand-new", "profile brand new"]
    targets = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    changes = {t: {**NEW, "aws_expiration": None} for t in targets}
    one_at_a_time = text
    for target, values in changes.items():
        one_at_a_time = inifile.set_keys(one_at_a_time, target, values)
    assert inifile.set_sections(text, changes) == one_at_a_time
