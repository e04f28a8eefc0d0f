"""Serving the gallery's pages: show one with its own flow token, and check what comes back.

Each shown page gets a fresh flow token and canary (the page before it can no longer
post) and the flow remembers which page is pending; an answer must name that page's form,
carry that token, the flow's ``ctx``, the page's ``canary`` (POST forms; a GET link such
as the skip URL carries none, as Entra's) and every declared field under Entra's exact
names, and it spends the token, so no answer, and no skip link, works twice. A page
without forms is a dead end: the flow ends as it is shown.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from azlogin.sandbox import disguise, gallery
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_pages import page as converged_page
from azlogin.sandbox.entra_request import require, same
from azlogin.sandbox.entra_state import FLOW_COOKIE, EntraState, Flow, Stage
from azlogin.sandbox.gallery import Form, GalleryPage
from azlogin.sandbox.scenario import Tenant, User
from azlogin.sandbox.templating import fill, render


def interrupt(
    state: EntraState, flow: Flow, tenant: Tenant, user: User, checkpoint: str
) -> Response | None:
    """The first page of ``checkpoint`` this user meets and this flow has not passed."""
    for page in gallery.pages_at(checkpoint):
        if page.name not in flow.passed and page.shows_for(user):
            return show(state, flow, tenant, user, page, checkpoint)
    return None


def show(
    state: EntraState, flow: Flow, tenant: Tenant, user: User, page: GalleryPage, checkpoint: str
) -> Response:
    if page.forms:
        state.flows.issue_token(flow)
        flow.stage, flow.page, flow.checkpoint = Stage.PAGE, page.name, checkpoint
    else:
        state.flows.discard(flow)
    flow.refresh_canaries()
    error = EntraError(page.code, pgid=page.pgid, message=page.message) if page.code else None
    urls = {form.url: _url(form, flow) for form in page.forms}
    flag = getattr(user, page.flag) if page.flag else ""
    values = {
        "flow_token": flow.token,
        "ctx": flow.ctx,
        "canary": flow.canary,
        "username": user.username,
        "tenant": tenant.domain,
        "flag": str(flag),
        "message": str(error) if error else "",
        "error_details": _details(error, state) if error else "",
        **urls,
    }
    config: dict[str, Any] = {**urls, **page.config}
    if page.flag_config:
        config[page.flag_config] = flag
    return converged_page(
        title=page.title,
        pgid=page.pgid,
        body=fill(page.body, values),
        tenant=tenant.domain,
        flow=flow,
        config=config,
        error=error,
        hidden=disguise.hides(state.scenario, page.name, [user]),
    )


def _url(form: Form, flow: Flow) -> str:
    """Where the page sends the form: a path, or for a GET the whole link (Entra's skip URL)."""
    if form.method == "POST":
        return form.path
    query = {**({form.ctx: flow.ctx} if form.ctx else {}), form.token: flow.token, **form.fields}
    return f"{form.path}?{urlencode(query)}"


def _details(error: EntraError, state: EntraState) -> str:
    return render(
        "error_details.html",
        code=f"AADSTS{error.code}",
        request_id=str(uuid.uuid4()),
        timestamp=state.clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def accept(state: EntraState, request: Request) -> tuple[Flow, str]:
    """The flow a gallery form answers and the outcome it chose; the page's token is spent."""
    flow_id = request.cookies.get(FLOW_COOKIE)
    pending = state.flows.find(flow_id)
    page = gallery.by_name(pending.page or "") if pending is not None else None
    form = page.form(request.path, request.method) if page is not None else None
    if page is None or form is None:
        raise EntraError("165000", "This step does not belong at this point of the sign-in.")
    sent = request.form if form.method == "POST" else request.args
    flow = state.flows.get(flow_id, sent.get(form.token), Stage.PAGE)
    if form.ctx:
        require(sent, form.ctx)
        same(sent[form.ctx], flow.ctx, "The sign-in context is not this sign-in's.")
    if form.method == "POST":
        require(sent, "canary")
        same(sent["canary"], flow.canary, "The canary is not the page's.")
    for name, value in form.fields.items():
        if sent.get(name) != value:
            raise EntraError("90014", f"The field '{name}' is missing or not '{value}'.")
    outcome = form.leads.get(sent.get(form.choice, "") if form.choice else "")
    if outcome is None:
        raise EntraError("90014", f"The field '{form.choice}' is missing or not one offered.")
    state.flows.issue_token(flow)  # spent: the token the page carried works once
    flow.passed.add(page.name)
    flow.page = None
    return flow, outcome
