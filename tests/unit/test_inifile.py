from __future__ import annotations

import configparser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from azlogin import inifile

KEYS = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_expiration"]
NEW = {k: f"new-{i}" for i, k in enumerate(KEYS)}

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=12)
values = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"
    ),
    max_size=30,
).map(str.strip)
spaces = st.sampled_from(["", " ", "  ", "\t"])
comments = st.builds(lambda p, body: f"{p}{body}", st.sampled_from(["#", ";", "  #", "# "]), values)


@st.composite
def option_lines(draw: st.DrawFn, key: str) -> str:
    return f"{key}{draw(spaces)}{draw(st.sampled_from(['=', ':']))}{draw(spaces)}{draw(values)}"


@st.composite
def ini_files(draw: st.DrawFn) -> tuple[str, list[str]]:
    section_names = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    out: list[str] = [draw(comments) for _ in range(draw(st.integers(0, 2)))]
    for name in section_names:
        out.append(f"[{name}]{draw(spaces)}")
        keys = draw(st.lists(st.sampled_from([*KEYS, "region", "output", "x_other"]), unique=True))
        for key in keys:
            out.append(draw(option_lines(key)))
            if draw(st.booleans()):
                out.append(draw(st.sampled_from(["", draw(comments)])))
    text = newline.join(out)
    if draw(st.booleans()):
        text += newline
    return text, section_names


def without_target_keys(text: str, section: str) -> list[str]:
    """Every line, except the target section's azlogin keys (and the header's position)."""
    return [
        line.text.rstrip("\r\n")
        for line in inifile.parse(text)
        if not (line.section == section and line.key in KEYS)
    ]


@settings(max_examples=300, deadline=None)
@given(ini_files(), st.data())
def test_every_byte_outside_the_target_keys_is_kept(
    generated: tuple[str, list[str]], data: st.DataObject
) -> None:
    text, drawn_names = generated
    # Parse rather than trust the generator: an indented "[x]" after a key is a continuation.
    section_names = list(inifile.sections(text))
    target = data.draw(st.sampled_from([*drawn_names, "brand-new"]))
    updated = inifile.set_keys(text, target, NEW)
    assert inifile.sections(updated)[target] | NEW == inifile.sections(updated)[target]
    before = without_target_keys(text, target)
    after = without_target_keys(updated, target)
    if target not in section_names:
        assert updated.startswith(text)
        assert after[: len(before)] == before
    else:
        assert after == before
    # Other sections are unchanged, and botocore's parser reads the result.
    for name in section_names:
        if name != target:
            assert inifile.sections(updated)[name] == inifile.sections(text)[name]
    parser = configparser.RawConfigParser()
    parser.read_string(updated)
    assert parser.get(target, "aws_session_token") == NEW["aws_session_token"]
    # A second identical write changes nothing.
    assert inifile.set_keys(updated, target, NEW) == updated


def test_untouched_file_is_byte_identical_when_values_are_already_set() -> None:
    text = "# mine\r\n[dev]\r\naws_access_key_id=new-0   \r\n"
    assert inifile.set_keys(text, "dev", {"aws_access_key_id": "new-0"}) == text.replace(
        "new-0   ", "new-0"
    )


def test_replacing_keeps_key_spelling_delimiter_and_position() -> None:
    text = "[dev]\nAWS_Access_Key_Id :  OLD\nother = 1\naws_session_token=OLD\n  continued\nz=9\n"
    updated = inifile.set_keys(text, "dev", {"aws_access_key_id": "A", "aws_session_token": "T"})
    assert updated == "[dev]\nAWS_Access_Key_Id :  A\nother = 1\naws_session_token=T\nz=9\n"


def test_new_keys_go_after_the_last_key_not_after_trailing_comments() -> None:
    text = "[dev]\nregion = eu-west-1\n\n# about prod\n[prod]\nregion = us-east-1\n"
    updated = inifile.set_keys(text, "dev", {"aws_access_key_id": "A"})
    assert updated == (
        "[dev]\nregion = eu-west-1\naws_access_key_id = A\n"
        "\n# about prod\n[prod]\nregion = us-east-1\n"
    )


def test_new_section_appended_with_the_file_line_endings() -> None:
    assert inifile.set_keys("[a]\r\nx=1", "b", {"k": "v"}) == "[a]\r\nx=1\r\n\r\n[b]\r\nk = v\r\n"
    assert inifile.set_keys("", "b", {"k": "v"}) == "[b]\nk = v\n"


def test_none_deletes_a_key_and_its_continuation() -> None:
    text = "[p]\ns3 =\n  max_concurrent_requests = 10\nregion = x\n"
    assert inifile.set_keys(text, "p", {"s3": None}) == "[p]\nregion = x\n"


def test_values_are_written_raw_never_quoted() -> None:
    token = 'FwoGZXIvYXdzE"+/=abc'
    assert f"aws_session_token = {token}\n" in inifile.set_keys(
        "", "p", {"aws_session_token": token}
    )


def test_hash_inside_a_value_is_part_of_the_value() -> None:
    text = "[profile dev]\nazure_app_id_uri = https://signin.aws.amazon.com/saml#2\n"
    assert inifile.sections(text)["profile dev"]["azure_app_id_uri"].endswith("saml#2")


def test_section_names_are_verbatim_as_botocore_reads_them() -> None:
    # configparser keeps the spaces inside the brackets: [ bob ] is the profile " bob ".
    assert list(inifile.sections("[ profile   dev ]\nk=v\n[ bob ]\nk=v\n")) == [
        " profile   dev ",
        " bob ",
    ]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("[a]\nk=1\n[a]\n", 3, "appears twice"),
        ("[a]\nk=1\nK=2\n", 3, "appears twice"),
        ("k=1\n[a]\n", 1, "before the first"),
        ("[a]\njust words\n", 2, "neither"),
        ("[a]\nk=\x00\n", 2, "NUL"),
        ("[]\n", 1, "neither"),
    ],
)
def test_malformed_files_name_the_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(inifile.IniSyntaxError, match=reason) as info:
        inifile.parse(text)
    assert info.value.line_number == line


def test_multiline_values_refused() -> None:
    with pytest.raises(ValueError, match="one line"):
        inifile.set_keys("", "p", {"k": "a\nb"})


def test_a_new_key_never_swallows_a_following_indented_header() -> None:
    text = "[a]\n\n  [b]\nk = 1\n"
    updated = inifile.set_keys(text, "a", {"aws_access_key_id": "A"})
    assert inifile.sections(updated) == {"a": {"aws_access_key_id": "A"}, "b": {"k": "1"}}
    parser = configparser.RawConfigParser()
    parser.read_string(updated)
    assert parser.sections() == ["a", "b"]


def test_new_keys_before_an_indented_header_behind_a_comment_stay_keys() -> None:
    # Found by hypothesis: configparser skips the comment, so an unindented new key would
    # swallow the indented header after it as a continuation line.
    text = "[profile dev]\n# note\n [default]\naws_access_key_id = AKIAKEEP\n"
    updated = inifile.set_keys(text, "profile dev", {"region": "eu-west-1"})
    parser = configparser.RawConfigParser()
    parser.read_string(updated)
    assert parser.get("profile dev", "region") == "eu-west-1"
    assert parser.get("default", "aws_access_key_id") == "AKIAKEEP"
