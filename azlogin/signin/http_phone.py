"""The first factor over HTTP when GetCredentialType offers more than a password: phone
sign-in (``RemoteNgcParams``: the number at once, then polling until the phone answers)
and the passkey offer (``FidoParams``), decided as the browser path decides them.

Entra's phone sign-in polling endpoint is not public: azlogin polls only the endpoint the
page names (``$Config.urlSessionState``) and reads only the statuses it knows; anything
else is handed to the browser, whose page script knows its own endpoint. Polling spends
nothing, so the browser continues from the same page.
"""

from __future__ import annotations

from typing import Any

from ..browser.failures import passkey_only
from .entra_page import EntraPage
from .http import HttpSignIn, form_fields

DESCRIPTION = "Open your Authenticator app and choose the number shown to sign in."
PHONE_SIGN_IN = "22"  # the login form's ``type`` after an approved phone sign-in
DEFAULT_POLL_SECONDS = 1.0


def first_factor(s: HttpSignIn, page: EntraPage, creds: dict[str, Any]) -> dict[str, Any] | None:
    """The phone sign-in to take (its ``RemoteNgcParams``), or None to go on with the
    password; hands over (or stops) where neither will do."""
    has_password = creds.get("HasPassword") is True
    ngc = creds.get("RemoteNgcParams")
    if ngc and not (s.profile.first_factor == "password" and has_password):
        if not isinstance(ngc, dict) or ngc.get("Entropy") in (None, ""):
            raise s.hand_over(page, "Entra offers phone sign-in without a number to show")
        return ngc
    if creds.get("FidoParams") and not has_password:
        if s.person_can_finish():
            raise s.hand_over(page, "the account signs in only with a passkey")
        raise passkey_only()
    if creds.get("HasPassword") is False:
        raise s.hand_over(page, "the account has no password")
    return None  # a passkey offered too: "Use your password" posts the same form


def phone_sign_in(s: HttpSignIn, page: EntraPage, params: dict[str, Any]) -> EntraPage:
    """Show the number, poll until the phone approves, then post the login form."""
    cfg = page.config or {}
    poll_url = cfg.get("urlSessionState")
    if not isinstance(poll_url, str) or not poll_url:
        raise s.hand_over(page, "the page names no phone sign-in endpoint azlogin knows")
    interval = cfg.get("iPollingInterval")  # milliseconds, as the page script reads it
    seconds = DEFAULT_POLL_SECONDS
    if isinstance(interval, (int, float)) and not isinstance(interval, bool) and interval > 0:
        seconds = interval / 1000
    body = {"originalRequest": cfg.get("sCtx"), "flowToken": cfg.get("sFT")}
    mfa_deadline = s.monotonic() + s.options.mfa_timeout_seconds
    s.asked = True  # the phone rang for the person: a dead end now is not a stale session
    with s.ui.waiting(DESCRIPTION, number=str(params["Entropy"])):
        while True:
            s.sleep(seconds)
            answer = s.post_json(page, poll_url, body)
            status = answer.get("Status") if isinstance(answer, dict) else None
            if status == "approved":
                break
            if status in ("denied", "timeout"):
                what = "denied" if status == "denied" else "not answered"
                raise s.fail(page, "500121", f"the request was {what}")
            if status != "pending":
                raise s.hand_over(page, f"the phone sign-in answered {status!r}")
            s.check_waiting(mfa_deadline, "passwordless")
    username = s.given.username or s.profile.username or ""
    fields = form_fields(page, login=username, loginfmt=username, type=PHONE_SIGN_IN)
    fields["hpgrequestid"] = str(cfg.get("sessionId") or "")
    return s.post_form(page, str(cfg["urlPost"]), fields)
