"""What azlogin does on each Entra page in the browser: one short function per page kind.

An action either returns ``None`` (the walk then waits for the page to move on) or waits
itself and returns the next page (MFA approvals, which show a number while waiting).
"""

from __future__ import annotations

import logging

from ..errors import SignInError
from ..settings import MFA_METHODS
from ..ui import Option
from . import aadsts, failures, interrupts
from .detect import PageState
from .driver import Action, Driver, fail, press, shown, text_of

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # passwords/codes per sign-in: more risks locking the account
SUBMIT = ("#idSIButton9",)
USERNAME_INPUTS = ("input[name=loginfmt]", "#i0116")
PASSWORD_INPUTS = ("input[name=passwd]", "input[name=Password]", "#i0118")
CODE_INPUTS = ("input[name=otc]", "#idTxtBx_SAOTCC_OTC")
METHOD_TILES = tuple(f'[data-value="{m}"]' for m in MFA_METHODS)
CODE_METHODS = ("PhoneAppOTP", "OneWaySMS")
APPROVAL_METHODS = ("PhoneAppNotification", "TwoWayVoiceMobile")
CRED_PICKER = "#idA_PWD_SwitchToCredPicker"  # "Other ways to sign in"
# The credential picker's entries have no ids; data-test-cred-id is the credential type
# (1: the password, 7: a passkey), seen in public scripts, not documented.
CRED_ENTRY = '#credentialList [data-test-cred-id="{}"]'


def enter_username(d: Driver, state: PageState) -> None:
    refused = bool(state.error) and d.username is not None
    if refused:  # our username was refused
        if not d.ui.interactive or d.attempt("username") >= MAX_ATTEMPTS:
            raise fail(state, "50034")
        d.ui.warn(state.error)
    # A refused name is not offered again: Enter would only send it once more.
    username = d.ui.ask_username(None if refused else d.username or d.profile.username)
    d.username = username
    shown(d.page, *USERNAME_INPUTS).fill(username)
    press(shown(d.page, *SUBMIT))


def enter_password(d: Driver, state: PageState) -> None:
    tries = d.attempt("password")
    if state.error:
        code = state.code or aadsts.find_code(state.error) or "50126"
        if code != "50126":  # locked, disabled, expired: asking again cannot help
            raise fail(state, code)
        # The environment's password is offered once, so without a person this is the end.
        if not d.ui.interactive or tries > MAX_ATTEMPTS:
            raise fail(state, "50126")
        d.ui.warn(state.error)
    who = d.username or d.profile.username or text_of(d.page, "#displayName") or "this account"
    password = d.secret(d.ui.ask_password(who))
    shown(d.page, *PASSWORD_INPUTS).fill(password)
    press(shown(d.page, *SUBMIT))


def stay_signed_in(d: Driver, state: PageState) -> None:
    # Yes stores ESTSAUTHPERSISTENT, which only a remembered browser profile keeps anyway.
    press(shown(d.page, "#idSIButton9" if d.profile.remember_me else "#idBtn_Back"))


def choose_account_type(d: Driver, state: PageState) -> None:
    options = [Option("work", "Work or school account"), Option("personal", "Personal account")]
    who = d.username or d.profile.username or "this username"
    answer = d.ui.choose(f"{who} has a work and a personal account; which one?", options, "work")
    press(shown(d.page, "#msaTile" if answer == "personal" else "#aadTile"))


def pick_account(d: Driver, state: PageState) -> None:
    wanted = (d.username or d.profile.username or "").lower()
    tiles = d.page.locator("#tilesHolder [data-test-id]").filter(visible=True)
    for i in range(tiles.count()):
        tile = tiles.nth(i)
        if wanted and (tile.get_attribute("data-test-id") or "").lower() == wanted:
            d.username = d.username or d.profile.username
            press(tile)
            return
    # A remembered session for someone else, or a stale one: start over with our user.
    press(shown(d.page, "#otherTile"))


def choose_method(d: Driver, state: PageState) -> None:
    tiles = d.page.locator(", ".join(METHOD_TILES)).filter(visible=True)
    options = [
        Option(tiles.nth(i).get_attribute("data-value") or "", tiles.nth(i).inner_text().strip())
        for i in range(tiles.count())
    ]
    values = [o.value for o in options]
    if not values:
        raise SignInError(
            "The page offers no way to verify your identity that azlogin knows.",
            "Run with `--mode gui` and choose the method yourself.",
        )
    d.attempt("another-way")  # a method chosen here is never switched away from
    preferred = d.profile.mfa_method  # Entra's name: settings.mfa_method made it so
    if preferred not in values:
        preferred = d.ui.choose("How do you want to verify your identity?", options, values[0])
    press(shown(d.page, f'[data-value="{preferred}"]'))


def enter_code(d: Driver, state: PageState) -> None:
    if _another_way(d, d.profile.mfa_method in APPROVAL_METHODS):
        return
    tries = d.attempt("code")
    if state.error and tries > 1:
        if not d.ui.interactive or tries > MAX_ATTEMPTS:
            raise SignInError(
                "The verification code was not accepted.", state.error, code=state.code
            )
        d.ui.warn(state.error)
    description = text_of(d.page, "#idDiv_SAOTCC_Description")
    code = d.secret(d.ui.ask_code(description).strip())
    shown(d.page, *CODE_INPUTS).fill(code)
    press(shown(d.page, "#idSubmit_SAOTCC_Continue", *SUBMIT))


def await_approval(d: Driver, state: PageState) -> PageState | None:
    wanted = d.profile.mfa_method
    # A number is push's; a call shows none, so only a push gives way to a call.
    other = wanted in CODE_METHODS or (wanted == "TwoWayVoiceMobile" and bool(state.number))
    if _another_way(d, other):
        return None
    message = text_of(d.page, "#idDiv_SAOTCAS_Description") or "Approve the sign-in request."
    with d.ui.waiting(message, number=state.number or None):
        return d.next_state(mfa=True)


def _another_way(d: Driver, other: bool) -> bool:
    """Entra began a method by itself (the user's default, or the system-preferred push)
    and the profile names ``other`` than it: "sign in another way" opens the picker, which
    then takes the profile's method. Once, and never after azlogin chose on the picker."""
    link = shown(d.page, "#signInAnotherWay")
    if not (other and link.count()) or d.attempt("another-way") > 1:
        return False
    log.debug(
        "Entra began another method than the profile's; switching to %s", d.profile.mfa_method
    )
    press(link)
    return True


def await_phone_sign_in(d: Driver, state: PageState) -> PageState | None:
    if d.profile.first_factor == "password" and d.attempt("use-password") == 1:
        switch = shown(d.page, "#idA_PWD_SwitchToPassword")  # "Use your password instead"
        if switch.count():
            press(switch)
            return None
    if state.error:  # denied or timed out on the phone
        raise fail(state, "500121")
    if not state.number:  # "Send notification" comes first on some tenants
        press(shown(d.page, "#idSIButton9"))
        return None
    message = text_of(d.page, "#idDiv_RemoteNGC_PollingDescription") or "Approve on your phone."
    with d.ui.waiting(message, number=state.number):
        return d.next_state(mfa=True)


def other_ways_to_sign_in(d: Driver, state: PageState) -> None:
    # The passkey offer: a browser without a window has no authenticator, so WebAuthn can
    # only fail here; "Other ways to sign in" lists the password when the account has one.
    if d.attempt("passkey-offer") > 2:
        raise failures.passkey_only()
    press(shown(d.page, CRED_PICKER))


def use_your_password(d: Driver, state: PageState) -> None:
    entry = shown(d.page, CRED_ENTRY.format(1))
    if not entry.count():  # only the passkey itself: a person's device must answer
        raise failures.passkey_only()
    press(entry)


def hand_off(d: Driver, state: PageState) -> None:
    # The page submits itself on load; submitting again is harmless (the capture answers
    # every POST) and covers pages whose script did not run.
    try:
        d.page.evaluate("() => { const f = document.forms['hiddenform']; if (f) f.submit(); }")
    except Exception as exc:  # the page's own submit won: this document is already leaving
        log.debug("hand-off already submitted: %s", type(exc).__name__)


def skip_or_stop_proof_up(d: Driver, state: PageState) -> None:
    # Never "Next" (#idSubmit_ProofUp_Redirect): it opens the registration wizard.
    skip = shown(d.page, "#btnAskLater", f"#{interrupts.SKIP_LINK_ID}")
    if not skip.count():
        raise interrupts.registration_required()
    days = interrupts.days_left(
        d.page.evaluate("() => (window.$Config || {}).iRemainingDays"),
        text_of(d.page, f"#{interrupts.SKIP_LINK_ID}"),
    )
    press(skip)
    d.ui.info(interrupts.nag_skipped(days))


def password_expired(d: Driver, state: PageState) -> None:
    # Only the person can choose a new password: an interactive run offers them this page
    # in a visible window (and still captures the assertion), else this is the end.
    raise failures.password_expired()


def stop(default_code: str = "", fallback: str = "") -> Action:
    def act(d: Driver, state: PageState) -> None:
        raise fail(state, default_code, fallback)

    return act
