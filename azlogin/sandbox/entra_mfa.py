"""Handlers of the "Verify your identity" page: begin a method, poll or check it, finish.

Codes: PhoneAppOTP is checked with pyotp against the user's ``totp_secret`` (one step of
drift either way, as Entra allows); OneWaySMS against the user's ``sms_code``. Pushes and
calls are answered by the simulated phone.
"""

from __future__ import annotations

import base64
import hmac
import uuid
from collections.abc import Mapping

import pyotp
from werkzeug.wrappers import Request, Response

from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_finish import after_mfa, flow_tenant, flow_user
from azlogin.sandbox.entra_pages import json_response
from azlogin.sandbox.entra_request import form_flow, json_body, json_flow, json_text
from azlogin.sandbox.entra_state import EntraState, Stage
from azlogin.sandbox.phone import PhoneStatus
from azlogin.sandbox.scenario import User

PHONE_METHODS = frozenset({"PhoneAppNotification", "TwoWayVoiceMobile"})
_WRONG_CODE = {"PhoneAppOTP": "OathCodeIncorrect", "OneWaySMS": "SMSAuthFailedWrongCodeEntered"}
_PHONE_RESULT: dict[PhoneStatus, tuple[bool, str]] = {
    "pending": (False, "AuthenticationPending"),
    "approved": (True, "Success"),
    "denied": (False, "PhoneAppDenied"),
    "timeout": (False, "PhoneAppNoResponse"),
}


def begin_auth(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /common/SAS/BeginAuth``: send the push/call/SMS for the chosen method."""
    body = json_body(request)
    flow = json_flow(state, body, request, Stage.MFA)
    user = flow_user(flow_tenant(state, flow), flow)
    method = json_text(body, "AuthMethodId")
    if method not in user.mfa:
        raise EntraError("500121", f"The method '{method}' is not registered for this user.")
    if method == "PhoneAppOTP" and not user.totp_secret:
        raise EntraError("500121", "The scenario gives this user no totp_secret.")
    flow.mfa_method = method
    flow.mfa_verified = False
    entropy = None
    if method in PHONE_METHODS:
        state.phone.send(flow.flow_id, user)
        # Number matching applies to app notifications only; an empty number is a plain push.
        if method == "PhoneAppNotification" and user.push_number:
            entropy = user.push_number
    else:
        state.phone.cancel(flow.flow_id)
    return json_response(
        {
            "Success": True,
            "ResultValue": "Success",
            "AuthMethodId": method,
            "SessionId": str(uuid.uuid4()),
            "Entropy": entropy,
        }
    )


def end_auth(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /common/SAS/EndAuth``: poll a push/call, or check a code."""
    body = json_body(request)
    flow = json_flow(state, body, request, Stage.MFA)
    user = flow_user(flow_tenant(state, flow), flow)
    method = json_text(body, "AuthMethodId")
    if method != flow.mfa_method:
        raise EntraError("165000", "EndAuth for a method that was not begun.")
    if method in PHONE_METHODS:
        success, result = _PHONE_RESULT[state.phone.status(flow.flow_id)]
    else:
        code = body.get("AdditionalAuthData")
        success = _code_ok(user, method, code.strip() if isinstance(code, str) else "")
        result = "Success" if success else _WRONG_CODE[method]
    flow.mfa_verified = success
    return json_response({"Success": success, "ResultValue": result, "AuthMethodId": method})


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
    """``POST /common/SAS/ProcessAuth``: the page moves on once EndAuth said Success."""
    flow = form_flow(state, request, Stage.MFA)
    if not flow.mfa_verified:
        raise EntraError("500121", "The second factor was not verified.")
    tenant = flow_tenant(state, flow)
    state.phone.cancel(flow.flow_id)
    return after_mfa(state, flow, tenant, flow_user(tenant, flow), request)
