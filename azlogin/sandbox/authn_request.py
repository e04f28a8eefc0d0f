"""Decode and check a SAML AuthnRequest from the redirect binding, as strictly as Entra does.

The request arrives from anyone who can reach the port, so it is parsed as hostile input:
a size limit before and after inflating, no DTDs, no entities, no network.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from azlogin.sandbox.entra_errors import EntraError

PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
MAX_ENCODED_CHARS = 16 * 1024  # Entra refuses long query strings (AADSTS90015)
MAX_XML_BYTES = 64 * 1024
# xsd:ID is an NCName: a letter or "_" first, so a bare uuid4 (which may start with a digit)
# is refused, as Entra refuses it.
_NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_WHITESPACE = re.compile(r"\s+")
_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@dataclass(frozen=True)
class AuthnRequest:
    request_id: str
    issuer: str  # the app's identifier URI, compared exactly ("#2" is part of it)
    acs_url: str | None  # None: the app's default reply URL
    force_authn: bool
    is_passive: bool


def decode_authn_request(encoded: str | None) -> AuthnRequest:
    """The ``SAMLRequest`` query value (already URL-decoded) -> a checked request."""
    if not encoded:
        raise EntraError("750054")
    if len(encoded) > MAX_ENCODED_CHARS:
        raise EntraError("90015")
    return parse_authn_request(_inflate(_unbase64(encoded)))


def parse_authn_request(xml: bytes) -> AuthnRequest:
    # Entra refuses DTDs outright; entities are never expanded either way.
    if b"<!DOCTYPE" in xml:
        raise EntraError("75005", "Document type declarations are not allowed.")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        raise EntraError("75005", "The request is not well-formed XML.") from None
    if getattr(root.getroottree().docinfo, "doctype", ""):  # e.g. a UTF-16 document
        raise EntraError("75005", "Document type declarations are not allowed.")
    if root.tag != f"{{{PROTOCOL_NS}}}AuthnRequest":
        raise EntraError("75005", "Expected a samlp:AuthnRequest.")
    if root.get("Version") != "2.0":
        raise EntraError("75005", "The request's Version must be 2.0.")
    request_id = root.get("ID") or ""
    if not _NCNAME.match(request_id):
        raise EntraError("75005", "The request's ID must start with a letter or '_'.")
    _check_instant(root.get("IssueInstant"))
    binding = root.get("ProtocolBinding")
    if binding is not None and binding != POST_BINDING:
        raise EntraError("75005", "Only the HTTP-POST binding is supported for the response.")
    issuer = root.find(f"{{{ASSERTION_NS}}}Issuer")
    issuer_text = (issuer.text or "").strip() if issuer is not None else ""
    if not issuer_text:
        raise EntraError("75005", "The request has no Issuer.")
    return AuthnRequest(
        request_id=request_id,
        issuer=issuer_text,
        acs_url=root.get("AssertionConsumerServiceURL"),
        force_authn=_boolean(root.get("ForceAuthn")),
        is_passive=_boolean(root.get("IsPassive")),
    )


def _unbase64(encoded: str) -> bytes:
    try:
        return base64.b64decode(_WHITESPACE.sub("", encoded), validate=True)
    except (binascii.Error, ValueError):
        raise EntraError("75005", "The request is not valid base64.") from None


def _inflate(deflated: bytes) -> bytes:
    # The redirect binding is raw DEFLATE (wbits -15): a zlib or gzip header is refused.
    inflater = zlib.decompressobj(-15)
    try:
        xml = inflater.decompress(deflated, MAX_XML_BYTES + 1)
    except zlib.error:
        raise EntraError("75005", "The request is not DEFLATE-compressed.") from None
    if len(xml) > MAX_XML_BYTES:
        raise EntraError("75005", "The request is too large.")
    if not inflater.eof:
        raise EntraError("75005", "The compressed request is truncated.")
    return xml


def _check_instant(value: str | None) -> None:
    if not value:
        raise EntraError("75005", "The request has no IssueInstant.")
    # SAML times are xsd:dateTime in UTC; fractions of any length occur (.NET writes seven).
    try:
        if not _INSTANT.match(value):
            raise ValueError(value)
        datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise EntraError("75005", "The request's IssueInstant is not a valid time.") from None


def _boolean(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1")
