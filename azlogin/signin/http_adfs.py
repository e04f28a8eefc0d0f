"""A federated tenant over HTTP: from GetCredentialType's ``FederationRedirectUrl`` to the
company's AD FS forms page, the same password prompt as Entra's, and AD FS's WS-Federation
answer posted back to Entra, which then goes on (MFA, "stay signed in?", the hand-off).

Any other IdP page (Okta, Ping, AD FS asking for its own MFA) is handed to the browser
when a person could finish it in a visible window; otherwise it is the browser's clean stop
naming the IdP's host, without starting one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..browser import failures
from ..errors import SignInError
from ..redact import SECRETS
from .entra_page import EntraPage
from .http import MAX_ATTEMPTS, HttpSignIn


def leave_for(s: HttpSignIn, url: str) -> EntraPage:
    """The company IdP's first page, as the sign-in page's script goes there."""
    host = urlsplit(url).netloc or url
    try:
        page = s.get(url)
    except SignInError:  # its words name Entra's host; this one is the company's
        raise SignInError(
            f"Could not reach your organisation's sign-in page at {host}.",
            "Check the network, the VPN and the proxy (HTTPS_PROXY, NO_PROXY), or run "
            "with `--mode gui` to sign in there yourself in a visible browser window.",
        ) from None
    if page.kind != "adfs-sign-in":
        if not s.person_can_finish():  # the browser could not sign in there either
            raise failures.other_idp(host)
        raise s.hand_over(page, f"the organisation signs in at {host}, not an AD FS forms page")
    return page


def adfs_sign_in(s: HttpSignIn, page: EntraPage) -> EntraPage:
    """AD FS's forms page: the username Entra was given, the password asked as Entra's is."""
    form = page.federation
    assert form is not None
    tries = s.attempts.get("password", 0)
    if form.error:  # AD FS says only that the user id or password was wrong
        if not tries or not s.ui.interactive or tries >= MAX_ATTEMPTS:
            raise s.fail(page, "50126", form.error)
        s.ui.warn(form.error)
    elif tries:
        raise s.hand_over(page, "the AD FS page came back without saying why")
    username = form.fields.get("UserName") or s.given.username or s.profile.username or ""
    password = s.ui.ask_password(s.given.username or username or "this account")
    SECRETS.add(password)
    s.attempt("password")
    s.given.password = password
    return s.post_form(page, form.action, {**form.fields, "UserName": username,
                                           "Password": password})  # fmt: skip


def ws_fed_return(s: HttpSignIn, page: EntraPage) -> EntraPage:
    """AD FS's auto-posting answer (no SAMLResponse: not the hand-off), posted to Entra."""
    form = page.federation
    assert form is not None
    entra = urlsplit(s.profile.authority_url).hostname
    if urlsplit(form.action).hostname != entra:
        raise s.hand_over(page, "the organisation's answer is not for Entra's sign-in host")
    return s.post_form(page, form.action, form.fields)
