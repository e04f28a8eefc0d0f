"""The WS-Federation token the sandbox's AD FS gives Entra: a SAML 1.1 assertion in a
``RequestSecurityTokenResponse`` (the ``wresult`` field), and Entra's strict check of it.

The trust between the two is a key made at every start (the sandbox's stand-in for the
AD FS token-signing certificate registered with the federated domain): the assertion is
signed with HMAC-SHA256 over its canonical form. Entra accepts a token once, for the
audience ``urn:federation:MicrosoftOnline``, within its lifetime, from the sandbox's issuer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lxml import etree

from azlogin.sandbox.entra_errors import EntraError

AUDIENCE = "urn:federation:MicrosoftOnline"
ISSUER = "http://adfs.sandbox.example/adfs/services/trust"
LIFETIME = timedelta(minutes=5)
TRUST_NS = "http://schemas.xmlsoap.org/ws/2005/02/trust"
SAML1_NS = "urn:oasis:names:tc:SAML:1.0:assertion"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"t": TRUST_NS, "saml": SAML1_NS, "ds": DSIG_NS}
_TIME = "%Y-%m-%dT%H:%M:%S.000Z"


@dataclass
class Trust:
    """The federated domain's trust: the signing key and the assertions already used."""

    key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    used: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def issue(trust: Trust, upn: str, now: datetime) -> str:
    """``wresult`` for ``upn``, valid from ``now`` for five minutes."""
    created, expires = now.strftime(_TIME), (now + LIFETIME).strftime(_TIME)
    rstr = etree.Element(f"{{{TRUST_NS}}}RequestSecurityTokenResponse", nsmap={"t": TRUST_NS})
    token = etree.SubElement(rstr, f"{{{TRUST_NS}}}RequestedSecurityToken")
    assertion = etree.SubElement(
        token, f"{{{SAML1_NS}}}Assertion", nsmap={"saml": SAML1_NS},
        MajorVersion="1", MinorVersion="1", AssertionID="_" + secrets.token_hex(16),
        Issuer=ISSUER, IssueInstant=created,
    )  # fmt: skip
    conditions = etree.SubElement(
        assertion, f"{{{SAML1_NS}}}Conditions", NotBefore=created, NotOnOrAfter=expires
    )
    restriction = etree.SubElement(conditions, f"{{{SAML1_NS}}}AudienceRestrictionCondition")
    etree.SubElement(restriction, f"{{{SAML1_NS}}}Audience").text = AUDIENCE
    statement = etree.SubElement(assertion, f"{{{SAML1_NS}}}AttributeStatement")
    subject = etree.SubElement(statement, f"{{{SAML1_NS}}}Subject")
    etree.SubElement(subject, f"{{{SAML1_NS}}}NameIdentifier").text = upn
    attribute = etree.SubElement(
        statement, f"{{{SAML1_NS}}}Attribute",
        AttributeName="UPN", AttributeNamespace="http://schemas.xmlsoap.org/claims",
    )  # fmt: skip
    etree.SubElement(attribute, f"{{{SAML1_NS}}}AttributeValue").text = upn
    signature = etree.SubElement(assertion, f"{{{DSIG_NS}}}Signature", nsmap={"ds": DSIG_NS})
    etree.SubElement(signature, f"{{{DSIG_NS}}}SignatureValue").text = _sign(trust, assertion)
    return etree.tostring(rstr, encoding="unicode")


def verify(trust: Trust, wresult: str, now: datetime) -> str:
    """The UPN ``wresult`` vouches for; EntraError (AADSTS50008) for any other token."""
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(wresult.encode(), parser)
    except etree.XMLSyntaxError:
        raise EntraError("50008", "The WS-Federation token is not XML.") from None
    found = root.xpath("/t:RequestSecurityTokenResponse/t:RequestedSecurityToken/saml:Assertion",
                       namespaces=NS)  # fmt: skip
    if not isinstance(found, list) or len(found) != 1:
        raise EntraError("50008", "The WS-Federation token carries no single assertion.")
    assertion = found[0]
    assert isinstance(assertion, etree._Element)
    value = str(assertion.xpath("string(ds:Signature/ds:SignatureValue)", namespaces=NS))
    if not hmac.compare_digest(value.encode(), _sign(trust, assertion).encode()):
        raise EntraError("50008", "The token's signature is not the federated domain's.")
    if assertion.get("Issuer") != ISSUER:
        raise EntraError("50008", "The token's issuer is not the federated domain's.")
    audiences = assertion.xpath("saml:Conditions//saml:Audience/text()", namespaces=NS)
    if audiences != [AUDIENCE]:
        raise EntraError("50008", "The token is not for Microsoft Online.")
    conditions = assertion.find("saml:Conditions", NS)
    assert conditions is not None
    start = datetime.strptime(conditions.get("NotBefore", ""), _TIME).replace(tzinfo=now.tzinfo)
    end = datetime.strptime(conditions.get("NotOnOrAfter", ""), _TIME).replace(tzinfo=now.tzinfo)
    if not start - timedelta(minutes=5) <= now < end:
        raise EntraError("50008", "The token has expired.")
    with trust.lock:
        assertion_id = assertion.get("AssertionID", "")
        if not assertion_id or assertion_id in trust.used:
            raise EntraError("50008", "The token was already used.")
        trust.used.add(assertion_id)
    upn = assertion.xpath("string(saml:AttributeStatement/saml:Attribute[@AttributeName='UPN']"
                          "/saml:AttributeValue)", namespaces=NS)  # fmt: skip
    return str(upn)


def _sign(trust: Trust, assertion: etree._Element) -> str:
    """HMAC of the assertion's canonical form without its signature."""
    copy = etree.fromstring(etree.tostring(assertion))
    for signature in copy.findall("ds:Signature", NS):
        copy.remove(signature)
    canonical = etree.tostring(copy, method="c14n", exclusive=True)
    digest = hmac.new(trust.key, canonical, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
