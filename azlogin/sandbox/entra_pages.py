"""The Entra pages as HTML responses, each carrying ``$Config``: the sign-in document, the
MFA page, the error page and the hand-off (interrupt pages are the gallery's, ``gallery.py``).

Element ids and ``pgid`` values are those of the real pages (docs/entra-login.md); wording
and markup are the sandbox's own. Pages never show a password, code or assertion back.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Response

from azlogin.sandbox.entra_errors import EntraError, describe
from azlogin.sandbox.entra_state import Flow, RememberedAccount
from azlogin.sandbox.scenario import Tenant, User
from azlogin.sandbox.templating import hidden_attr, render, script_json, template

URL_GET_CREDENTIAL_TYPE = "/common/GetCredentialType"
URL_PHONE_SIGN_IN_POLL = "/common/PollPhoneSignIn"
URL_MSA = "/common/msa"
URL_BEGIN_AUTH = "/common/SAS/BeginAuth"
URL_END_AUTH = "/common/SAS/EndAuth"
URL_PROCESS_AUTH = "/common/SAS/ProcessAuth"
URL_LOGOUT = "/common/oauth2/logout"
POLL_INTERVAL_MS = 300

_SECURITY_HEADERS = {
    "Cache-Control": "no-cache, no-store",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
_SIGNIN_STRINGS = {
    "invalidUsername": "Enter a valid email address.",
    "unknownUser": describe("50034"),
    "enterPassword": "Enter your password.",
    "ngc_denied": describe("500121", "The request was denied on the phone."),
    "ngc_timeout": describe("500121", "The request was not answered in time."),
}
_PROOF_LABELS = {
    "PhoneAppNotification": "Approve a request in my Authenticator app",
    "PhoneAppOTP": "Use a verification code from my Authenticator app",
    "OneWaySMS": "Text me a code at {phone}",
    "TwoWayVoiceMobile": "Call me at {phone}",
}
_TFA_STRINGS = {
    "PhoneAppNotification": "Open your Authenticator app and enter the number shown to sign in.",
    "TwoWayVoiceMobile": "We're calling {phone}. Answer the call to continue.",
    "PhoneAppOTP": "Enter the code displayed in your Authenticator app.",
    "OneWaySMS": "We texted a code to {phone}. Enter it to sign in.",
    "wrongCode": "That code is not right. Check it and try again.",
    "enterCode": "Enter the code.",
}
MASKED_PHONE = "+X XXXXXXXX42"


def page(
    *,
    title: str,
    pgid: str,
    body: str,
    tenant: str,
    scripts: Sequence[str] = (),
    config: dict[str, Any] | None = None,
    error: EntraError | None = None,
    status: int = 200,
) -> Response:
    """A converged page: the layout, ``$Config`` and the page's own body and scripts."""
    settings: dict[str, Any] = {"pgid": pgid, "iErrorCode": 0, "strServiceExceptionMessage": ""}
    if error is not None:
        settings["iErrorCode"] = _code_value(error.code)
        settings["strServiceExceptionMessage"] = str(error)
    settings.update(config or {})
    service_shown = error is not None and pgid == "ConvergedError"
    document = render(
        "layout.html",
        title=title,
        css=template("style.css"),
        config=script_json(settings),
        brand=f"azlogin sandbox \u00b7 {tenant}" if tenant else "azlogin sandbox",
        # Only the error page shows the service message; field errors have their own boxes.
        service_hidden=hidden_attr(not service_shown),
        service_error=str(error) if service_shown else "",
        body=body,
        script="\n".join(template(name) for name in ("common.js", *scripts)) if scripts else "",
    )
    response = Response(document, status=status, mimetype="text/html")
    response.headers.update(_SECURITY_HEADERS)
    return response


def _code_value(code: str) -> int | str:
    return int(code) if code.isdigit() else code


def signin_page(
    flow: Flow,
    tenant: Tenant,
    *,
    view: str = "username",
    username: str = "",
    error: EntraError | None = None,
    accounts: Sequence[tuple[RememberedAccount, User]] = (),
) -> Response:
    """ConvergedSignIn: username, tiles, picker, password and phone sign-in in one document."""
    field_error = str(error) if error is not None else ""
    on_username = error is not None and view == "username"
    body = render(
        "signin.html",
        post_url=f"/{tenant.tenant_id}/login",
        username=username,
        flow_token=flow.token,
        username_error=field_error if on_username else "",
        username_error_hidden=hidden_attr(not on_username),
        password_error=field_error if not on_username else "",
        password_error_hidden=hidden_attr(error is None or on_username),
        account_tiles="\n".join(_account_tile(account, user) for account, user in accounts),
    )
    config = {
        "sFT": flow.token,
        "sInitialView": view,
        "urlGetCredentialType": URL_GET_CREDENTIAL_TYPE,
        "urlSessionState": URL_PHONE_SIGN_IN_POLL,
        "urlMsa": URL_MSA,
        "iPollingInterval": POLL_INTERVAL_MS,
        "oStrings": _SIGNIN_STRINGS,
    }
    return page(
        title="Sign in to your account",
        pgid="ConvergedSignIn",
        body=body,
        tenant=tenant.domain or tenant.tenant_id,
        scripts=["signin.js"],
        config=config,
        error=error,
    )


def _account_tile(account: RememberedAccount, user: User) -> str:
    name = html.escape(user.username, quote=True)
    state = "active" if account.signed_in else "signedout"
    label = "Signed in" if account.signed_in else "Signed out"
    return (
        f'      <div class="tile" role="button" tabindex="0" data-test-id="{name}" '
        f'data-session="{state}">{html.escape(user.display_name or user.username)}'
        f"<small>{name}</small><small>{label}</small></div>"
    )


def tfa_page(flow: Flow, tenant: Tenant, user: User) -> Response:
    """ConvergedTFA: the method picker, approve and code views, and the failure views."""
    tiles = "\n".join(
        f'    <div class="tile" role="button" tabindex="0" data-value="{method}">'
        f"{html.escape(_PROOF_LABELS[method].format(phone=MASKED_PHONE))}</div>"
        for method in user.mfa
    )
    body = render(
        "tfa.html",
        proof_tiles=tiles,
        another_way_hidden=hidden_attr(len(user.mfa) < 2),
        post_url=URL_PROCESS_AUTH,
        flow_token=flow.token,
    )
    config = {
        "sFT": flow.token,
        "arrUserProofs": [
            {"authMethodId": m, "isDefault": i == 0, "display": MASKED_PHONE}
            for i, m in enumerate(user.mfa)
        ],
        "urlBeginAuth": URL_BEGIN_AUTH,
        "urlEndAuth": URL_END_AUTH,
        "iPollingInterval": POLL_INTERVAL_MS,
        "oStrings": {k: v.format(phone=MASKED_PHONE) for k, v in _TFA_STRINGS.items()},
    }
    return page(
        title="Verify your identity",
        pgid="ConvergedTFA",
        body=body,
        tenant=tenant.domain,
        scripts=["tfa.js"],
        config=config,
    )


def error_page(
    error: EntraError,
    *,
    now: datetime,
    tenant: str = "",
    heading: str = "Sorry, but we're having trouble signing you in.",
    explanation: str = "",
    status: int = 200,
) -> Response:
    """ConvergedError: where a sign-in ends when nothing else shows its error."""
    details = render(
        "error_details.html",
        code=f"AADSTS{error.code}",
        request_id=str(uuid.uuid4()),
        timestamp=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    body = render("error.html", heading=heading, explanation=explanation, details=details)
    return page(
        title="Sign in to your account",
        pgid=error.pgid,
        body=body,
        tenant=tenant,
        error=error,
        status=status,
    )


def json_error(error: EntraError, status: int = 400) -> Response:
    """What a background call answers when the flow cannot go on; page JS shows it."""
    payload = {"error": {"code": _code_value(error.code), "message": str(error)}}
    return Response(script_json(payload), status=status, mimetype="application/json")


def json_response(payload: dict[str, Any]) -> Response:
    response = Response(script_json(payload), mimetype="application/json")
    response.headers.update({"Cache-Control": "no-cache, no-store"})
    return response


def handoff_page(acs_url: str, saml_response: str, relay_state: str) -> Response:
    """The last page: a form that posts the assertion to the ACS URL on load."""
    document = render(
        "handoff.html", acs_url=acs_url, saml_response=saml_response, relay_state=relay_state
    )
    response = Response(document, mimetype="text/html")
    response.headers.update(_SECURITY_HEADERS)
    return response
