"""What the HTTP path does on each page kind it knows: the same decisions as the browser's
page table (``browser/pages.py``), made on ``$Config`` and the protocol's JSON answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..redact import SECRETS
from . import http_adfs, http_interrupts, http_phone
from .entra_page import EntraPage
from .http import MAX_ATTEMPTS, HttpSignIn, form_fields, why_unknown
from .http_mfa import mfa

Step = Callable[[HttpSignIn, EntraPage], EntraPage]

log = logging.getLogger(__name__)

PASSWORD_ERRORS = ("passwordError", "service_exception_message")
MAX_PAGES = 30


def walk(s: HttpSignIn, url: str) -> str:
    """From the sign-in URL to the SAMLResponse, or HandOverNeeded at the first page that
    is not one of ``STEPS``."""
    page = s.get(url)
    for _ in range(MAX_PAGES):
        kind = page.kind
        log.debug("sign-in over HTTP: %s page (%s)", kind or "unknown", page.pgid or "-")
        if kind == "hand-off":
            return s.assertion(page)
        if kind is None:
            raise s.hand_over(page, why_unknown(page))
        page = STEPS[kind](s, page)
    raise s.hand_over(page, "the sign-in went on for more pages than any known one")


def sign_in(s: HttpSignIn, page: EntraPage) -> EntraPage:
    """ConvergedSignIn: the username (GetCredentialType), then the password."""
    cfg = page.config or {}
    if cfg.get("arrSessions"):  # "pick an account": how a tile posts is not public
        raise s.hand_over(page, "the page asks to pick an account")
    code = page.error_code
    if code and s.given.username is None:
        raise s.fail(page, code)  # before we sent anything: an error of the request itself
    if s.given.username is None:
        page, phone = _identify(s, page)
        if s.federation_url:
            return http_adfs.leave_for(s, s.federation_url)
        if phone is not None:
            return http_phone.phone_sign_in(s, page, phone)
    elif code:
        _password_refused(s, page, code)
    elif s.attempts.get("password"):
        raise s.hand_over(page, "the sign-in page came back without saying why")
    who = s.given.username or s.profile.username or "this account"
    password = s.ui.ask_password(who)
    SECRETS.add(password)
    s.attempt("password")
    s.given.password = password
    username = s.given.username or ""
    fields = form_fields(page, login=username, loginfmt=username, passwd=password, type="11")
    fields["hpgrequestid"] = str(cfg.get("sessionId") or "")
    return s.post_form(page, str(cfg["urlPost"]), fields)


def _identify(s: HttpSignIn, page: EntraPage) -> tuple[EntraPage, dict[str, Any] | None]:
    """Ask for the username until Entra knows it; hand over what only the browser can do.
    Returns the page as its script now holds it, and the phone sign-in to take, if any."""
    cfg = page.config or {}
    username = s.ui.ask_username(s.profile.username)
    while True:
        answer = s.post_json(page, str(cfg["urlGetCredentialType"]), {
            "username": username,
            "isOtherIdpSupported": True,
            "originalRequest": cfg.get("sCtx"),
            "flowToken": cfg.get("sFT"),
        })  # fmt: skip
        exists = answer.get("IfExistsResult") if isinstance(answer, dict) else None
        if isinstance(answer, dict) and isinstance(answer.get("apiCanary"), str):
            page = _with_api_canary(page, answer["apiCanary"])
        if exists == 1:  # unknown user: asked again, as the browser path does
            if not s.ui.interactive or s.attempt("username") >= MAX_ATTEMPTS:
                raise s.fail(page, "50034")
            s.ui.warn(f"Entra does not know {username}.")
            username = s.ui.ask_username(None)  # offering the refused name helps nobody
            continue
        s.given.username = username
        if exists != 0 or not isinstance(answer, dict):
            raise s.hand_over(page, f"GetCredentialType answered IfExistsResult={exists!r}")
        return page, _check_credentials(s, page, answer.get("Credentials"))


def _check_credentials(s: HttpSignIn, page: EntraPage, creds: Any) -> dict[str, Any] | None:
    if not isinstance(creds, dict):
        raise s.hand_over(page, "GetCredentialType answered no Credentials")
    # A federated tenant: the company's IdP takes the password (``http_adfs``).
    s.federation_url = str(creds.get("FederationRedirectUrl") or "") or None
    if s.federation_url:
        return None
    return http_phone.first_factor(s, page, creds)


def _password_refused(s: HttpSignIn, page: EntraPage, code: str) -> None:
    text = page.error_text(*PASSWORD_ERRORS)
    if code != "50126":  # locked, disabled, expired: asking again cannot help
        raise s.fail(page, code, text)
    if not s.ui.interactive or s.attempts.get("password", 0) >= MAX_ATTEMPTS:
        raise s.fail(page, "50126", text)
    s.ui.warn(text or "Your account or password is incorrect.")


def _with_api_canary(page: EntraPage, canary: str) -> EntraPage:
    """The page as its script holds it after a call answered a new ``apiCanary``: the
    old one is spent, so a browser taking over must start from the new one too."""
    import json
    from dataclasses import replace

    old = json.dumps((page.config or {}).get("apiCanary"))
    html = page.html.replace(old, json.dumps(canary))
    return replace(page, html=html, config={**(page.config or {}), "apiCanary": canary})


def stay_signed_in(s: HttpSignIn, page: EntraPage) -> EntraPage:
    # Yes sets ESTSAUTHPERSISTENT, which azlogin keeps only for remembering profiles.
    fields = form_fields(page, LoginOptions="1" if s.profile.remember_me else "3")
    return s.post_form(page, "/kmsi", fields)


def ending(default_code: str) -> Step:
    def step(s: HttpSignIn, page: EntraPage) -> EntraPage:
        raise s.fail(page, default_code)

    return step


def service_error(s: HttpSignIn, page: EntraPage) -> EntraPage:
    if not page.error_code and not page.error_text("service_exception_message"):
        raise s.hand_over(page, "an error page without an error")
    raise s.fail(page)


STEPS: dict[str, Step] = {
    "sign-in": sign_in,
    "adfs-sign-in": http_adfs.adfs_sign_in,
    "ws-fed-return": http_adfs.ws_fed_return,
    "mfa": mfa,
    "stay-signed-in": stay_signed_in,
    "service-error": service_error,
    "conditional-access": ending("53003"),
    "password-expired": http_interrupts.password_expired,
    "proof-up": http_interrupts.registration,
}
