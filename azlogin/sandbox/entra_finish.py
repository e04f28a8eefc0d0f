"""The end of a sign-in: the checks after each factor, the gallery's interrupts, the hand-off.

Order, as documented for tests and azlogin: first factor -> [first-factor interrupts:
expired password, conditional access, MFA registration] -> MFA -> app assignment ->
[before-hand-off interrupts: "stay signed in?"] -> service fault -> hand-off. A remembered
session (single sign-on) skips the factors and "stay signed in?", not [single-sign-on
interrupts: conditional access]. Which page shows at each checkpoint is the gallery's
(``gallery.py``); an answered page resumes the sign-in at its checkpoint.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from werkzeug.wrappers import Request, Response

from azlogin.sandbox import disguise, entra_gallery, mcas
from azlogin.sandbox.assertion import build_saml_response
from azlogin.sandbox.entra_cookies import delete_cookie, set_cookie
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.entra_pages import handoff_page
from azlogin.sandbox.entra_request import require
from azlogin.sandbox.entra_state import (
    FLOW_COOKIE,
    PERSISTENT_COOKIE,
    PERSISTENT_DAYS,
    SESSION_COOKIE,
    EntraState,
    Flow,
    Stage,
)
from azlogin.sandbox.entra_views import tfa_page
from azlogin.sandbox.gallery import (
    BEFORE_HAND_OFF,
    FIRST_FACTOR,
    NEW_PASSWORD,
    REMEMBER,
    SINGLE_SIGN_ON,
)
from azlogin.sandbox.scenario import RoleSpec, Tenant, User

Step = Callable[[EntraState, Flow, Tenant, User, Request], Response]


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


def after_first_factor(
    state: EntraState, flow: Flow, tenant: Tenant, user: User, request: Request
) -> Response:
    flow.username = user.username
    interrupt = entra_gallery.interrupt(state, flow, tenant, user, FIRST_FACTOR)
    if interrupt is not None:
        return interrupt
    # Phone sign-in is itself multi-factor, so it satisfies the MFA requirement.
    if user.mfa and not flow.phone_sign_in:
        flow.stage = Stage.MFA
        return tfa_page(flow, tenant, user, hidden=disguise.hides(state.scenario, "tfa", [user]))
    return after_mfa(state, flow, tenant, user, request)


def after_mfa(
    state: EntraState, flow: Flow, tenant: Tenant, user: User, request: Request
) -> Response:
    if flow.reauthentication:  # a remembered session: no "stay signed in?" again
        return _single_sign_on_checks(state, flow, tenant, user, request)
    _check_assignment(flow, user)
    return _before_hand_off(state, flow, tenant, user, request)


def _before_hand_off(
    state: EntraState, flow: Flow, tenant: Tenant, user: User, request: Request
) -> Response:
    interrupt = entra_gallery.interrupt(state, flow, tenant, user, BEFORE_HAND_OFF)
    if interrupt is not None:
        return interrupt
    return hand_off(state, flow, tenant, user, request, remember=flow.remember)


def single_sign_on(
    state: EntraState, flow: Flow, tenant: Tenant, user: User, request: Request
) -> Response:
    """A remembered session: no credentials asked, but account state and policy still apply."""
    if user.locked:
        raise EntraError("50053")
    if user.disabled:
        raise EntraError("50057")
    flow.username = user.username
    flow.remember = True  # the session stays remembered (its cookie is renewed)
    if user.reauthenticate_mfa and user.mfa:  # sign-in frequency: MFA again, not the password
        flow.reauthentication = True
        flow.stage = Stage.MFA
        return tfa_page(flow, tenant, user, hidden=disguise.hides(state.scenario, "tfa", [user]))
    return _single_sign_on_checks(state, flow, tenant, user, request)


def _single_sign_on_checks(
    state: EntraState, flow: Flow, tenant: Tenant, user: User, request: Request
) -> Response:
    interrupt = entra_gallery.interrupt(state, flow, tenant, user, SINGLE_SIGN_ON)
    if interrupt is not None:
        return interrupt
    _check_assignment(flow, user)
    return hand_off(state, flow, tenant, user, request, remember=flow.remember)


# Where an answered gallery page resumes the sign-in, by the checkpoint it interrupted.
_RESUME: dict[str, Step] = {
    FIRST_FACTOR: after_first_factor,
    BEFORE_HAND_OFF: _before_hand_off,
    SINGLE_SIGN_ON: _single_sign_on_checks,
}


def answer(state: EntraState, request: Request, args: Mapping[str, str]) -> Response:
    """Any gallery page's form: ``entra_gallery`` checks it, its outcome moves the flow on."""
    flow, outcome = entra_gallery.accept(state, request)
    if outcome.startswith("AADSTS"):
        raise EntraError(outcome)
    tenant = flow_tenant(state, flow)
    user = flow_user(tenant, flow)
    if outcome == REMEMBER:
        flow.remember = True
    if outcome == NEW_PASSWORD:
        _change_password(request.form, user)
    return _RESUME[flow.checkpoint](state, flow, tenant, user, request)


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
    state.phone.cancel(flow.flow_id)
    fault = state.scenario.faults.service_error
    if fault:  # raised while the flow still names its user (a disguised error page)
        raise EntraError(fault)
    state.flows.discard(flow)
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
        session_not_on_or_after=_session_end(state),
    )
    state.sign_ins[user.username] += 1
    hidden = disguise.hides(state.scenario, "hand-off", [user])
    action = mcas.action(flow.acs_url, state.scenario.faults.mcas_suffix)
    response = handoff_page(action, saml_response, flow.relay_state, hidden=hidden)
    delete_cookie(response, FLOW_COOKIE)
    # ESTSAUTH, the browser-session cookie, as Entra sets it; the sandbox signs in silently
    # only from ESTSAUTHPERSISTENT ("stay signed in"), so "No" asks again in any browser.
    set_cookie(response, SESSION_COOKIE, secrets.token_urlsafe(32))
    if remember:
        cookie = request.cookies.get(PERSISTENT_COOKIE)
        if flow.reauthentication:
            cookie = state.sessions.reissue(cookie)
        session = state.sessions.remember(cookie, tenant.tenant_id, user.username)
        set_cookie(response, PERSISTENT_COOKIE, session.session_id, max_age=PERSISTENT_DAYS * 86400)
    return response


def _change_password(form: Mapping[str, str], user: User) -> None:
    """The expired password's form: the current password, then the new one twice."""
    require(form, "currentPassword", "newPassword", "confirmNewPassword")
    if not hmac.compare_digest(form["currentPassword"].encode(), user.password.encode()):
        raise EntraError("50126")
    new = form["newPassword"]
    if not new or new != form["confirmNewPassword"] or new == user.password:
        raise EntraError("90014", "The new password is empty, mistyped or the old one.")
    user.password, user.password_expired = new, False


def granted_roles(state: EntraState, user: User) -> list[RoleSpec]:
    """The user's roles that a SAML assertion can carry (those trusting a SAML provider)."""
    roles = (state.scenario.role(arn) for arn in user.roles)
    return [role for role in roles if role is not None and role.provider_arn]


def _check_assignment(flow: Flow, user: User) -> None:
    if flow.app_id_uri not in user.apps:
        raise EntraError("50105", f"The user '{user.username}' is not assigned to the app.")


def _session_end(state: EntraState) -> datetime | None:
    seconds = state.scenario.faults.session_lifetime_seconds
    return None if seconds is None else state.clock() + timedelta(seconds=seconds)
