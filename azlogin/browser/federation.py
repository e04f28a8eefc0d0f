"""A federated tenant's own sign-in page, in the browser: the standard AD FS forms page
(signed in with the same prompts as Entra's) and its WS-Federation answer back to Entra.

Any other company IdP (Okta, Ping, AD FS asking for its own MFA) is a foreign page no row
knows: ``failures.check_ending`` names its host, and an interactive run offers to finish
in a visible window. Docs: ../shared/docs/entra-login.md, "Interrupts" (Federated tenant).
"""

from __future__ import annotations

from .actions import MAX_ATTEMPTS
from .detect import Detector, PageState
from .driver import Driver, fail, press, shown

# The forms page only: AD FS pages for other methods (certificates, its own MFA) differ.
ADFS_FORM = "form#loginForm:has(input[name=AuthMethod][value=FormsAuthentication])"
ADFS = Detector(visible=(f"{ADFS_FORM} #passwordInput",))
# AD FS's answer: the same form name as the SAML hand-off, but wa/wresult/wctx for Entra.
WS_FED = Detector(present=("form[name=hiddenform] input[name=wresult]",))


def adfs_sign_in(d: Driver, state: PageState) -> None:
    tries = d.attempt("password")
    if state.error:  # #errorText: AD FS says only that the user id or password was wrong
        if not d.ui.interactive or tries > MAX_ATTEMPTS:
            raise fail(state, "50126")
        d.ui.warn(state.error)
    username = shown(d.page, f"{ADFS_FORM} #userNameInput")
    who = d.username or d.profile.username or ""
    if username.count() and not username.input_value() and who:
        username.fill(who)
    password = d.secret(d.ui.ask_password(who or username.input_value() or "this account"))
    shown(d.page, f"{ADFS_FORM} #passwordInput").fill(password)
    press(shown(d.page, f"{ADFS_FORM} #submitButton"))


def ws_fed_return(d: Driver, state: PageState) -> None:
    """The page posts itself to Entra; posting it again would spend its single-use wctx
    twice (Entra refuses the second), so azlogin only waits for Entra's next page."""
