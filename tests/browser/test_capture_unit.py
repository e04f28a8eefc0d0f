from __future__ import annotations

import pytest

from azlogin.browser.capture import AcsMatcher, saml_response_from_body
from azlogin.browser.detect import PageState


@pytest.mark.parametrize(
    "url",
    [
        "https://signin.aws.amazon.com/saml",
        "https://signin.aws.amazon.com/saml/",
        "https://us-east-1.signin.aws.amazon.com/saml",
        "https://signin.aws.amazon.com.mcas.ms/saml",
        "https://signin.aws.amazon.com.mcas.ms/saml?cas_app_landing_mgc=x",
        "https://eu-west-1.signin.aws.amazon.com.mcas.ms/saml",
        "https://signin.aws.amazon.com.mcas-gov.us/saml",
        "https://signin.amazonaws-us-gov.com.mcas-gov.us/saml",
        "https://signin.amazonaws-us-gov.com.mcas-gov.ms/saml",
        "https://signin.amazonaws-us-gov.com/saml",
        "https://signin.amazonaws.cn/saml",
    ],
)
def test_matches_every_aws_acs(url: str) -> None:
    assert AcsMatcher.for_url("https://signin.aws.amazon.com/saml")(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://signin.aws.amazon.com/console",
        "https://login.microsoftonline.com/saml",
        "https://evil.example/signin.aws.amazon.com/saml",
        "https://notsignin.aws.amazon.com.evil.example/saml",
        "https://evil.example.mcas.ms/saml",
        "https://signin.aws.amazon.com.mcas.ms.evil.example/saml",
    ],
)
def test_matches_nothing_else(url: str) -> None:
    assert not AcsMatcher.for_url("https://signin.aws.amazon.com/saml")(url)


def test_local_acs_is_told_apart_by_port_and_path() -> None:
    match = AcsMatcher.for_url("http://127.0.0.1:8400/aws/saml")
    assert match("http://127.0.0.1:8400/aws/saml")
    assert not match("http://127.0.0.1:8400/11111111/saml2")
    assert not match("http://127.0.0.1:9999/aws/saml")


def test_saml_response_is_returned_exactly_as_posted() -> None:
    body = "SAMLResponse=PHNhbWw%2BKz0%3D&RelayState="
    assert saml_response_from_body(body) == "PHNhbWw+Kz0="
    assert saml_response_from_body("RelayState=x") is None
    assert saml_response_from_body(None) is None


def test_page_state_from_js() -> None:
    state = PageState.from_js({"kind": "password", "code": "50126", "captured": 0, "number": "42"})
    assert state == PageState(kind="password", code="50126", number="42")
    assert PageState.from_js({"kind": ""}).kind is None
