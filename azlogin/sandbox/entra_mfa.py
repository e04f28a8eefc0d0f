"""Handlers of the "Verify your identity" page: begin a method, poll or check it, finish.

BeginAuth and EndAuth are JSON calls with capitalised fields (``AuthMethodId``, ``Method``,
``Ctx``, ``FlowToken``, and for EndAuth ``SessionId``, ``AdditionalAuthData``,
``PollCount``); each spends the ``FlowToken`` it was sent and answers the next one, so the
page (or an HTTP client) always sends the latest. ProcessAuth is the form that moves on.

Codes: PhoneAppOTP is checked with pyotp against the user's ``totp_secret`` (one step of
drift either way, as Entra allows); OneWaySMS against the user's ``sms_code``. Pushes and
calls are answered by the simulated phone.
"""

from __future__ import annotations

import base64
import hmac
import uuid
from collections.abc import Mapping
from typing import Any

import pyotp
from werkzeug.wrappers import Request, Response

from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_finish import after_mfa, flow_tenant, flow_user
from azlogin.sandbox.entra_pages import json_response
from azlogin.sandbox.entra_request import form_flow, json_flow, json_text, same
from azlogin.sandbox.entra_signin import entropy
from azlogin.sandbox.entra_state import EntraState, Flow, Stage
from azlogin.sandbox.phone import PhoneStatus
from azlogin.sandbox.scenario import User

PHONE_METHODS = frozenset({"PhoneAppNotification", "TwoWayVoiceMobile"})
MFA_FORM = "22"  # ProcessAuth's ``type``
_WRONG_CODE = {"PhoneAppOTP": "OathCodeIncorrect", "OneWaySMS": "SMSAuthFailedWrongCodeEntered"}
# status -> (Success, ResultValue, Retry)
_PHONE_RESULT: dict[PhoneStatus, tuple[bool, str, bool]] = {
    "pending": (False, "AuthenticationPending", True),
    "approved": (True, "Success", False),
    "denied": (False, "PhoneAppDenied", False),
    "timeout": (False, "PhoneAppNoResponse", False),
}


MfaCall = tuple[Flow, User, dict[str, Any]]


def _mfa_call(state: EntraState, request: Request, method: str) -> MfaCall:
    """A BeginAuth/EndAuth call's flow, user and body; its FlowToken is spent."""
    flow, body = json_flow(state, request, Stage.MFA, token="FlowToken", ctx="Ctx")
    if body.get("Method") != method:
        raise EntraError("90014", f"The field 'Method' is not '{method}'.")
    state.flows.issue_token(flow)
    return flow, flow_user(flow_tenant(state, flow), flow), body


def _answer(flow: Flow, method: str, success: bool, result: str, **extra: Any) -> Response:
    return json_response(
        {
            "Success": success,
            "ResultValue": result,
            "Message": None,
            "AuthMethodId": method,
            "ErrCode": 0 if success or extra.get("Retry") else 500121,
            "Retry": False,
            "FlowToken": flow.token,
            "Ctx": flow.ctx,
            "SessionId": flow.mfa_session,
            **extra,
        }
    )


def begin_auth(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /common/SAS/BeginAuth``: send the push/call/SMS for the chosen method."""
    flow, user, body = _mfa_call(state, request, "BeginAuth")
    method = json_text(body, "AuthMethodId")
    if method not in user.mfa:
        raise EntraError("500121", f"The method '{method}' is not registered for this user.")
    if method == "PhoneAppOTP" and not user.totp_secret:
        raise EntraError("500121", "The scenario gives this user no totp_secret.")
    flow.mfa_method = method
    flow.mfa_verified = False
    flow.mfa_session = str(uuid.uuid4())
    extra: dict[str, Any] = {}
    if method in PHONE_METHODS:
        state.phone.send(flow.flow_id, user)
        # Number matching applies to app notifications only; an empty number is a plain push.
        if method == "PhoneAppNotification" and user.push_number:
            extra["Entropy"] = entropy(user.push_number)
    else:
        state.phone.cancel(flow.flow_id)
    return _answer(flow, method, True, "Success", **extra)


def end_auth(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /common/SAS/EndAuth``: poll a push/call, or check a code."""
    flow, user, body = _mfa_call(state, request, "EndAuth")
    method = json_text(body, "AuthMethodId")
    if method != flow.mfa_method:
        raise EntraError("165000", "EndAuth for a method that was not begun.")
    same(json_text(body, "SessionId"), flow.mfa_session, "The SessionId is not BeginAuth's.")
    if method in PHONE_METHODS:
        success, result, retry = _PHONE_RESULT[state.phone.status(flow.flow_id)]
    else:
        code = body.get("AdditionalAuthData")
        success = _code_ok(user, method, code.strip() if isinstance(code, str) else "")
        result, retry = ("Success", False) if success else (_WRONG_CODE[method], True)
    flow.mfa_verified = success
    return _answer(flow, method, success, result, Retry=retry)


class EntraTotp(pyotp.TOTP):
    """pyotp refuses secrets under 112 bits, but the secrets Entra shows for authenticator
    apps are 16 base32 characters (80 bits), often written in groups of four."""

    def byte_secret(self) -> bytes:
        secret = self.secret.replace(" ", "").upper()
        return base64.b32decode(secret + "=" * (-len(secret) % 8))


def _code_ok(user: User, method: str, code: str) -> bool:
    if not code:
        return False
    if method == "OneWaySMS":
        return hmac.compare_digest(code.encode(), user.sms_code.encode())
    # The phone computes codes from the wall clock, whatever clock the sandbox's SAML uses.
    totp = EntraTotp(user.totp_secret or "")
    return code.isdigit() and bool(totp.verify(code, valid_window=1))


def process_auth(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /{tenant}/SAS/ProcessAuth``: the page moves on once EndAuth said Success."""
    flow = form_flow(
        state, request, Stage.MFA, ctx="request", required=("type", "mfaAuthMethod", "login")
    )
    tenant = flow_tenant(state, flow)
    if state.scenario.tenant(args["tenant"]) is not tenant:
        raise EntraError("165000", "The form was posted to another tenant.")
    form = request.form
    if form["type"] != MFA_FORM:
        raise EntraError("90014", f"The field 'type' is not '{MFA_FORM}'.")
    if not flow.mfa_verified or form["mfaAuthMethod"] != flow.mfa_method:
        raise EntraError("500121", "The second factor was not verified.")
    user = flow_user(tenant, flow)
    if form["login"].strip().lower() != user.username.lower():
        raise EntraError("165000", "The form names another user.")
    state.phone.cancel(flow.flow_id)
    return after_mfa(state, flow, tenant, user, request)
