"""Check a posted SAMLResponse the way AWS does: signature, issuer, times, audience, recipient.

Shared by the sandbox STS (AssumeRoleWithSAML) and its ACS page (the role chooser). Every
value returned is read from the signed assertion as signxml hands it back, never from the
document as posted, so a signature-wrapping trick cannot smuggle in unsigned roles.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from signxml.algorithms import SignatureMethod
from signxml.exceptions import SignXMLException
from signxml.verifier import SignatureConfiguration, XMLVerifier

from azlogin.sandbox.assertion import (
    ASSERTION_NS,
    ROLE_ATTRIBUTE,
    ROLE_SESSION_NAME_ATTRIBUTE,
    SESSION_DURATION_ATTRIBUTE,
    STATUS_SUCCESS,
)
from azlogin.sandbox.saml_parse import (
    NS,
    RolePair,
    SamlRejected,
    parse_response,
    parse_saml_time,
    role_pairs,
)
from azlogin.sandbox.scenario import Scenario

_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")


@dataclass(frozen=True)
class CheckedAssertion:
    issuer: str
    subject: str
    subject_format: str
    audiences: tuple[str, ...]
    recipient: str
    not_on_or_after: datetime
    roles: tuple[RolePair, ...]
    session_name: str
    session_duration: int | None
    session_not_on_or_after: datetime | None


def check_saml_response(
    saml_response_b64: str,
    *,
    certificate_pem: bytes,
    now: datetime,
    acs_url: str,
    audiences: Collection[str],
    issuers: Collection[str],
) -> CheckedAssertion:
    """Verify the response for use at ``now``; raise :class:`SamlRejected` as AWS would."""
    root = parse_response(saml_response_b64)
    status = root.find("samlp:Status/samlp:StatusCode", NS)
    if status is None or status.get("Value") != STATUS_SUCCESS:
        raise SamlRejected("InvalidIdentityToken", "SAML response status is not Success")
    destination = root.get("Destination")
    if destination is not None and destination != acs_url:
        raise SamlRejected("InvalidIdentityToken", "SAML response Destination is not this endpoint")
    assertion = _verified_assertion(root, certificate_pem, now)

    issuer = _text(assertion, "saml:Issuer")
    if issuer not in issuers:
        raise SamlRejected("InvalidIdentityToken", "Issuer not present in specified provider")
    not_on_or_after = _check_times(assertion, now)

    found_audiences = tuple(
        (a.text or "").strip()
        for a in assertion.iterfind("saml:Conditions/saml:AudienceRestriction/saml:Audience", NS)
    )
    if not any(a in audiences for a in found_audiences):
        raise SamlRejected("InvalidIdentityToken", "SAML assertion audience is not this provider")
    confirmation = assertion.find(
        "saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", NS
    )
    recipient = confirmation.get("Recipient", "") if confirmation is not None else ""
    if recipient != acs_url:
        raise SamlRejected("InvalidIdentityToken", "SAML assertion Recipient is not this endpoint")

    session_name = _single_attribute(assertion, ROLE_SESSION_NAME_ATTRIBUTE)
    if session_name is None or not _SESSION_NAME.fullmatch(session_name):
        raise SamlRejected(
            "InvalidIdentityToken",
            "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
        )
    name_id = assertion.find("saml:Subject/saml:NameID", NS)
    authn = assertion.find("saml:AuthnStatement", NS)
    session_end = authn.get("SessionNotOnOrAfter") if authn is not None else None
    return CheckedAssertion(
        issuer=issuer,
        subject=(name_id.text or "").strip() if name_id is not None else "",
        subject_format=name_id.get("Format", "") if name_id is not None else "",
        audiences=found_audiences,
        recipient=recipient,
        not_on_or_after=not_on_or_after,
        roles=role_pairs(
            assertion.xpath(
                "saml:AttributeStatement/saml:Attribute[@Name=$name]/saml:AttributeValue",
                namespaces=NS,
                name=ROLE_ATTRIBUTE,
            )
        ),
        session_name=session_name,
        session_duration=_session_duration(assertion),
        session_not_on_or_after=None if session_end is None else _time(session_end),
    )


def check_for_scenario(
    saml_response_b64: str,
    scenario: Scenario,
    *,
    certificate_pem: bytes,
    now: datetime,
    acs_url: str,
) -> CheckedAssertion:
    """:func:`check_saml_response` trusting the scenario's tenants and their apps."""
    return check_saml_response(
        saml_response_b64,
        certificate_pem=certificate_pem,
        now=now,
        acs_url=acs_url,
        audiences={app.app_id_uri for t in scenario.tenants for app in t.apps},
        issuers={f"https://sts.windows.net/{t.tenant_id}/" for t in scenario.tenants},
    )


def _verified_assertion(
    root: etree._Element, certificate_pem: bytes, now: datetime
) -> etree._Element:
    posted = root.findall("saml:Assertion", NS)
    if len(posted) != 1:
        raise SamlRejected("InvalidIdentityToken", "Expected exactly one signed Assertion")
    config = SignatureConfiguration(
        location=f"./{{{ASSERTION_NS}}}Assertion/",
        signature_methods=frozenset({SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA512}),
        verification_time=now,
    )
    try:
        result = XMLVerifier().verify(
            root, x509_cert=certificate_pem.decode("ascii"), expect_config=config
        )
    except (SignXMLException, ValueError):
        raise SamlRejected("InvalidIdentityToken", "Response signature invalid") from None
    assert not isinstance(result, list)  # expect_references=1 gives one result
    signed = result.signed_xml
    # The reference must cover the very Assertion that carries the signature, not some
    # other element with an ID elsewhere in the document.
    if (
        signed is None
        or signed.tag != f"{{{ASSERTION_NS}}}Assertion"
        or signed.get("ID") != posted[0].get("ID")
    ):
        raise SamlRejected("InvalidIdentityToken", "Response signature invalid")
    return signed


def _check_times(assertion: etree._Element, now: datetime) -> datetime:
    confirmation = assertion.find(
        "saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", NS
    )
    conditions = assertion.find("saml:Conditions", NS)
    if confirmation is None or confirmation.get("NotOnOrAfter") is None:
        raise SamlRejected("InvalidIdentityToken", "SubjectConfirmationData has no NotOnOrAfter")
    ends = [_time(confirmation.get("NotOnOrAfter"))]
    if conditions is not None and conditions.get("NotOnOrAfter") is not None:
        ends.append(_time(conditions.get("NotOnOrAfter")))
    not_before = conditions.get("NotBefore") if conditions is not None else None
    if not_before is not None and now < _time(not_before):
        raise SamlRejected("InvalidIdentityToken", "SAML assertion is not yet valid")
    end = min(ends)
    if now >= end:
        raise SamlRejected(
            "ExpiredTokenException", "SAML assertion has expired (NotOnOrAfter is past)"
        )
    return end


def _time(text: str | None) -> datetime:
    parsed = parse_saml_time(text)
    if parsed is None:
        raise SamlRejected("InvalidIdentityToken", f"Unreadable time in SAML assertion: {text!r}")
    return parsed


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _single_attribute(assertion: etree._Element, name: str) -> str | None:
    values = assertion.xpath(
        "saml:AttributeStatement/saml:Attribute[@Name=$name]/saml:AttributeValue",
        namespaces=NS,
        name=name,
    )
    if not isinstance(values, list) or len(values) != 1:
        return None
    value = values[0]
    return (value.text or "").strip() if isinstance(value, etree._Element) else None


def _session_duration(assertion: etree._Element) -> int | None:
    text = _single_attribute(assertion, SESSION_DURATION_ATTRIBUTE)
    if text is None:
        return None
    if not text.isdigit() or not 900 <= int(text) <= 43200:
        raise SamlRejected("InvalidIdentityToken", "SessionDuration must be 900 to 43200 seconds")
    return int(text)
