"""Pure: what an answer of the Entra host is — its ``$Config``, its kind, its hand-off form.

Recognition is strict on purpose: a page is a known kind only when its ``pgid`` is one
azlogin speaks *and* every ``$Config`` field the next request needs is there. Anything
else is ``None``, which the HTTP path hands to the browser rather than guessing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import federation_page
from .federation_page import FederationForm

_CONFIG_START = re.compile(r"\$Config\s*=\s*\{")

# pgid -> (the page kind, the $Config fields the HTTP path needs to answer that page).
KNOWN: dict[str, tuple[str, tuple[str, ...]]] = {
    "ConvergedSignIn": ("sign-in", ("sFT", "sCtx", "canary", "apiCanary", "urlPost",
                                    "urlGetCredentialType")),
    "ConvergedTFA": ("mfa", ("sFT", "sCtx", "canary", "apiCanary", "urlPost", "urlBeginAuth",
                             "urlEndAuth", "arrUserProofs")),
    "KmsiInterrupt": ("stay-signed-in", ("sFT", "sCtx", "canary")),
    # MFA registration: its step skips it only with certainty (50203 + a skip URL).
    "ConvergedProofUpRedirect": ("proof-up", ()),
    # Pages that end the sign-in: only their error code is needed.
    "ConvergedError": ("service-error", ()),
    "ConvergedConditionalAccess": ("conditional-access", ()),
    "ConvergedChangePassword": ("password-expired", ()),
}  # fmt: skip


@dataclass(frozen=True)
class HandOff:
    """The auto-posting form that carries the assertion to AWS (never posted by azlogin)."""

    action: str
    saml_response: str


@dataclass(frozen=True)
class EntraPage:
    """One HTML answer: where it came from and what it says."""

    url: str
    status: int
    html: str
    content_type: str = "text/html; charset=utf-8"
    config: Mapping[str, Any] | None = None
    handoff: HandOff | None = None
    errors: Mapping[str, str] = field(default_factory=dict)  # element id -> its text
    federation: FederationForm | None = None  # a company IdP's page (AD FS), no $Config

    @property
    def pgid(self) -> str:
        return str((self.config or {}).get("pgid") or "")

    @property
    def kind(self) -> str | None:
        """The page kind the HTTP path can answer, or None (hand it to the browser)."""
        if self.handoff is not None:
            return "hand-off"
        if self.federation is not None and self.config is None:
            return self.federation.kind
        known = KNOWN.get(self.pgid)
        if self.config is None or known is None:
            return None
        kind, needed = known
        if any(self.config.get(name) in (None, "") for name in needed):
            return None
        return kind

    @property
    def error_code(self) -> str:
        """The AADSTS code the page reports ("" when none): ``sErrorCode``, else a non-zero
        ``iErrorCode``."""
        cfg = self.config or {}
        code = str(cfg.get("sErrorCode") or "").strip()
        if not code and str(cfg.get("iErrorCode") or "0") not in ("", "0"):
            code = str(cfg.get("iErrorCode"))
        return code.removeprefix("AADSTS")

    def error_text(self, *ids: str) -> str:
        for element_id in ids:
            if self.errors.get(element_id):
                return self.errors[element_id]
        return str((self.config or {}).get("strServiceExceptionMessage") or "")


def read_config(html: str) -> dict[str, Any] | None:
    """The ``$Config`` object literal of a page, decoded up to its closing brace (script
    follows it), or None when the page has none that JSON can read."""
    for match in _CONFIG_START.finditer(html):
        try:
            value, _ = json.JSONDecoder().raw_decode(html, match.end() - 1)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


ERROR_IDS = (
    "usernameError",
    "passwordError",
    "service_exception_message",
    "idSpan_SAOTCC_Error_OTC",
)


def parse(url: str, status: int, html: str, content_type: str = "") -> EntraPage:
    """Read an answer of the sign-in host."""
    from lxml import html as lxml_html

    config = read_config(html)
    handoff = federation = None
    errors: dict[str, str] = {}
    doc: Any
    try:
        doc = lxml_html.document_fromstring(html) if html.strip() else None
    except (ValueError, SyntaxError):  # lxml's ParserError is a ValueError
        doc = None
    if doc is not None:
        handoff = _handoff(doc, url)
        federation = federation_page.find(doc, url)
        for element_id in ERROR_IDS:
            for el in doc.xpath("//*[@id=$i]", i=element_id):
                if el.get("hidden") is None and (text := el.text_content().strip()):
                    errors[element_id] = text[:500]
    return EntraPage(url, status, html, content_type or "text/html; charset=utf-8",
                     config, handoff, errors, federation)  # fmt: skip


def _handoff(doc: Any, url: str) -> HandOff | None:
    from urllib.parse import urljoin

    for form in doc.xpath("//form[@name='hiddenform']"):
        if (form.get("method") or "").upper() != "POST":
            continue
        values = form.xpath(".//input[@name='SAMLResponse']/@value")
        if values and values[0].strip():
            return HandOff(urljoin(url, form.get("action") or ""), values[0].strip())
    return None
