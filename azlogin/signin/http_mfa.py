"""The MFA page over HTTP: choose the method, BeginAuth, EndAuth (a code, or polling while
the person approves on the phone), then ProcessAuth.

BeginAuth spends the page's flow token, so everything that could make the browser take
over is decided before it; after it, an answer azlogin does not know is an error.
"""

from __future__ import annotations

from typing import Any

from ..errors import SignInError
from ..redact import SECRETS
from ..settings import MFA_METHODS
from ..ui import Option
from .entra_page import EntraPage
from .http import MAX_ATTEMPTS, HttpSignIn, form_fields

CODE_METHODS = ("PhoneAppOTP", "OneWaySMS")
DESCRIPTIONS = {
    "PhoneAppNotification": "Open your Authenticator app and approve the request.",
    "TwoWayVoiceMobile": "We're calling your phone. Answer it to continue.",
    "PhoneAppOTP": "Enter the code displayed in your authenticator app.",
    "OneWaySMS": "Enter the code we texted to your phone.",
}
PENDING = "AuthenticationPending"
DEFAULT_POLL_SECONDS = 1.0


def mfa(s: HttpSignIn, page: EntraPage) -> EntraPage:
    cfg = page.config or {}
    method = _choose(s, page, cfg.get("arrUserProofs"))
    state = {"Ctx": cfg.get("sCtx"), "FlowToken": cfg.get("sFT")}
    begun = s.post_json(page, str(cfg["urlBeginAuth"]), {
        "AuthMethodId": method, "Method": "BeginAuth", **state,
    })  # fmt: skip
    if not (isinstance(begun, dict) and begun.get("Success") is True):
        raise _refused(s, page, begun)
    s.asked = True
    state = _next(state, begun)
    if method in CODE_METHODS:
        state = _code(s, page, method, state)
    else:
        state = _approval(s, page, method, state, str(begun.get("Entropy") or ""))
    fields = form_fields(
        page, type="22", request=str(state["Ctx"] or ""), mfaAuthMethod=method,
        login=s.given.username or s.profile.username or "",
    )  # fmt: skip
    fields[str(cfg.get("sFTName") or "flowToken")] = str(state["FlowToken"] or "")
    fields["hpgrequestid"] = str(cfg.get("sessionId") or "")
    return s.post_form(page, str(cfg["urlPost"]), fields)


def _choose(s: HttpSignIn, page: EntraPage, proofs: Any) -> str:
    known = [
        p for p in proofs or [] if isinstance(p, dict) and p.get("authMethodId") in MFA_METHODS
    ]
    if not known:
        raise s.hand_over(page, "the page offers no verification method azlogin knows")
    values = [str(p["authMethodId"]) for p in known]
    if len(values) == 1:
        return values[0]
    if s.profile.mfa_method in values:
        return s.profile.mfa_method
    if not s.profile.mfa_method:
        # What Entra's page begins by itself: the user's default method. (Under
        # system-preferred MFA the page may begin push instead; what tells it so is not
        # public, so the HTTP path keeps to the default, which Entra accepts as well.)
        default = [v for v, p in zip(values, known, strict=True) if p.get("isDefault") is True]
        if len(default) == 1:
            return default[0]
    options = [Option(v, str(p.get("display") or v)) for v, p in zip(values, known, strict=True)]
    return s.ui.choose("How do you want to verify your identity?", options, values[0])


def _next(state: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The flow state after an answer: each one spends the token sent and gives a new one."""
    new = dict(state)
    for key in ("Ctx", "FlowToken", "SessionId"):
        if answer.get(key):
            new[key] = answer[key]
    return new


def _end(s: HttpSignIn, page: EntraPage, method: str, state: dict[str, Any], **extra: Any) -> Any:
    cfg = page.config or {}
    body = {"Method": "EndAuth", "AuthMethodId": method, **state, **extra}
    return s.post_json(page, str(cfg["urlEndAuth"]), body)


def _code(s: HttpSignIn, page: EntraPage, method: str, state: dict[str, Any]) -> dict[str, Any]:
    while True:
        code = s.ui.ask_code(DESCRIPTIONS[method]).strip()
        SECRETS.add(code)
        tries = s.attempt("code")
        answer = _end(s, page, method, state, AdditionalAuthData=code)
        if not isinstance(answer, dict):
            raise _refused(s, page, answer)
        state = _next(state, answer)
        if answer.get("Success") is True:
            return state
        if answer.get("Retry") is not True:
            raise _refused(s, page, answer)
        text = "That code was not accepted."
        if not s.ui.interactive or tries >= MAX_ATTEMPTS:
            raise SignInError("The verification code was not accepted.", text)
        s.ui.warn(text)


def _approval(
    s: HttpSignIn, page: EntraPage, method: str, state: dict[str, Any], number: str
) -> dict[str, Any]:
    cfg = page.config or {}
    intervals = cfg.get("oPerAuthPollingInterval")
    interval = intervals.get(method) if isinstance(intervals, dict) else None
    seconds = (
        float(interval)
        if isinstance(interval, (int, float)) and interval > 0
        else DEFAULT_POLL_SECONDS
    )
    mfa_deadline = s.monotonic() + s.options.mfa_timeout_seconds
    polls = 0
    with s.ui.waiting(DESCRIPTIONS[method], number=number or None):
        while True:
            s.sleep(seconds)
            polls += 1
            answer = _end(s, page, method, state, PollCount=polls)
            if not isinstance(answer, dict):
                raise _refused(s, page, answer)
            state = _next(state, answer)
            if answer.get("Success") is True:
                return state
            if answer.get("ResultValue") != PENDING:
                raise _refused(s, page, answer)
            s.check_waiting(mfa_deadline, "mfa-push")


def _refused(s: HttpSignIn, page: EntraPage, answer: Any) -> SignInError:
    value = str(answer.get("ResultValue") or "") if isinstance(answer, dict) else ""
    if value == "PhoneAppDenied":
        return s.fail(page, "500121", "the request was denied")
    if value in ("PhoneAppNoResponse", "PhoneAppTimeout"):
        return s.fail(page, "500121", "the request was not answered")
    code = str(answer.get("ErrCode") or "") if isinstance(answer, dict) else ""
    if code and code != "0":
        return s.fail(page, code)
    return SignInError(
        f"Entra answered the verification in a way azlogin does not know ({value or 'no result'}).",
        "Run again with AZLOGIN_SIGNIN=browser to verify in the browser.",
    )
