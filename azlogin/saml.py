"""SAML, pure: build the Entra sign-in URL and read an assertion into roles and limits.

The assertion comes from a web page, so it is parsed as hostile input: no DTDs, no
entities, no network, a size limit. Nothing here does I/O or reads the clock.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

from lxml import etree

from .errors import SamlError
from .models import Profile, Role
from .partitions import of_url

PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
SESSION_DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
MAX_ASSERTION_BYTES = 512 * 1024  # real assertions are a few KB; even 100 roles stay far below

_NS = {"p": PROTOCOL_NS, "a": ASSERTION_NS}
# What to do about an answer that is not a genuine SAML response: it did not come from
# Entra as it should (a proxy, a captive portal, a page taken for the hand-off).
NOT_GENUINE = (
    "Sign in again; if it persists, run with --debug and check for a proxy between you "
    "and Entra ID."
)
ASK_ADMIN = "Ask your Entra ID administrator to check the AWS app's SAML claims."
_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/-]+$")


def authn_request(profile: Profile, *, request_id: str, now: datetime) -> str:
    """The samlp:AuthnRequest XML for the profile's app."""
    instant = now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = etree.Element(
        f"{{{PROTOCOL_NS}}}AuthnRequest",
        nsmap={"samlp": PROTOCOL_NS},
        ID=request_id,
        Version="2.0",
        IssueInstant=instant,
        IsPassive="false",
        AssertionConsumerServiceURL=profile.acs_url,
    )
    issuer = etree.SubElement(
        root,
        f"{{{ASSERTION_NS}}}Issuer",
        nsmap={None: ASSERTION_NS},  # type: ignore[dict-item]  # default namespace, as Entra expects
    )
    issuer.text = profile.app_id_uri
    etree.SubElement(
        root,
        f"{{{PROTOCOL_NS}}}NameIDPolicy",
        Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    )
    return etree.tostring(root, encoding="unicode")


def login_url(profile: Profile, *, request_id: str, now: datetime) -> str:
    """The sign-in URL: redirect binding, i.e. raw DEFLATE, base64, URL-encoded."""
    if not request_id[:1].isalpha() and not request_id.startswith("_"):
        raise ValueError("a SAML ID must start with a letter or '_'")
    xml = authn_request(profile, request_id=request_id, now=now).encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # -15: raw, no zlib header
    deflated = compressor.compress(xml) + compressor.flush()
    encoded = quote(base64.b64encode(deflated).decode(), safe="")
    tenant = quote(profile.tenant_id, safe="")
    return f"{profile.authority_url}/{tenant}/saml2?SAMLRequest={encoded}"


@dataclass(frozen=True)
class Assertion:
    """What azlogin needs from a SAMLResponse; the raw base64 is kept for STS, unaltered."""

    raw: str
    roles: tuple[Role, ...]
    session_name: str | None
    session_duration: int | None
    destination: str | None
    not_on_or_after: datetime | None
    session_not_on_or_after: datetime | None

    @property
    def partition(self) -> str:
        if self.roles:
            return self.roles[0].partition
        return of_url(self.destination or "")

    def __repr__(self) -> str:  # the raw assertion is a bearer credential: never print it
        return f"Assertion(roles={len(self.roles)}, destination={self.destination!r})"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip()
    # Entra writes up to 7 fractional digits and a "Z"; fromisoformat on 3.10 takes
    # neither, so normalise to 6 digits and an explicit offset.
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?", text)
    if not m:
        raise SamlError(f"The SAML assertion has an invalid time value: {text[:40]!r}", ASK_ADMIN)
    fraction = (m.group(2) or "0")[:6].ljust(6, "0")
    offset = m.group(3) or "Z"
    offset = "+00:00" if offset == "Z" else offset
    try:  # the shape fits, the values may not: month 13, offset +24:00, year 1 at +01:00
        moment = datetime.fromisoformat(f"{m.group(1)}.{fraction}{offset}")
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise SamlError(
            f"The SAML assertion has an invalid time value: {text[:40]!r}", ASK_ADMIN
        ) from None


def parse_role_value(value: str) -> Role:
    """One Role attribute value: "role_arn,provider_arn" in either order."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not all(_ARN.match(p) for p in parts):
        raise SamlError(
            f"The SAML assertion has a malformed Role value: {value.strip()[:200]!r}",
            "Ask your Entra ID administrator to check the AWS app's Role claim.",
        )
    roles = [p for p in parts if ":role/" in p]
    providers = [p for p in parts if ":saml-provider/" in p]
    if len(roles) != 1 or len(providers) != 1:
        raise SamlError(
            f"The SAML assertion's Role value does not pair a role with a SAML provider: "
            f"{value.strip()[:200]!r}",
            "Each value must be 'arn:…:role/NAME,arn:…:saml-provider/NAME'.",
        )
    return Role(role_arn=roles[0], principal_arn=providers[0])


def decode_response(raw: str) -> bytes:
    text = raw.strip()
    if len(text) > MAX_ASSERTION_BYTES * 4 // 3 + 4:
        raise SamlError("The SAML response is too large to be genuine.", NOT_GENUINE)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SamlError(
            "The SAML response is not valid base64.",
            "The sign-in page did not hand over a SAML response; run with --debug.",
        ) from None


def parse_assertion(raw: str) -> Assertion:
    """Parse a base64 SAMLResponse as posted by the sign-in page."""
    root = _response(decode_response(raw))
    assertion = root.find("a:Assertion", _NS)
    if assertion is None:
        if root.find("a:EncryptedAssertion", _NS) is not None:
            raise SamlError(
                "The SAML assertion is encrypted; AWS needs it unencrypted.",
                "Ask your administrator to turn off token encryption for the AWS app.",
            )
        raise SamlError("The SAML response has no assertion.", NOT_GENUINE)
    values = _attributes(assertion)
    roles = tuple(
        sorted({parse_role_value(v) for v in values.get(ROLE_ATTRIBUTE, []) if v.strip()})
    )
    if not roles:
        raise SamlError(
            "The SAML assertion grants no AWS roles.",
            "Ask your Entra ID administrator to assign you a role in the AWS app.",
        )
    duration_text = next(iter(values.get(SESSION_DURATION_ATTRIBUTE, [])), None)
    try:
        duration = int(duration_text.strip()) if duration_text else None
    except ValueError:
        raise SamlError(
            "The SAML assertion's SessionDuration is not a number.", ASK_ADMIN
        ) from None
    confirmation = assertion.find("a:Subject/a:SubjectConfirmation/a:SubjectConfirmationData", _NS)
    conditions = assertion.find("a:Conditions", _NS)
    limits = [
        _time(node.get("NotOnOrAfter")) for node in (confirmation, conditions) if node is not None
    ]
    authn = assertion.find("a:AuthnStatement", _NS)
    session_name = next(iter(values.get(SESSION_NAME_ATTRIBUTE, [])), None)
    return Assertion(
        raw=raw,
        roles=roles,
        session_name=session_name.strip() if session_name else None,
        session_duration=duration,
        destination=root.get("Destination")
        or (confirmation.get("Recipient") if confirmation is not None else None),
        not_on_or_after=min((t for t in limits if t is not None), default=None),
        session_not_on_or_after=_time(authn.get("SessionNotOnOrAfter"))
        if authn is not None
        else None,
    )


def _response(xml: bytes) -> etree._Element:
    """The samlp:Response element of a genuine, successful answer, or a SamlError."""
    if b"<!DOCTYPE" in xml.upper() or b"<!ENTITY" in xml.upper():
        raise SamlError(
            "The SAML response contains a DTD, which a genuine one never does.", NOT_GENUINE
        )
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        reason = " ".join(str(exc.msg).split())  # libxml2's messages end in a newline
        raise SamlError(
            f"The SAML response is not well-formed XML ({reason}).", NOT_GENUINE
        ) from None
    # The byte check above cannot see a DTD in UTF-16 or UTF-32; the parsed tree can.
    if root.getroottree().docinfo.internalDTD is not None:  # set by any <!DOCTYPE>
        raise SamlError(
            "The SAML response contains a DTD, which a genuine one never does.", NOT_GENUINE
        )
    if root.tag != f"{{{PROTOCOL_NS}}}Response":
        raise SamlError("The SAML response is not a samlp:Response.", NOT_GENUINE)
    status = root.find("p:Status/p:StatusCode", _NS)
    status_value = status.get("Value", "") if status is not None else ""
    if status is not None and not status_value.endswith(":Success"):
        raise SamlError(
            f"The identity provider answered with status {status_value.rsplit(':', 1)[-1]}.",
            "Sign in again; if it persists, ask your Entra ID administrator.",
        )
    return root


def _attributes(assertion: etree._Element) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for attribute in assertion.iterfind("a:AttributeStatement/a:Attribute", _NS):
        name = attribute.get("Name", "")
        values.setdefault(name, []).extend(
            (v.text or "") for v in attribute.iterfind("a:AttributeValue", _NS)
        )
    return values
