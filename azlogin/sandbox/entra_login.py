"""``POST /{tenant}/login``: the sign-in form, for a password, a phone sign-in or a picked
account; the answer is the next page (or the sign-in page again, with the error)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from azlogin.sandbox import entra_federation
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_finish import after_first_factor, flow_tenant, flow_user, single_sign_on
from azlogin.sandbox.entra_request import form_flow
from azlogin.sandbox.entra_signin import remembered_accounts, signin_page
from azlogin.sandbox.entra_state import LOCKOUT_THRESHOLD, EntraState, Flow, Stage
from azlogin.sandbox.scenario import Tenant

# Form field "type": which step a POST to /{tenant}/login completes (the sandbox's numbering).
PASSWORD, PHONE_SIGN_IN, PICK_ACCOUNT = "11", "22", "28"
# What every POST to /{tenant}/login carries besides ctx, flowToken, canary, hpgrequestid.
LOGIN_FIELDS = ("login", "loginfmt", "type")


def login(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /{tenant}/login``: the sign-in form, for a password, phone or picked account."""
    flow = form_flow(state, request, Stage.IDENTIFY, required=LOGIN_FIELDS)
    tenant = flow_tenant(state, flow)
    if state.scenario.tenant(args["tenant"]) is not tenant:
        raise EntraError("165000", "The form was posted to another tenant.")
    username = (request.form["login"] or request.form["loginfmt"]).strip()
    kind = request.form["type"]
    if kind not in (PASSWORD, PHONE_SIGN_IN, PICK_ACCOUNT):
        raise EntraError("90014", f"The field 'type' is not one of {PASSWORD}, 22, 28.")
    if kind == PICK_ACCOUNT:
        return _pick(state, flow, tenant, username, request)
    if kind == PHONE_SIGN_IN:
        return _phone_sign_in(state, flow, tenant, request)
    return _password(state, flow, tenant, username, request)


def _pick(
    state: EntraState, flow: Flow, tenant: Tenant, username: str, request: Request
) -> Response:
    wanted = username.lower()
    accounts = remembered_accounts(state, request, tenant)
    match = [u for a, u in accounts if a.signed_in and u.username.lower() == wanted]
    if not match:
        raise EntraError("16000")
    return single_sign_on(state, flow, tenant, match[0], request)


def _phone_sign_in(state: EntraState, flow: Flow, tenant: Tenant, request: Request) -> Response:
    user = flow_user(tenant, flow)
    if not user.passwordless or state.phone.status(flow.flow_id) != "approved":
        raise EntraError("500121", "The phone sign-in was not approved.")
    flow.phone_sign_in = True
    state.phone.cancel(flow.flow_id)
    return after_first_factor(state, flow, tenant, user, request)


def _password(
    state: EntraState, flow: Flow, tenant: Tenant, username: str, request: Request
) -> Response:
    if "passwd" not in request.form:
        raise EntraError("90014", "The field 'passwd' is missing.")
    password = request.form["passwd"]
    user = tenant.user(username)
    if user is None:
        return signin_page(state, flow, tenant, username=username, error=EntraError("50034"))
    if user.federated_idp_url or user.federation:  # a password never reaches Entra for them
        return redirect(entra_federation.redirect_url(state, flow, user))

    def retry(code: str) -> Response:
        error = EntraError(code)
        return signin_page(
            state, flow, tenant, [user], view="password", username=user.username, error=error
        )

    key = f"{tenant.tenant_id}/{user.username.lower()}"
    if user.passkey == "only":  # no password to check: whatever was posted is wrong
        return retry("50126")
    if user.locked or state.failed_passwords[key] >= LOCKOUT_THRESHOLD:
        return retry("50053")
    if not hmac.compare_digest(password.encode(), user.password.encode()):
        state.failed_passwords[key] += 1
        return retry("50126")
    if user.disabled:
        return retry("50057")
    state.failed_passwords.pop(key, None)
    return after_first_factor(state, flow, tenant, user, request)
