"""The sandbox IdP's signing key and the signed SAMLResponse it hands to the browser.

The response is shaped like Entra ID's: a ``samlp:Response`` holding one ``Assertion``
written with a default (unprefixed) namespace, signed with an enveloped RSA-SHA256
signature over the assertion only, as Entra does by default.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner

from azlogin.sandbox.scenario import RoleSpec, User

PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"

AWS_ATTR = "https://aws.amazon.com/SAML/Attributes/"
ROLE_ATTRIBUTE = AWS_ATTR + "Role"
ROLE_SESSION_NAME_ATTRIBUTE = AWS_ATTR + "RoleSessionName"
SESSION_DURATION_ATTRIBUTE = AWS_ATTR + "SessionDuration"
_MS_CLAIMS = "http://schemas.microsoft.com/identity/claims/"


@dataclass(frozen=True)
class SigningKey:
    """The IdP's RSA key and self-signed certificate, both PEM."""

    private_key_pem: bytes = field(repr=False)
    certificate_pem: bytes


def generate_signing_key(common_name: str = "azlogin sandbox") -> SigningKey:
    """A fresh RSA-2048 key with a self-signed certificate, like an Entra app's SAML cert."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Deliberately wide: tests move the sandbox clock far from the wall clock, and the
        # verifier checks validity at the sandbox's "now" (AWS itself ignores IdP cert expiry).
        .not_valid_before(datetime(2000, 1, 1, tzinfo=timezone.utc))
        .not_valid_after(datetime(2099, 12, 31, tzinfo=timezone.utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return SigningKey(
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM),
    )


def default_namespace(uri: str) -> dict[str, str]:
    """An nsmap declaring ``uri`` as the default namespace (lxml-stubs omit the None key)."""
    return cast("dict[str, str]", {None: uri})


def saml_time(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds and ``Z``, as Entra writes (e.g. ``…T12:00:00.000Z``)."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def role_value(role: RoleSpec, index: int) -> str:
    """One Role attribute value; the order alternates so clients must accept both."""
    if not role.provider_arn:
        raise ValueError(f"role {role.arn} has no SAML provider, so no assertion can grant it")
    if index % 2 == 0:
        return f"{role.arn},{role.provider_arn}"
    return f"{role.provider_arn},{role.arn}"


def build_saml_response(
    *,
    key: SigningKey,
    tenant_id: str,
    user: User,
    roles: Sequence[RoleSpec],
    app_id_uri: str,
    acs_url: str,
    in_response_to: str,
    now: datetime,
    lifetime_seconds: int = 300,
    session_duration: int | None = None,
    session_not_on_or_after: datetime | None = None,
) -> str:
    """The base64 ``samlp:Response`` that Entra's hand-off page posts to the ACS URL."""
    issuer = f"https://sts.windows.net/{tenant_id}/"
    expires = now + timedelta(seconds=lifetime_seconds)
    assertion = _assertion(
        issuer=issuer,
        tenant_id=tenant_id,
        user=user,
        roles=roles,
        app_id_uri=app_id_uri,
        acs_url=acs_url,
        in_response_to=in_response_to,
        now=now,
        expires=expires,
        session_duration=session_duration,
        session_not_on_or_after=session_not_on_or_after,
    )
    signed = _sign(assertion, key)

    response = etree.Element(
        f"{{{PROTOCOL_NS}}}Response",
        nsmap={"samlp": PROTOCOL_NS},
        ID=_new_id(),
        Version="2.0",
        IssueInstant=saml_time(now),
        Destination=acs_url,
        InResponseTo=in_response_to,
    )
    response_issuer = etree.SubElement(
        response, f"{{{ASSERTION_NS}}}Issuer", nsmap=default_namespace(ASSERTION_NS)
    )
    response_issuer.text = issuer
    status = etree.SubElement(response, f"{{{PROTOCOL_NS}}}Status")
    etree.SubElement(status, f"{{{PROTOCOL_NS}}}StatusCode", Value=STATUS_SUCCESS)
    response.append(signed)
    xml = etree.tostring(response, xml_declaration=False, encoding="utf-8")
    return base64.b64encode(xml).decode("ascii")


def _new_id() -> str:
    # SAML IDs are xsd:ID, so they must not start with a digit; Entra uses "_" + a GUID.
    return f"_{uuid.uuid4()}"


def _a(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ASSERTION_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _assertion(
    *,
    issuer: str,
    tenant_id: str,
    user: User,
    roles: Sequence[RoleSpec],
    app_id_uri: str,
    acs_url: str,
    in_response_to: str,
    now: datetime,
    expires: datetime,
    session_duration: int | None,
    session_not_on_or_after: datetime | None,
) -> etree._Element:
    assertion_id = _new_id()
    root = etree.Element(
        f"{{{ASSERTION_NS}}}Assertion",
        nsmap=default_namespace(ASSERTION_NS),
        ID=assertion_id,
        IssueInstant=saml_time(now),
        Version="2.0",
    )
    _a(root, "Issuer", issuer)
    # signxml replaces this placeholder; the SAML schema wants the signature right after Issuer.
    etree.SubElement(root, f"{{{DSIG_NS}}}Signature", nsmap={"ds": DSIG_NS}, Id="placeholder")

    subject = _a(root, "Subject")
    _a(subject, "NameID", user.username, Format=NAMEID_EMAIL)
    confirmation = _a(subject, "SubjectConfirmation", Method=BEARER)
    _a(
        confirmation,
        "SubjectConfirmationData",
        InResponseTo=in_response_to,
        NotOnOrAfter=saml_time(expires),
        Recipient=acs_url,
    )

    conditions = _a(root, "Conditions", NotBefore=saml_time(now), NotOnOrAfter=saml_time(expires))
    _a(_a(conditions, "AudienceRestriction"), "Audience", app_id_uri)

    statement = _a(root, "AttributeStatement")
    object_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant_id}/{user.username}"))
    attributes: list[tuple[str, list[str]]] = [
        (_MS_CLAIMS + "tenantid", [tenant_id]),
        (_MS_CLAIMS + "objectidentifier", [object_id]),
        (_MS_CLAIMS + "displayname", [user.display_name or user.username]),
        (_MS_CLAIMS + "identityprovider", [issuer]),
        (
            _MS_CLAIMS + "authnmethodsreferences",
            ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"],
        ),
        (ROLE_ATTRIBUTE, [role_value(role, i) for i, role in enumerate(roles)]),
        (ROLE_SESSION_NAME_ATTRIBUTE, [user.username]),
    ]
    if session_duration is not None:
        attributes.append((SESSION_DURATION_ATTRIBUTE, [str(session_duration)]))
    for name, values in attributes:
        attribute = _a(statement, "Attribute", Name=name)
        for value in values:
            _a(attribute, "AttributeValue", value)

    authn_attrs = {"AuthnInstant": saml_time(now), "SessionIndex": assertion_id}
    if session_not_on_or_after is not None:
        authn_attrs["SessionNotOnOrAfter"] = saml_time(session_not_on_or_after)
    authn = _a(root, "AuthnStatement", **authn_attrs)
    _a(_a(authn, "AuthnContext"), "AuthnContextClassRef", PASSWORD_CONTEXT)
    return root


def _sign(assertion: etree._Element, key: SigningKey) -> etree._Element:
    signer = XMLSigner(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    return signer.sign(
        assertion,
        key=key.private_key_pem,
        cert=key.certificate_pem.decode("ascii"),
        reference_uri=f"#{assertion.get('ID')}",
    )
