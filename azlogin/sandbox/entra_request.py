"""Reading a sign-in request: its flow (cookie + ``flowToken``) and its JSON body."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_state import FLOW_COOKIE, EntraState, Flow, Stage


def form_flow(state: EntraState, request: Request, *stages: Stage) -> Flow:
    """The flow of a form POST: the cookie names it, the form's ``flowToken`` proves it."""
    return state.flows.get(request.cookies.get(FLOW_COOKIE), request.form.get("flowToken"), *stages)


def json_body(request: Request) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise EntraError("90014", "Expected a JSON object.")
    return body


def json_flow(state: EntraState, body: dict[str, Any], request: Request, *stages: Stage) -> Flow:
    token = body.get("flowToken")
    return state.flows.get(
        request.cookies.get(FLOW_COOKIE), token if isinstance(token, str) else None, *stages
    )


def json_text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise EntraError("90014", f"The field '{name}' is missing.")
    return value
