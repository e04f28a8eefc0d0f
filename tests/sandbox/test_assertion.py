"""The sandbox IdP's key and signed SAMLResponse: Entra's shape, verifiable signature."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree
from signxml.exceptions import InvalidSignature
from signxml.verifier import SignatureConfiguration, XMLVerifier

from azlogin.sandbox.assertion import (
    ASSERTION_NS,
    PROTOCOL_NS,
    SigningKey,
    build_saml_response,
    generate_signing_key,
)
from azlogin.sandbox.saml_parse import parse_role_value, parse_saml_time
from azlogin.sandbox.scenario import RoleSpec, Scenario, default_scenario

from .aws_support import ACS_URL, NOW, decode, saml_for

NS = {"samlp": PROTOCOL_NS, "a": ASSERTION_NS}
AWS = "https://aws.amazon.com/SAML/Attributes/"
ALICE = "alice@sandbox.example"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate_signing_key("unit test idp")


@pytest.fixture
def scenario() -> Scenario:
    return default_scenario()


def parsed(saml_b64: str) -> etree._Element:
    return etree.fromstring(decode(saml_b64))


def attribute(root: etree._Element, name: str) -> list[str]:
    values: list[str] = root.xpath(
        "a:Assertion/a:AttributeStatement/a:Attribute[@Name=$n]/a:AttributeValue/text()",
        namespaces=NS,
        n=name,
    )
    return values


def test_signing_key_is_rsa_2048_with_a_matching_self_signed_certificate(key: SigningKey) -> None:
    cert = x509.load_pem_x509_certificate(key.certificate_pem)
    private = serialization.load_pem_private_key(key.private_key_pem, password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    assert private.key_size == 2048
    assert cert.public_key() == private.public_key()
    assert cert.subject == cert.issuer
    assert "unit test idp" in cert.subject.rfc4514_string()
    assert "PRIVATE" not in repr(key)


def test_response_has_entras_shape(key: SigningKey, scenario: Scenario) -> None:
    root = parsed(saml_for(key, scenario, ALICE))
    assert root.tag == f"{{{PROTOCOL_NS}}}Response"
    assert root.get("Destination") == ACS_URL
    assert root.get("InResponseTo") == "_request-1"
    assert root.get("IssueInstant") == "2030-01-01T12:00:00.000Z"
    assert root.get("ID", "").startswith("_")
    tenant = "https://sts.windows.net/11111111-2222-3333-4444-555555555555/"
    assert root.findtext("a:Issuer", namespaces=NS) == tenant
    status = root.find("samlp:Status/samlp:StatusCode", NS)
    assert status is not None
    assert status.get("Value") == "urn:oasis:names:tc:SAML:2.0:status:Success"

    assertion = root.find("a:Assertion", NS)
    assert assertion is not None
    # Entra writes the assertion with a default namespace; clients must not expect "saml:".
    assert assertion.prefix is None
    assert assertion.nsmap[None] == ASSERTION_NS
    assert assertion.findtext("a:Issuer", namespaces=NS) == tenant
    assert assertion.findtext("a:Subject/a:NameID", namespaces=NS) == ALICE
    confirmation = assertion.find("a:Subject/a:SubjectConfirmation/a:SubjectConfirmationData", NS)
    assert confirmation is not None
    assert confirmation.get("Recipient") == ACS_URL
    assert confirmation.get("InResponseTo") == "_request-1"
    assert confirmation.get("NotOnOrAfter") == "2030-01-01T12:05:00.000Z"
    conditions = assertion.find("a:Conditions", NS)
    assert conditions is not None
    assert conditions.get("NotBefore") == "2030-01-01T12:00:00.000Z"
    assert conditions.get("NotOnOrAfter") == "2030-01-01T12:05:00.000Z"
    audience = "a:AudienceRestriction/a:Audience"
    assert conditions.findtext(audience, namespaces=NS) == scenario.tenants[0].apps[0].app_id_uri
    assert attribute(root, AWS + "RoleSessionName") == [ALICE]
    assert attribute(root, AWS + "SessionDuration") == []
    authn = assertion.find("a:AuthnStatement", NS)
    assert authn is not None
    assert authn.get("SessionNotOnOrAfter") is None


def test_role_values_alternate_their_order(key: SigningKey, scenario: Scenario) -> None:
    values = attribute(parsed(saml_for(key, scenario, ALICE)), AWS + "Role")
    user = scenario.tenants[0].user(ALICE)
    assert user is not None
    assert len(values) == len(user.roles) == 3
    assert [":role/" in v.split(",")[0] for v in values] == [True, False, True]
    pairs = [parse_role_value(v) for v in values]
    assert [p.role_arn for p in pairs if p is not None] == user.roles


def test_optional_session_attributes(key: SigningKey, scenario: Scenario) -> None:
    ends = NOW + timedelta(hours=8)
    root = parsed(
        saml_for(
            key,
            scenario,
            ALICE,
            session_duration=28800,
            session_not_on_or_after=ends,
            lifetime_seconds=600,
        )
    )
    assert attribute(root, AWS + "SessionDuration") == ["28800"]
    authn = root.find("a:Assertion/a:AuthnStatement", NS)
    assert authn is not None
    assert authn.get("SessionNotOnOrAfter") == "2030-01-01T20:00:00.000Z"
    conditions = root.find("a:Assertion/a:Conditions", NS)
    assert conditions is not None
    assert conditions.get("NotOnOrAfter") == "2030-01-01T12:10:00.000Z"


def verify(xml: bytes, cert_pem: bytes) -> etree._Element:
    config = SignatureConfiguration(
        location=f"./{{{ASSERTION_NS}}}Assertion/", verification_time=NOW
    )
    result = XMLVerifier().verify(xml, x509_cert=cert_pem.decode(), expect_config=config)
    assert not isinstance(result, list)
    assert result.signed_xml is not None
    return result.signed_xml


def test_signature_covers_the_assertion(key: SigningKey, scenario: Scenario) -> None:
    xml = decode(saml_for(key, scenario, ALICE))
    signed = verify(xml, key.certificate_pem)
    assert signed.tag == f"{{{ASSERTION_NS}}}Assertion"
    methods = etree.fromstring(xml).xpath(
        "//ds:SignedInfo/*/@Algorithm", namespaces={"ds": "http://www.w3.org/2000/09/xmldsig#"}
    )
    assert "http://www.w3.org/2001/10/xml-exc-c14n#" in methods
    assert "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" in methods
    assert b"X509Certificate" in xml

    with pytest.raises(InvalidSignature):
        verify(xml.replace(b"alice@", b"mallory@"), key.certificate_pem)
    with pytest.raises(InvalidSignature):
        verify(xml, generate_signing_key().certificate_pem)


def test_role_without_a_saml_provider_cannot_be_granted(key: SigningKey) -> None:
    user = default_scenario().tenants[0].users[0]
    with pytest.raises(ValueError, match="no SAML provider"):
        build_saml_response(
            key=key,
            tenant_id="t",
            user=user,
            roles=[RoleSpec("arn:aws:iam::333333333333:role/Deployer")],
            app_id_uri="https://signin.aws.amazon.com/saml",
            acs_url=ACS_URL,
            in_response_to="_x",
            now=NOW,
        )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("arn:aws:iam::1:role/A,arn:aws:iam::1:saml-provider/P", ("role/A", "saml-provider/P")),
        (
            " arn:aws:iam::1:saml-provider/P , arn:aws:iam::1:role/x/y/A",
            ("role/x/y/A", "saml-provider/P"),
        ),
        (
            "arn:aws-us-gov:iam::1:role/A,arn:aws-us-gov:iam::1:saml-provider/P",
            ("role/A", "saml-provider/P"),
        ),
        ("arn:aws:iam::1:role/A", None),
        ("arn:aws:iam::1:role/A,arn:aws:iam::1:role/B", None),
    ],
)
def test_role_values_parse_in_either_order(value: str, expected: tuple[str, str] | None) -> None:
    pair = parse_role_value(value)
    if expected is None:
        assert pair is None
    else:
        assert pair is not None
        assert pair.role_arn.endswith(expected[0])
        assert pair.provider_arn.endswith(expected[1])


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2030-01-01T12:00:00Z", "2030-01-01T12:00:00+00:00"),
        ("2030-01-01T12:00:00.1234567Z", "2030-01-01T12:00:00.123456+00:00"),
        ("2030-01-01T14:00:00.5+02:00", "2030-01-01T12:00:00.500000+00:00"),
    ],
)
def test_saml_times_parse_as_idps_write_them(text: str, iso: str) -> None:
    parsed_time = parse_saml_time(text)
    assert parsed_time is not None
    assert parsed_time.isoformat() == iso
    assert parse_saml_time("yesterday") is None
