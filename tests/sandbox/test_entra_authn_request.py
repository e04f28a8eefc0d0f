"""AuthnRequest decoding without a server: what is accepted and what each refusal says."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from azlogin.models import Profile
from azlogin.saml import login_url
from azlogin.sandbox.authn_request import decode_authn_request, parse_authn_request
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.scenario import DEFAULT_APP_ID_URI, DEFAULT_TENANT_ID
from tests.sandbox.entra_support import authn_request_xml, deflate


def test_reads_what_azlogin_sends() -> None:
    profile = Profile(
        name="sandbox",
        tenant_id=DEFAULT_TENANT_ID,
        app_id_uri=DEFAULT_APP_ID_URI,
        authority_host="http://127.0.0.1:8765",
        acs_url="http://127.0.0.1:8765/saml",
    )
    url = login_url(profile, request_id="id0123", now=datetime(2024, 5, 1, tzinfo=timezone.utc))
    encoded = parse_qs(urlsplit(url).query)["SAMLRequest"][0]
    request = decode_authn_request(encoded)
    assert request.request_id == "id0123"
    assert request.issuer == DEFAULT_APP_ID_URI  # the "#sandbox" survives
    assert request.acs_url == "http://127.0.0.1:8765/saml"
    assert not request.force_authn and not request.is_passive


@pytest.mark.parametrize(
    "instant", ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.1234567Z", "2024-05-01T10:00:00.123Z"]
)
def test_issue_instant_forms(instant: str) -> None:
    xml = authn_request_xml().replace(b"2024-05-01T10:00:00Z", instant.encode())
    assert parse_authn_request(xml).issuer == DEFAULT_APP_ID_URI


def test_flags_and_missing_acs() -> None:
    xml = authn_request_xml(is_passive=True, attrs=' ForceAuthn="true"')
    request = parse_authn_request(xml)
    assert (request.is_passive, request.force_authn, request.acs_url) == (True, True, None)


@pytest.mark.parametrize(
    ("encoded", "code"),
    [
        (None, "750054"),
        ("", "750054"),
        ("A" * 20_000, "90015"),
        ("!!!", "75005"),
        (base64.b64encode(deflate(b"<x/>")).decode(), "75005"),
    ],
)
def test_refusals(encoded: str | None, code: str) -> None:
    with pytest.raises(EntraError) as caught:
        decode_authn_request(encoded)
    assert caught.value.code == code
    assert str(caught.value).startswith(f"AADSTS{code}: ")


def test_post_binding_only() -> None:
    redirect = ' ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"'
    with pytest.raises(EntraError, match="HTTP-POST"):
        parse_authn_request(authn_request_xml(attrs=redirect))


def test_entities_are_never_expanded() -> None:
    xml = b'<!DOCTYPE x [<!ENTITY e "expanded">]>' + authn_request_xml(issuer="&e;")
    with pytest.raises(EntraError, match="Document type"):
        parse_authn_request(xml)
