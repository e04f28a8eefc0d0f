"""Profile names: azlogin finds, refuses and writes them exactly as botocore reads them."""

from __future__ import annotations

import configparser
import io

import pytest
from botocore import configloader
from hypothesis import given, settings
from hypothesis import strategies as st

from azlogin import inifile, names
from azlogin.errors import ConfigError

WORDS = st.sampled_from(["dev", "prod", "a b", '"x y"', "default", "q'uote", "p\\q", "", " "])


def botocore_profiles(text: str) -> dict[str, dict[str, str]]:
    parser = configparser.RawConfigParser()
    parser.read_file(io.StringIO(text))
    raw = {name: dict(parser.items(name, raw=True)) for name in parser.sections()}
    profiles: dict[str, dict[str, str]] = configloader.build_profile_map(raw)["profiles"]
    return profiles


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(st.sampled_from(["profile", "profile ", "profilex ", "", " "]), WORDS),
        max_size=6,
        unique=True,
    )
)
def test_config_profiles_are_botocore_s(headers: list[tuple[str, str]]) -> None:
    text = "".join(f"[{prefix}{word}]\nk = {i}\n" for i, (prefix, word) in enumerate(headers))
    try:
        sections = inifile.sections(text)
    except inifile.IniSyntaxError:
        return
    ours = {name: sections[header] for name, header in names.config_profiles(sections).items()}
    assert ours == botocore_profiles(text)


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("dev", "profile dev"),
        ("default", "default"),
        ("dev profile", 'profile "dev profile"'),
        ('say "hi"', 'profile "say \\"hi\\""'),
        ("it's", 'profile "it\'s"'),
    ],
)
def test_written_headers_read_back_as_the_same_name(name: str, header: str) -> None:
    assert names.config_header(name) == header
    text = f"[{header}]\nregion = eu-west-1\n"
    assert botocore_profiles(text) == {name: {"region": "eu-west-1"}}
    assert names.config_profiles(inifile.sections(text)) == {name: header}


@pytest.mark.parametrize(
    "name",
    [
        "evil]\naws_access_key_id = AKIAINJECTED\n[default",
        "dev\r",
        "dev\x00",
        " bob ",
        "bob ",
        "",
        "DEFAULT",  # configparser's defaults section: its keys reach every profile
        "a\u2028b",
        "tab\tname",
    ],
)
def test_names_botocore_would_read_differently_are_refused(name: str) -> None:
    assert not names.is_valid(name)
    with pytest.raises(ConfigError) as caught:
        names.validate(name, "--profile")
    assert "\n" not in caught.value.message
    assert caught.value.hint


def test_unreadable_profile_headers_are_named() -> None:
    sections = inifile.sections('[profile dev profile]\nk=v\n[profile "ok one"]\nk=v\n')
    assert names.unreadable_profile_headers(sections) == ["profile dev profile"]
