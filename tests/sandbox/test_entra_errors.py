"""The SAML entry point over plain HTTP: bad tenants, apps, requests and reply URLs get
Entra's error page with the right AADSTS code; good ones get the sign-in page."""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
import zlib
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from azlogin.sandbox import Sandbox
from azlogin.sandbox.scenario import DEFAULT_APP_ID_URI
from tests.sandbox.entra_support import (
    authn_request_xml,
    config_from_html,
    expect_error,
    saml2_url,
)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def expect_code(url: str, code: int, status: int = 400) -> None:
    got_status, html = fetch(url)
    config = config_from_html(html)
    assert (got_status, config["pgid"], config["iErrorCode"]) == (status, "ConvergedError", code)
    assert (
        f'id="service_exception_message" class="alert alert-error" role="alert">AADSTS{code}'
        in html
    )


def raw_url(sandbox: Sandbox, encoded: str) -> str:
    return f"{sandbox.base_url}/{sandbox.scenario.tenants[0].tenant_id}/saml2?SAMLRequest={encoded}"


def test_good_request_by_tenant_id_or_domain(sandbox: Sandbox) -> None:
    for tenant in ("11111111-2222-3333-4444-555555555555", "sandbox.example"):
        status, html = fetch(saml2_url(sandbox, tenant=tenant))
        assert (status, config_from_html(html)["pgid"]) == (200, "ConvergedSignIn")


def test_unknown_tenant(sandbox: Sandbox) -> None:
    expect_code(saml2_url(sandbox, tenant="00000000-0000-0000-0000-000000000000"), 90002)


@pytest.mark.parametrize(
    "issuer",
    ["https://signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/saml#2", "urn:other"],
)
def test_app_id_uri_must_match_exactly(sandbox: Sandbox, issuer: str) -> None:
    assert issuer != DEFAULT_APP_ID_URI
    expect_code(saml2_url(sandbox, issuer=issuer), 700016)


def test_missing_request(sandbox: Sandbox) -> None:
    expect_code(f"{sandbox.base_url}/sandbox.example/saml2", 750054)


def _b64(data: bytes) -> str:
    return quote(base64.b64encode(data).decode(), safe="")


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


GOOD = authn_request_xml(acs_url="http://127.0.0.1:1/saml")


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("not base64", "%%%not-base64%%%"),
        ("not deflated", _b64(GOOD)),
        ("zlib header", _b64(zlib.compress(GOOD))),
        ("truncated", _b64(_deflate(GOOD)[:40])),
        ("not XML", _b64(_deflate(b"hello"))),
        ("XXE", _b64(_deflate(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + GOOD))),
        ("logout, not authn", _b64(_deflate(GOOD.replace(b"AuthnRequest", b"LogoutRequest")))),
        ("version 1.1", _b64(_deflate(GOOD.replace(b'Version="2.0"', b'Version="1.1"')))),
        ("ID starts with a digit", _b64(_deflate(authn_request_xml(request_id="1abc")))),
        ("no issuer", _b64(_deflate(GOOD.replace(DEFAULT_APP_ID_URI.encode(), b"")))),
        ("bad instant", _b64(_deflate(GOOD.replace(b"2024-05-01T10", b"yesterday")))),
        ("bomb", _b64(_deflate(GOOD.replace(b"<samlp:NameIDPolicy", b" " * 200_000 + b"<a")))),
    ],
)
def test_garbled_requests(sandbox: Sandbox, name: str, encoded: str) -> None:
    expect_code(raw_url(sandbox, encoded), 75005)


def test_oversized_request(sandbox: Sandbox) -> None:
    expect_code(raw_url(sandbox, "A" * 20_000), 90015)


@pytest.mark.parametrize(
    "acs_url",
    [
        "https://signin.aws.amazon.com/saml",
        "https://us-east-1.signin.aws.amazon.com/saml",
        "https://signin.amazonaws-us-gov.com/saml",
        "https://signin.amazonaws.cn/saml",
    ],
)
def test_aws_reply_urls_are_accepted(sandbox: Sandbox, acs_url: str) -> None:
    status, html = fetch(saml2_url(sandbox, acs_url=acs_url))
    assert (status, config_from_html(html)["pgid"]) == (200, "ConvergedSignIn")


@pytest.mark.parametrize(
    "acs_url",
    ["https://evil.example/saml", "http://signin.aws.amazon.com/saml", "http://127.0.0.1:1/saml"],
)
def test_other_reply_urls_are_refused(sandbox: Sandbox, acs_url: str) -> None:
    expect_code(saml2_url(sandbox, acs_url=acs_url), 50011)


@pytest.mark.browser
def test_error_page_in_the_browser(sandbox: Sandbox, page: Page) -> None:
    page.goto(saml2_url(sandbox, issuer="https://signin.aws.amazon.com/saml#2"))
    expect(page.locator("#service_exception_message")).to_be_visible()
    expect_error(page, 700016)
