"""The end of a sign-in: the checks after each factor, "stay signed in?", and the hand-off.

Order, as documented for tests and azlogin: first factor -> conditional access ->
MFA registration -> MFA -> app assignment -> "stay signed in?" -> service fault ->
hand-off. A remembered session (single sign-on) skips the factors and "stay signed in?".
"""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug.wrappers import Request, Response

from azlogin.sandbox.assertion import build_saml_response
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_pages import (
    URL_PROOF_UP,
    error_page,
    handoff_page,
    kmsi_page,
    tfa_page,
)
from azlogin.sandbox.entra_request import form_flow
from azlogin.sandbox.entra_state import (
    FLOW_COOKIE,
    PERSISTENT_COOKIE,
    PERSISTENT_DAYS,
    EntraState,
    Flow,
    Stage,
)
from azlogin.sandbox.scenario import RoleSpec, Tenant, User


def flow_tenant(state: EntraState, flow: Flow) -> Tenant:
    tenant = state.scenario.tenant(flow.tenant_id)
    if tenant is None:  # removed from the scenario mid-flow
        raise EntraError("90002")
    return tenant


def flow_user(tenant: Tenant, flow: Flow) -> User:
    user = tenant.user(flow.username or "")
    if user is None:
        raise EntraError("50034")
    return user


def after_first_factor(state: EntraState, flow: Flow, tenant: Tenant, user: User) -> Response:
    flow.username = user.username
    if user.conditional_access_blocked:
        return _conditional_access_page(state, flow, tenant)
    if user.mfa_registration_required:
        return _proof_up_page(state, flow, tenant)
    # Phone sign-in is itself multi-factor, so it satisfies the MFA requirement.
    if user.mfa and not flow.phone_sign_in:
        flow.stage = Stage.MFA
        return tfa_page(flow, tenant, user)
    return after_mfa(state, flow, tenant, user)


def after_mfa(state: EntraState, flow: Flow, tenant: Tenant, user: User) -> Response:
    _check_assignment(flow, user)
    flow.stage = Stage.KMSI
    return kmsi_page(flow, tenant, user)


def single_sign_on(
    state: EntraState, flow: Flow, tenant: Tenant, user: User, request: Request
) -> Response:
    """A remembered session: no credentials asked, but account state and policy still apply."""
    if user.locked:
        raise EntraError("50053")
    if user.disabled:
        raise EntraError("50057")
    flow.username = user.username
    if user.conditional_access_blocked:
        return _conditional_access_page(state, flow, tenant)
    _check_assignment(flow, user)
    return hand_off(state, flow, tenant, user, request, remember=True)


def hand_off(
    state: EntraState,
    flow: Flow,
    tenant: Tenant,
    user: User,
    request: Request,
    *,
    remember: bool,
) -> Response:
    """Issue the SAMLResponse; the flow is spent whatever happens next."""
    state.flows.discard(flow)
    state.phone.cancel(flow.flow_id)
    fault = state.scenario.faults.service_error
    if fault:
        raise EntraError(fault)
    saml_response = build_saml_response(
        key=state.key,
        tenant_id=tenant.tenant_id,
        user=user,
        roles=granted_roles(state, user),
        app_id_uri=flow.app_id_uri,
        acs_url=flow.acs_url,
        in_response_to=flow.request_id,
        now=state.clock(),
        lifetime_seconds=state.scenario.faults.assertion_lifetime_seconds,
        session_duration=user.session_duration,
    )
    state.sign_ins[user.username] += 1
    response = handoff_page(flow.acs_url, saml_response, flow.relay_state)
    response.delete_cookie(FLOW_COOKIE, path="/")
    if remember:
        session = state.sessions.remember(
            request.cookies.get(PERSISTENT_COOKIE), tenant.tenant_id, user.username
        )
        response.set_cookie(
            PERSISTENT_COOKIE,
            session.session_id,
            max_age=PERSISTENT_DAYS * 86400,
            path="/",
            httponly=True,
            samesite="Lax",
        )
    return response


def granted_roles(state: EntraState, user: User) -> list[RoleSpec]:
    """The user's roles that a SAML assertion can carry (those trusting a SAML provider)."""
    roles = (state.scenario.role(arn) for arn in user.roles)
    return [role for role in roles if role is not None and role.provider_arn]


def _check_assignment(flow: Flow, user: User) -> None:
    if flow.app_id_uri not in user.apps:
        raise EntraError("50105", f"The user '{user.username}' is not assigned to the app.")


def _conditional_access_page(state: EntraState, flow: Flow, tenant: Tenant) -> Response:
    state.flows.discard(flow)
    error = EntraError("53003", pgid="ConvergedConditionalAccess")
    return error_page(
        error,
        now=state.clock(),
        tenant=tenant.domain,
        heading="You cannot reach this application right now",
        explanation="Your sign-in succeeded, but your organisation's policy blocks this access.",
    )


def _proof_up_page(state: EntraState, flow: Flow, tenant: Tenant) -> Response:
    state.flows.discard(flow)
    extra = (
        f'<form method="post" action="{URL_PROOF_UP}"><div class="buttons">'
        '<input type="submit" id="idSubmit_ProofUp_Redirect" class="btn btn-primary" '
        'value="Next"></div></form>'
    )
    error = EntraError("50079", pgid="ConvergedProofUpRedirect")
    return error_page(
        error,
        now=state.clock(),
        tenant=tenant.domain,
        heading="More information required",
        explanation="Your organisation needs more information to keep your account secure.",
        extra=extra,
    )


def kmsi(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """``POST /kmsi``: "Stay signed in?" answered; Yes (LoginOptions=1) remembers the session."""
    flow = form_flow(state, request, Stage.KMSI)
    tenant = flow_tenant(state, flow)
    user = flow_user(tenant, flow)
    remember = request.form.get("LoginOptions") == "1"
    return hand_off(state, flow, tenant, user, request, remember=remember)


def proof_up(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """The proof-up page's "Next": registration lives outside the sandbox."""
    raise EntraError(
        "50079", "Registration is not part of the sandbox; the scenario decides who needs it."
    )
