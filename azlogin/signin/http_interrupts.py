"""The HTTP path at Entra's interrupts that need no browser to get through or stop at: the
skippable MFA registration nag, MFA registration that can no longer wait, an expired
password (handed to the browser when a person is there to change it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from ..browser import interrupts
from .entra_page import EntraPage
from .http import HttpSignIn


def registration(s: HttpSignIn, page: EntraPage) -> EntraPage:
    """ConvergedProofUpRedirect: "Ask later" while Entra allows it (AADSTS50203 with a skip
    URL on this host), a clean stop when it is required; never "Next" (the wizard)."""
    cfg = page.config or {}
    skip = str(cfg.get("urlSkipMfaRegistration") or "")
    target = urljoin(page.url, skip) if skip else ""
    same_host = bool(target) and urlsplit(target).netloc == urlsplit(page.url).netloc
    if page.error_code == interrupts.NAG_CODE and same_host:
        days = interrupts.days_left(cfg.get("iRemainingDays"), _skip_link_text(page.html))
        s.asked = True  # the skip URL carries the flow token: it works once
        following = s.get(target)
        s.ui.info(interrupts.nag_skipped(days))
        return following
    if page.error_code == interrupts.NAG_CODE or skip:
        raise s.hand_over(page, "the MFA registration page offers a skip azlogin cannot read")
    raise interrupts.registration_required()


def password_expired(s: HttpSignIn, page: EntraPage) -> EntraPage:
    """ConvergedChangePassword: a person may change it in a visible browser, which the
    browser path offers at this very page; without one, stop with the hint."""
    if s.person_can_finish():
        raise s.hand_over(page, "the password has expired")
    raise interrupts.password_expired()


def _skip_link_text(html: str) -> str:
    from lxml import html as lxml_html

    doc: Any
    try:
        doc = lxml_html.document_fromstring(html)
    except (ValueError, SyntaxError):
        return ""
    found = doc.xpath("//*[@id=$i]", i=interrupts.SKIP_LINK_ID)
    return str(found[0].text_content()) if found else ""
