"""Handlers of the sign-in document: the SAML entry point, username lookup, password,
phone sign-in, the account picker, personal accounts and sign-out."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from azlogin.sandbox.authn_request import AuthnRequest, decode_authn_request
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_finish import after_first_factor, flow_tenant, flow_user, single_sign_on
from azlogin.sandbox.entra_pages import json_response, page, signin_page
from azlogin.sandbox.entra_request import form_flow, json_body, json_flow, json_text
from azlogin.sandbox.entra_state import (
    FLOW_COOKIE,
    LOCKOUT_THRESHOLD,
    PERSISTENT_COOKIE,
    EntraState,
    Flow,
    RememberedAccount,
    Stage,
)
from azlogin.sandbox.scenario import Tenant, User

# Reply URLs an AWS app in Entra is configured with (plus the sandbox's own ACS).
_AWS_ACS = re.compile(
    r"^https://(?:[a-z0-9-]+\.)?signin\.aws\.amazon\.com/saml$"
    r"|^https://signin\.amazonaws-us-gov\.com/saml$"
    r"|^https://signin\.amazonaws\.cn/saml$"
)
MAX_QUERY_BYTES = 32 * 1024
# Form field "type": which step a POST to /{tenant}/login completes (the sandbox's numbering).
PASSWORD, PHONE_SIGN_IN, PICK_ACCOUNT = "11", "22", "28"

Accounts = list[tuple[RememberedAccount, User]]


def start(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``GET /{tenant}/saml2?SAMLRequest=…``: check the request, then the first page."""
    tenant = state.scenario.tenant(args["tenant"])
    if tenant is None:
        raise EntraError("90002", f"No tenant '{args['tenant']}' exists.")
    if len(request.query_string) > MAX_QUERY_BYTES:
        raise EntraError("90015")
    authn = decode_authn_request(request.args.get("SAMLRequest"))
    if tenant.app(authn.issuer) is None:
        raise EntraError(
            "700016",
            f"No application with identifier '{authn.issuer}' in directory '{tenant.domain}'.",
        )
    acs_url = authn.acs_url or state.acs_url
    if acs_url != state.acs_url and not _AWS_ACS.match(acs_url):
        raise EntraError("50011", f"Reply URL: '{acs_url}'.")
    flow = state.flows.create(
        tenant_id=tenant.tenant_id,
        app_id_uri=authn.issuer,
        request_id=authn.request_id,
        acs_url=acs_url,
        relay_state=request.args.get("RelayState", ""),
    )
    try:
        response = _first_page(state, flow, tenant, authn, request)
    except EntraError:
        state.flows.discard(flow)
        raise
    if flow.flow_id in state.flows:
        response.set_cookie(FLOW_COOKIE, flow.flow_id, path="/", httponly=True, samesite="Lax")
    return response


def _first_page(
    state: EntraState, flow: Flow, tenant: Tenant, authn: AuthnRequest, request: Request
) -> Response:
    accounts = remembered_accounts(state, request, tenant)
    active = [user for account, user in accounts if account.signed_in]
    if authn.is_passive:
        if len(active) == 1:
            return single_sign_on(state, flow, tenant, active[0], request)
        raise EntraError("16000" if active else "50058")
    if authn.force_authn or not accounts:
        return signin_page(flow, tenant)
    # One remembered, signed-in account completes silently (unless the scenario wants the
    # picker); several accounts, or only signed-out ones, make Entra ask which one.
    if len(accounts) == 1 and active and not state.scenario.faults.account_picker:
        return single_sign_on(state, flow, tenant, active[0], request)
    return signin_page(flow, tenant, view="picker", accounts=accounts)


def remembered_accounts(state: EntraState, request: Request, tenant: Tenant) -> Accounts:
    session = state.sessions.get(request.cookies.get(PERSISTENT_COOKIE))
    pairs: Accounts = []
    for account in session.for_tenant(tenant.tenant_id) if session else ():
        user = tenant.user(account.username)
        if user is not None:
            pairs.append((account, user))
    return pairs


def credential_type(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /common/GetCredentialType``: what the page shows after "Next"."""
    body = json_body(request)
    flow = json_flow(state, body, request, Stage.IDENTIFY)
    tenant = flow_tenant(state, flow)
    username = json_text(body, "username").strip()
    user = tenant.user(username)
    credentials: dict[str, Any] = {
        "PrefCredential": 1,
        "HasPassword": True,
        "RemoteNgcParams": None,
        "FederationRedirectUrl": None,
    }
    result: dict[str, Any] = {
        "Username": username,
        "Display": username,
        "IfExistsResult": 1,
        "ThrottleStatus": 0,
        "IsSignupDisallowed": True,
        "Credentials": credentials,
    }
    if user is None:
        return json_response(result)
    flow.username = user.username
    result.update(Username=user.username, Display=user.username)
    result["IfExistsResult"] = 6 if user.has_personal_account else 0
    if user.federated_idp_url:
        credentials.update(PrefCredential=0, FederationRedirectUrl=federation_url(user))
    elif user.passwordless:
        # Entra rings the phone as soon as it knows who signs in.
        state.phone.send(flow.flow_id, user)
        credentials.update(PrefCredential=4, RemoteNgcParams={"Entropy": user.push_number})
    return json_response(result)


def phone_sign_in_poll(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    body = json_body(request)
    flow = json_flow(state, body, request, Stage.IDENTIFY)
    if flow.username is None:
        raise EntraError("165000", "No phone sign-in was started.")
    return json_response({"Status": state.phone.status(flow.flow_id)})


def login(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /{tenant}/login``: the sign-in form, for a password, phone or picked account."""
    flow = form_flow(state, request, Stage.IDENTIFY)
    tenant = flow_tenant(state, flow)
    if state.scenario.tenant(args["tenant"]) is not tenant:
        raise EntraError("165000", "The form was posted to another tenant.")
    username = (request.form.get("login") or request.form.get("loginfmt") or "").strip()
    kind = request.form.get("type", PASSWORD)
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
    password = request.form.get("passwd", "")
    user = tenant.user(username)
    if user is None:
        return signin_page(flow, tenant, username=username, error=EntraError("50034"))
    if user.federated_idp_url:  # a posted password never reaches Entra for federated users
        return redirect(federation_url(user))

    def retry(code: str) -> Response:
        error = EntraError(code)
        return signin_page(flow, tenant, view="password", username=user.username, error=error)

    key = f"{tenant.tenant_id}/{user.username.lower()}"
    if user.locked or state.failed_passwords[key] >= LOCKOUT_THRESHOLD:
        return retry("50053")
    if not hmac.compare_digest(password.encode(), user.password.encode()):
        state.failed_passwords[key] += 1
        return retry("50126")
    if user.disabled:
        return retry("50057")
    state.failed_passwords.pop(key, None)
    return after_first_factor(state, flow, tenant, user, request)


def federation_url(user: User) -> str:
    base = user.federated_idp_url or ""
    query = urlencode(
        {"username": user.username, "wa": "wsignin1.0", "wtrealm": "urn:federation:MicrosoftOnline"}
    )
    return f"{base}{'&' if '?' in base else '?'}{query}"


def personal_account(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    raise EntraError("50020")


def logout(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """Sign out: remembered accounts stay on the picker, but must sign in again."""
    state.sessions.sign_out(request.cookies.get(PERSISTENT_COOKIE))
    body = '<div class="title" role="heading" aria-level="1">You signed out of your account</div>'
    return page(title="Signed out", pgid="ConvergedSignOut", body=body, tenant="")
