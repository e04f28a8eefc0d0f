"""Read a posted SAMLResponse as untrusted input: size limit, strict base64, no DTD.

Nothing here checks the signature (see :mod:`assertion_check`); these helpers decode the
document safely and read values such as the AWS Role attribute in either of its orders.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree

from azlogin.sandbox.assertion import ASSERTION_NS, PROTOCOL_NS, ROLE_ATTRIBUTE

MAX_ASSERTION_CHARS = 100_000  # STS's limit on SAMLAssertion
NS = {"saml": ASSERTION_NS, "samlp": PROTOCOL_NS}
_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?")


class SamlRejected(Exception):
    """The response is not acceptable; ``code`` is the STS error code AWS would answer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RolePair:
    role_arn: str
    provider_arn: str


def parse_role_value(value: str) -> RolePair | None:
    """``"role,provider"`` in either order (AWS accepts both); None if it is neither."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2:
        return None
    roles = [p for p in parts if ":role/" in p]
    providers = [p for p in parts if ":saml-provider/" in p]
    if len(roles) != 1 or len(providers) != 1:
        return None
    return RolePair(roles[0], providers[0])


def parse_saml_time(text: str | None) -> datetime | None:
    """ISO-8601 as IdPs write it (fractions of any length, ``Z``); None if unreadable."""
    match = _TIME.fullmatch((text or "").strip())
    if match is None:
        return None
    base, fraction, zone = match.groups()
    moment = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    if zone in (None, "Z"):
        return moment.replace(microsecond=micro, tzinfo=timezone.utc)
    parsed = datetime.fromisoformat(f"{base}{zone}")
    return parsed.replace(microsecond=micro).astimezone(timezone.utc)


def parse_response(saml_response_b64: str) -> etree._Element:
    """Decode and parse, refusing DTDs, entities, network access and oversized input."""
    if len(saml_response_b64) > MAX_ASSERTION_CHARS:
        raise SamlRejected("InvalidIdentityToken", "SAML response is too large")
    try:
        raw = base64.b64decode(saml_response_b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SamlRejected("InvalidIdentityToken", "Invalid base64 SAMLResponse") from None
    # A DOCTYPE has no business in a SAML response; refusing it outright closes off
    # entity-expansion tricks before any parser sees them.
    if b"<!DOCTYPE" in raw.upper():
        raise SamlRejected("InvalidIdentityToken", "SAML response must not contain a DTD")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        raise SamlRejected("InvalidIdentityToken", "SAML response is not well-formed XML") from None
    if root.tag != f"{{{PROTOCOL_NS}}}Response":
        raise SamlRejected("InvalidIdentityToken", "Expected a samlp:Response element")
    return root


def unverified_roles(saml_response_b64: str) -> tuple[RolePair, ...]:
    """The Role values as posted, for display only (no signature check)."""
    root = parse_response(saml_response_b64)
    values = root.xpath(
        "saml:Assertion/saml:AttributeStatement/saml:Attribute[@Name=$name]/saml:AttributeValue",
        namespaces=NS,
        name=ROLE_ATTRIBUTE,
    )
    return role_pairs(values)


def role_pairs(values: object) -> tuple[RolePair, ...]:
    pairs: list[RolePair] = []
    for value in values if isinstance(values, list) else []:
        if not isinstance(value, etree._Element):
            continue
        pair = parse_role_value(value.text or "")
        if pair is not None and pair not in pairs:
            pairs.append(pair)
    return tuple(pairs)
