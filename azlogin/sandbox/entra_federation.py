"""Entra's side of a federated sign-in: the redirect to the company IdP and its answer.

GetCredentialType (or a password posted for a federated user) sends the person to the IdP
with a fresh ``wctx`` kept on the flow; ``POST /login.srf`` takes the IdP's WS-Federation
answer only with that ``wctx`` (once), the flow's cookie, and a token the federated
domain signed for this user (``wsfed.verify``). The first factor is then done: the sign-in
continues as after a password (MFA, interrupts, hand-off).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from azlogin.sandbox import wsfed
from azlogin.sandbox.adfs import PATHS
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_finish import after_first_factor, flow_tenant, flow_user
from azlogin.sandbox.entra_request import require, same
from azlogin.sandbox.entra_state import FLOW_COOKIE, EntraState, Flow, Stage
from azlogin.sandbox.scenario import User


def redirect_url(state: EntraState, flow: Flow, user: User) -> str:
    """Where the person signs in instead of Entra (a new ``wctx`` each time)."""
    if not user.federation:  # a fixed, external IdP: only the way there is modelled
        base = user.federated_idp_url or ""
        query = {"username": user.username, "wa": "wsignin1.0", "wtrealm": wsfed.AUDIENCE}
        return f"{base}{'&' if '?' in base else '?'}{urlencode(query)}"
    flow.wctx = secrets.token_urlsafe(24)
    query = {"client-request-id": flow.correlation_id, "wa": "wsignin1.0",
             "wtrealm": wsfed.AUDIENCE, "wctx": flow.wctx, "username": user.username}  # fmt: skip
    return f"{state.idp_url}{PATHS[user.federation]}?{urlencode(query)}"


def login_srf(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /login.srf``: the IdP's ``wa``, ``wresult`` and ``wctx``."""
    form = request.form
    require(form, "wa", "wresult", "wctx")
    flow = state.flows.find(request.cookies.get(FLOW_COOKIE))
    if flow is None or flow.stage is not Stage.IDENTIFY or not flow.wctx:
        raise EntraError("165000", "No federated sign-in is waiting for this answer.")
    expected, flow.wctx = flow.wctx, ""  # spent, whatever the answer holds
    same(form["wctx"], expected, "The wctx is not this sign-in's.")
    if form["wa"] != "wsignin1.0":
        raise EntraError("90014", "The field 'wa' is not wsignin1.0.")
    tenant = flow_tenant(state, flow)
    user = flow_user(tenant, flow)
    upn = wsfed.verify(state.trust, form["wresult"], state.clock())
    if upn.lower() != user.username.lower():
        raise EntraError("50008", "The token is for another user.")
    state.flows.issue_token(flow)  # the sign-in page's token can no longer post
    return after_first_factor(state, flow, tenant, user, request)
