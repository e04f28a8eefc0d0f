"""Handlers of the sign-in document: the SAML entry point, username lookup, the phone
sign-in's polling, personal accounts and sign-out (its form POST is ``entra_login``)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.wrappers import Request, Response

from azlogin.sandbox import disguise, entra_federation, entra_views
from azlogin.sandbox.authn_request import AuthnRequest, decode_authn_request
from azlogin.sandbox.entra_cookies import set_cookie
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_finish import flow_tenant, single_sign_on
from azlogin.sandbox.entra_pages import json_response, page
from azlogin.sandbox.entra_request import json_flow, json_text
from azlogin.sandbox.entra_state import (
    FLOW_COOKIE,
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
        set_cookie(response, FLOW_COOKIE, flow.flow_id)
    return response


def signin_page(
    state: EntraState, flow: Flow, tenant: Tenant, users: Iterable[User | None] = (), **view: Any
) -> Response:
    """The sign-in document, disguised when the flow's (or the picker's) users say so."""
    name = "pick-an-account" if view.get("view") == "picker" else "sign-in"
    hidden = disguise.hides(state.scenario, name, users)
    return entra_views.signin_page(flow, tenant, hidden=hidden, **view)


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
        return signin_page(state, flow, tenant)
    # One remembered, signed-in account completes silently (unless the scenario wants the
    # picker); several accounts, or only signed-out ones, make Entra ask which one.
    if len(accounts) == 1 and active and not state.scenario.faults.account_picker:
        return single_sign_on(state, flow, tenant, active[0], request)
    users = [user for _, user in accounts]
    return signin_page(state, flow, tenant, users, view="picker", accounts=accounts)


def remembered_accounts(state: EntraState, request: Request, tenant: Tenant) -> Accounts:
    session = state.sessions.get(request.cookies.get(PERSISTENT_COOKIE))
    pairs: Accounts = []
    for account in session.for_tenant(tenant.tenant_id) if session else ():
        user = tenant.user(account.username)
        if user is not None:
            pairs.append((account, user))
    return pairs


def credential_type(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /common/GetCredentialType``: what the page shows after "Next". It does not
    spend the flow token, but the page's calls must use the apiCanary it answers."""
    flow, body = json_flow(state, request, Stage.IDENTIFY)
    flow.api_canary = secrets.token_urlsafe(32)
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
        "apiCanary": flow.api_canary,
    }
    if user is None:
        return json_response(result)
    flow.username = user.username
    result.update(Username=user.username, Display=user.username)
    result["IfExistsResult"] = 6 if user.has_personal_account else 0
    if user.federated_idp_url or user.federation:
        redirect = entra_federation.redirect_url(state, flow, user)
        credentials.update(PrefCredential=0, FederationRedirectUrl=redirect)
    elif user.passwordless:
        # Entra rings the phone as soon as it knows who signs in.
        state.phone.send(flow.flow_id, user)
        number = entropy(user.push_number)
        credentials.update(
            PrefCredential=4,
            RemoteNgcParams={"SessionIdentifier": flow.session_id, "Entropy": number},
        )
    elif user.passkey:
        # PrefCredential 7 is FIDO, as the credential picker's data-test-cred-id names it.
        credentials.update(
            PrefCredential=7,
            HasPassword=user.passkey != "only",
            FidoParams={"AllowList": [f"passkey-{flow.session_id}"]},
        )
    return json_response(result)


def phone_sign_in_poll(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    flow, _ = json_flow(state, request, Stage.IDENTIFY)
    if flow.username is None:
        raise EntraError("165000", "No phone sign-in was started.")
    return json_response({"Status": state.phone.status(flow.flow_id)})


def entropy(number: str) -> int | str:
    """The number-matching digits as Entra sends them: a JSON number."""
    return int(number) if number.isdigit() and not number.startswith("0") else number


def personal_account(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    raise EntraError("50020")


def logout(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """Sign out: remembered accounts stay on the picker, but must sign in again."""
    state.sessions.sign_out(request.cookies.get(PERSISTENT_COOKIE))
    body = '<div class="title" role="heading" aria-level="1">You signed out of your account</div>'
    return page(title="Signed out", pgid="ConvergedSignOut", body=body, tenant="")
