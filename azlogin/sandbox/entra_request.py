"""Reading a sign-in request as strictly as Entra: its flow (cookie + single-use flow
token), its context, its canary, and fields under their exact names.

Refusals, checked in this order so that the most basic one answers: an unknown, spent or
foreign flow token (or no flow cookie) is AADSTS165000; an expired flow 50089; a missing
field or header 90014; a context, canary or request id that is not the flow's 165000. Any
refusal ends the flow (``entra.Entra.dispatch``).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from werkzeug.wrappers import Request

from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_state import FLOW_COOKIE, EntraState, Flow, Stage

CANARY_HEADER = "canary"


def form_flow(
    state: EntraState,
    request: Request,
    *stages: Stage,
    ctx: str = "ctx",
    required: tuple[str, ...] = (),
    request_id: bool = True,
) -> Flow:
    """The flow of a form POST: the cookie names it, ``flowToken`` proves it, ``ctx`` (the
    field named so), ``canary`` and (``request_id``) ``hpgrequestid`` must be the page's;
    ``required`` fields must be there. The token is spent: the answer carries the next."""
    form = request.form
    flow = state.flows.get(request.cookies.get(FLOW_COOKIE), form.get("flowToken"), *stages)
    require(form, *required, ctx, "canary", *(["hpgrequestid"] if request_id else []))
    same(form[ctx], flow.ctx, "The sign-in context is not this sign-in's.")
    same(form["canary"], flow.canary, "The canary is not the page's.")
    if request_id:
        same(form["hpgrequestid"], flow.session_id, "The request id is not this sign-in's.")
    state.flows.issue_token(flow)
    return flow


def json_body(request: Request) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise EntraError("90014", "Expected a JSON object.")
    return body


def json_flow(
    state: EntraState,
    request: Request,
    *stages: Stage,
    token: str = "flowToken",  # noqa: S107 - a field name
    ctx: str = "originalRequest",
) -> tuple[Flow, dict[str, Any]]:
    """The flow of a background call and its body: the cookie names it, the body's
    ``token`` field proves it, its ``ctx`` field and the ``canary`` header (the page's
    ``apiCanary``) must be the flow's. Spending the token is the handler's choice."""
    body = json_body(request)
    sent = body.get(token)
    flow = state.flows.get(
        request.cookies.get(FLOW_COOKIE), sent if isinstance(sent, str) else None, *stages
    )
    same(json_text(body, ctx), flow.ctx, "The sign-in context is not this sign-in's.")
    canary = request.headers.get(CANARY_HEADER)
    if not canary:
        raise EntraError("90014", f"The header '{CANARY_HEADER}' is missing.")
    same(canary, flow.api_canary, "The canary is not the page's.")
    return flow, body


def json_text(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise EntraError("90014", f"The field '{name}' is missing.")
    return value


def require(fields: Mapping[str, str], *names: str) -> None:
    for name in names:
        if name not in fields:
            raise EntraError("90014", f"The field '{name}' is missing.")


def same(sent: str, expected: str, detail: str) -> None:
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise EntraError("165000", detail)
