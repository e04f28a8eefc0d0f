"""The Entra pages as HTML responses, each carrying ``$Config``: the page frame, the error
page, JSON answers and the hand-off (the sign-in and MFA documents are ``entra_views``;
interrupt pages are the gallery's, ``gallery.py``).

Element ids and ``pgid`` values are those of the real pages (docs/entra-login.md); wording
and markup are the sandbox's own. Pages never show a password, code or assertion back.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Response

from azlogin.sandbox import disguise
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_state import Flow
from azlogin.sandbox.templating import hidden_attr, render, script_json, template

URL_GET_CREDENTIAL_TYPE = "/common/GetCredentialType"
URL_PHONE_SIGN_IN_POLL = "/common/PollPhoneSignIn"
URL_MSA = "/common/msa"
URL_BEGIN_AUTH = "/common/SAS/BeginAuth"
URL_END_AUTH = "/common/SAS/EndAuth"
URL_PROCESS_AUTH = "/{tenant}/SAS/ProcessAuth"
URL_LOGOUT = "/common/oauth2/logout"
FLOW_TOKEN_NAME = "flowToken"  # $Config.sFTName
HPGACT = 1800
# $Config.hpgid by pgid: the sandbox's own numbers; Entra's pages send theirs back as a header.
HPGID = {
    "ConvergedSignIn": 1104,
    "ConvergedTFA": 1114,
    "KmsiInterrupt": 1132,
    "ConvergedProofUpRedirect": 1129,
    "ConvergedConditionalAccess": 1150,
    "ConvergedChangePassword": 1121,
    "ConvergedError": 1107,
}

_SECURITY_HEADERS = {
    "Cache-Control": "no-cache, no-store",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def page(
    *,
    title: str,
    pgid: str,
    body: str,
    tenant: str,
    flow: Flow | None = None,
    scripts: Sequence[str] = (),
    config: dict[str, Any] | None = None,
    error: EntraError | None = None,
    status: int = 200,
    hidden: bool = False,
) -> Response:
    """A converged page: the layout, ``$Config`` and the page's own body and scripts.
    ``hidden``: the page is disguised from HTTP clients (``disguise``)."""
    settings = flow_config(pgid, flow, error)
    settings.update(config or {})
    service_shown = error is not None and pgid == "ConvergedError"
    document = render(
        "layout.html",
        title=title,
        css=template("style.css"),
        config=disguise.config_script(script_json(settings), hidden),
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


def flow_config(pgid: str, flow: Flow | None, error: EntraError | None) -> dict[str, Any]:
    """The ``$Config`` fields every page has (a flow's page renewed its canaries first)."""
    return {
        "pgid": pgid,
        "sFT": flow.token if flow else "",
        "sFTName": FLOW_TOKEN_NAME,
        "sCtx": flow.ctx if flow else "",
        "canary": flow.canary if flow else secrets.token_urlsafe(32),
        "apiCanary": flow.api_canary if flow else secrets.token_urlsafe(32),
        "correlationId": flow.correlation_id if flow else str(uuid.uuid4()),
        "sessionId": flow.session_id if flow else str(uuid.uuid4()),
        "hpgact": HPGACT,
        "hpgid": HPGID.get(pgid, 0),
        "sErrorCode": error.code if error else "",
        "iErrorCode": code_value(error.code) if error else 0,
        "strServiceExceptionMessage": str(error) if error else "",
    }


def code_value(code: str) -> int | str:
    return int(code) if code.isdigit() else code


def error_page(
    error: EntraError,
    *,
    now: datetime,
    tenant: str = "",
    heading: str = "Sorry, but we're having trouble signing you in.",
    explanation: str = "",
    status: int = 200,
    hidden: bool = False,
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
        hidden=hidden,
    )


def json_error(error: EntraError, status: int = 400) -> Response:
    """What a background call answers when the flow cannot go on; page JS shows it."""
    payload = {"error": {"code": code_value(error.code), "message": str(error)}}
    return Response(script_json(payload), status=status, mimetype="application/json")


def json_response(payload: dict[str, Any]) -> Response:
    response = Response(script_json(payload), mimetype="application/json")
    response.headers.update({"Cache-Control": "no-cache, no-store"})
    return response


def handoff_page(
    acs_url: str, saml_response: str, relay_state: str, *, hidden: bool = False
) -> Response:
    """The last page: a form that posts the assertion to the ACS URL on load; disguised,
    the same form built by script (nothing in the source names it)."""
    if hidden:
        form = {
            "name": "hiddenform",
            "action": acs_url,
            "fields": [["SAMLResponse", saml_response], ["RelayState", relay_state]],
        }
        payload = disguise.encode(json.dumps(form))
        document = render("handoff_disguised.html", payload=payload)
    else:
        document = render(
            "handoff.html", acs_url=acs_url, saml_response=saml_response, relay_state=relay_state
        )
    response = Response(document, mimetype="text/html")
    response.headers.update(_SECURITY_HEADERS)
    return response
