from __future__ import annotations

import pytest

from azlogin.browser import aadsts


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("50034", "not found"),
        ("50126", "wrong username or password"),
        ("50053", "locked"),
        ("50057", "disabled"),
        ("50055", "expired"),
        ("50105", "not assigned"),
        ("700016", "identifier URI"),
        ("90002", "tenant not found"),
        ("53003", "conditional access"),
        ("50097", "device"),
    ],
)
def test_codes_from_the_guide_have_meanings(code: str, words: str) -> None:
    entry = aadsts.lookup("AADSTS" + code)
    assert entry is not None
    assert words in entry.meaning
    assert entry.hint


def test_hints_point_at_the_setting_to_fix() -> None:
    assert "azure_app_id_uri" in aadsts.describe("700016")[1]
    assert "azure_tenant_id" in aadsts.describe("90002")[1]
    assert "--mode gui" in aadsts.describe("53003")[1]


def test_describe_unknown_code_keeps_the_page_text() -> None:
    message, hint = aadsts.describe("99999", "Something odd")
    assert message == "Sign-in failed with AADSTS99999: Something odd"
    assert "code=99999" in hint


def test_find_code() -> None:
    assert aadsts.find_code("AADSTS50126: Error validating credentials") == "50126"
    assert aadsts.find_code("Error code: AADSTS700016 at 10:00") == "700016"
    assert aadsts.find_code("no code here 50126") is None
