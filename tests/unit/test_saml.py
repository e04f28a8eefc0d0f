from __future__ import annotations

import base64
import zlib
from datetime import datetime, timezone
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from lxml import etree

from azlogin import partitions, saml
from azlogin.errors import SamlError
from azlogin.models import Profile, Role

from .samlfixtures import response

DEV = "arn:aws:iam::111111111111:role/Developer"
DEV_P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
ADMIN = "arn:aws:iam::111111111111:role/team/platform/Admin"
GOV = "arn:aws-us-gov:iam::222222222222:role/Gov"
GOV_P = "arn:aws-us-gov:iam::222222222222:saml-provider/AzureAD"
CN = "arn:aws-cn:iam::333333333333:role/China"
CN_P = "arn:aws-cn:iam::333333333333:saml-provider/AzureAD"
NOW = datetime(2026, 11, 21, 10, 0, 0, tzinfo=timezone.utc)


def profile(**kw: object) -> Profile:
    base: dict[str, object] = {
        "name": "dev",
        "tenant_id": "11111111-2222-3333-4444-555555555555",
        "app_id_uri": "https://signin.aws.amazon.com/saml#2",
    }
    base.update(kw)
    return Profile(**base)  # type: ignore[arg-type]


def decode_request(url: str) -> etree._Element:
    query = parse_qs(urlsplit(url).query)
    raw = base64.b64decode(unquote(query["SAMLRequest"][0]))
    return etree.fromstring(zlib.decompress(raw, -15))


def test_login_url_carries_a_raw_deflated_authn_request() -> None:
    url = saml.login_url(profile(), request_id="id123", now=NOW)
    assert url.startswith(
        "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/saml2?SAMLRequest="
    )
    root = decode_request(url)
    assert root.tag == "{urn:oasis:names:tc:SAML:2.0:protocol}AuthnRequest"
    assert root.get("ID") == "id123"
    assert root.get("IssueInstant") == "2026-11-21T10:00:00Z"
    assert root.get("AssertionConsumerServiceURL") == "https://signin.aws.amazon.com/saml"
    issuer = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
    assert issuer is not None and issuer.text == "https://signin.aws.amazon.com/saml#2"
    policy = root.find("{urn:oasis:names:tc:SAML:2.0:protocol}NameIDPolicy")
    assert policy is not None and "emailAddress" in policy.get("Format", "")


def test_login_url_uses_the_profile_authority_and_acs() -> None:
    url = saml.login_url(
        profile(authority_host="http://127.0.0.1:8080", acs_url="http://127.0.0.1:8080/saml"),
        request_id="_x",
        now=NOW,
    )
    assert url.startswith("http://127.0.0.1:8080/11111111-")
    assert decode_request(url).get("AssertionConsumerServiceURL") == "http://127.0.0.1:8080/saml"


def test_request_id_must_start_with_letter_or_underscore() -> None:
    with pytest.raises(ValueError, match="letter"):
        saml.login_url(profile(), request_id="1abc", now=NOW)


def test_roles_in_either_order_deduplicated_and_sorted() -> None:
    raw = response([f"{DEV_P},{ADMIN}", f"{DEV},{DEV_P}", f" {DEV_P} , {DEV} ", f"{DEV},{DEV_P}"])
    parsed = saml.parse_assertion(raw)
    assert parsed.roles == (Role(DEV, DEV_P), Role(ADMIN, DEV_P))
    assert parsed.roles[1].path_and_name == "team/platform/Admin"
    assert parsed.raw == raw  # kept exactly for STS


def test_other_partitions() -> None:
    parsed = saml.parse_assertion(
        response([f"{GOV},{GOV_P}"], destination="https://signin.amazonaws-us-gov.com/saml")
    )
    assert parsed.roles == (Role(GOV, GOV_P),)
    assert parsed.partition == "aws-us-gov"
    assert saml.parse_assertion(response([f"{CN_P},{CN}"])).partition == "aws-cn"


def test_session_values_and_earliest_not_on_or_after() -> None:
    parsed = saml.parse_assertion(
        response([f"{DEV},{DEV_P}"], session_not_on_or_after="2026-11-21T18:00:00Z")
    )
    assert parsed.session_name == "alice@example.com"
    assert parsed.session_duration == 28800
    assert parsed.destination == "https://signin.aws.amazon.com/saml"
    # Entra's 7 fractional digits are accepted; the earlier of the two limits wins.
    assert parsed.not_on_or_after == datetime(2026, 11, 21, 10, 5, 0, 123456, tzinfo=timezone.utc)
    assert parsed.session_not_on_or_after == datetime(2026, 11, 21, 18, tzinfo=timezone.utc)


def test_optional_attributes_may_be_missing() -> None:
    parsed = saml.parse_assertion(response([f"{DEV},{DEV_P}"], session_name=None, duration=None))
    assert parsed.session_name is None and parsed.session_duration is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not base64!!", "not valid base64"),
        (base64.b64encode(b"<not-closed").decode(), "not well-formed"),
        (base64.b64encode(b"<a/>").decode(), "not a samlp:Response"),
        (response([]), "grants no AWS roles"),
        (response(["arn:aws:iam::111111111111:role/A,arn:aws:iam::111111111111:role/B"]), "pair"),
        (response(["garbage"]), "malformed Role"),
        (response([f"{DEV},{DEV_P}"], duration="forever"), "SessionDuration"),
        (response([f"{DEV},{DEV_P}"], not_on_or_after="yesterday"), "invalid time"),
        (
            response([f"{DEV},{DEV_P}"], status="urn:oasis:names:tc:SAML:2.0:status:Requester"),
            "status Requester",
        ),
    ],
)
def test_malformed_input_is_a_clean_error(raw: str, message: str) -> None:
    with pytest.raises(SamlError, match=message):
        saml.parse_assertion(raw)


def test_entity_expansion_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with pytest.raises(SamlError, match="DTD"):
        saml.parse_assertion(response([f"{DEV},{DEV_P}"], extra=bomb))


def test_external_entities_are_refused() -> None:
    xxe = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    with pytest.raises(SamlError, match="DTD"):
        saml.parse_assertion(response([f"{DEV},{DEV_P}&x;"], extra=xxe))


def test_huge_input_is_refused_before_decoding() -> None:
    with pytest.raises(SamlError, match="too large"):
        saml.parse_assertion("A" * (saml.MAX_ASSERTION_BYTES * 2))


def test_encrypted_assertions_get_a_specific_hint() -> None:
    xml = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<EncryptedAssertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"/></samlp:Response>'
    )
    with pytest.raises(SamlError, match="encrypted") as info:
        saml.parse_assertion(base64.b64encode(xml.encode()).decode())
    assert "encryption" in info.value.hint


def test_repr_never_shows_the_assertion() -> None:
    raw = response([f"{DEV},{DEV_P}"])
    assert raw not in repr(saml.parse_assertion(raw))


@pytest.mark.parametrize(
    ("region", "acs"),
    [
        (None, "https://signin.aws.amazon.com/saml"),
        ("eu-west-1", "https://signin.aws.amazon.com/saml"),
        ("us-gov-west-1", "https://signin.amazonaws-us-gov.com/saml"),
        ("cn-north-1", "https://signin.amazonaws.cn/saml"),
    ],
)
def test_default_acs_follows_the_partition(region: str | None, acs: str) -> None:
    assert partitions.default_acs_url(region) == acs


@pytest.mark.parametrize(
    ("url", "partition"),
    [
        ("https://signin.aws.amazon.com/saml", "aws"),
        ("https://signin.aws.amazon.com.mcas.ms/saml?cas_app_landing_mgc=x", "aws"),
        ("https://signin.amazonaws-us-gov.com.mcas-gov.us/saml", "aws-us-gov"),
        ("https://signin.amazonaws-us-gov.com.mcas-gov.ms/saml", "aws-us-gov"),
        ("https://signin.amazonaws.cn/saml", "aws-cn"),
    ],
)
def test_a_defender_proxied_destination_keeps_its_partition(url: str, partition: str) -> None:
    assert partitions.of_url(url) == partition
