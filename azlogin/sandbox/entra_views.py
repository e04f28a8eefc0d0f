"""The two documents whose views the page script switches: ConvergedSignIn (username,
work/personal tiles, "pick an account", password, phone sign-in) and ConvergedTFA (the
method picker, approve and code views, and the failure views)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from werkzeug.wrappers import Response

from azlogin.sandbox.entra_errors import EntraError, describe
from azlogin.sandbox.entra_pages import (
    URL_BEGIN_AUTH,
    URL_END_AUTH,
    URL_GET_CREDENTIAL_TYPE,
    URL_MSA,
    URL_PHONE_SIGN_IN_POLL,
    URL_PROCESS_AUTH,
    page,
)
from azlogin.sandbox.entra_state import Flow, RememberedAccount
from azlogin.sandbox.scenario import Tenant, User
from azlogin.sandbox.templating import hidden_attr, render

POLL_INTERVAL_MS = 300  # the phone sign-in's polling
# $Config.oPerAuthPollingInterval: seconds between EndAuth polls, per method that polls.
MFA_POLL_SECONDS = {"PhoneAppNotification": 0.3, "TwoWayVoiceMobile": 0.3}

_SIGNIN_STRINGS = {
    "invalidUsername": "Enter a valid email address.",
    "unknownUser": describe("50034"),
    "enterPassword": "Enter your password.",
    "ngc_denied": describe("500121", "The request was denied on the phone."),
    "ngc_timeout": describe("500121", "The request was not answered in time."),
    "passkeyUnavailable": "This sandbox cannot check a passkey. Choose another way to sign in.",
}
_PROOF_LABELS = {
    "PhoneAppNotification": "Approve a request in my Authenticator app",
    "PhoneAppOTP": "Use a verification code from my Authenticator app",
    "OneWaySMS": "Text me a code at {phone}",
    "TwoWayVoiceMobile": "Call me at {phone}",
}
_TFA_STRINGS = {
    "PhoneAppNotification": "Open your Authenticator app and enter the number shown to sign in.",
    "TwoWayVoiceMobile": "We're calling {phone}. Answer the call to continue.",
    "PhoneAppOTP": "Enter the code displayed in your Authenticator app.",
    "OneWaySMS": "We texted a code to {phone}. Enter it to sign in.",
    "wrongCode": "That code is not right. Check it and try again.",
    "enterCode": "Enter the code.",
}
MASKED_PHONE = "+X XXXXXXXX42"


def signin_page(
    flow: Flow,
    tenant: Tenant,
    *,
    view: str = "username",
    username: str = "",
    error: EntraError | None = None,
    accounts: Sequence[tuple[RememberedAccount, User]] = (),
    hidden: bool = False,
) -> Response:
    """ConvergedSignIn: username, tiles, picker, password and phone sign-in in one document."""
    flow.refresh_canaries()
    field_error = str(error) if error is not None else ""
    on_username = error is not None and view == "username"
    post_url = f"/{tenant.tenant_id}/login"
    body = render(
        "signin.html",
        post_url=post_url,
        username=username,
        flow_token=flow.token,
        ctx=flow.ctx,
        canary=flow.canary,
        hpgrequestid=flow.session_id,
        username_error=field_error if on_username else "",
        username_error_hidden=hidden_attr(not on_username),
        password_error=field_error if not on_username else "",
        password_error_hidden=hidden_attr(error is None or on_username),
        account_tiles="\n".join(_account_tile(account, user) for account, user in accounts),
    )
    config = {
        "sInitialView": view,
        "urlPost": post_url,
        "urlGetCredentialType": URL_GET_CREDENTIAL_TYPE,
        "urlSessionState": URL_PHONE_SIGN_IN_POLL,
        "urlMsa": URL_MSA,
        "iPollingInterval": POLL_INTERVAL_MS,
        "oStrings": _SIGNIN_STRINGS,
    }
    if accounts:  # Entra lists the remembered accounts of "pick an account" here
        config["arrSessions"] = [
            {"name": user.username, "isSignedIn": account.signed_in} for account, user in accounts
        ]
    return page(
        title="Sign in to your account",
        pgid="ConvergedSignIn",
        body=body,
        tenant=tenant.domain or tenant.tenant_id,
        flow=flow,
        scripts=["signin.js"],
        config=config,
        error=error,
        hidden=hidden,
    )


def _account_tile(account: RememberedAccount, user: User) -> str:
    name = html.escape(user.username, quote=True)
    state = "active" if account.signed_in else "signedout"
    label = "Signed in" if account.signed_in else "Signed out"
    return (
        f'      <div class="tile" role="button" tabindex="0" data-test-id="{name}" '
        f'data-session="{state}">{html.escape(user.display_name or user.username)}'
        f"<small>{name}</small><small>{label}</small></div>"
    )


def tfa_page(flow: Flow, tenant: Tenant, user: User, *, hidden: bool = False) -> Response:
    """ConvergedTFA: the method picker, approve and code views, and the failure views."""
    flow.refresh_canaries()
    tiles = "\n".join(
        f'    <div class="tile" role="button" tabindex="0" data-value="{method}">'
        f"{html.escape(_PROOF_LABELS[method].format(phone=MASKED_PHONE))}</div>"
        for method in user.mfa
    )
    post_url = URL_PROCESS_AUTH.format(tenant=tenant.tenant_id)
    body = render(
        "tfa.html",
        proof_tiles=tiles,
        post_url=post_url,
        username=user.username,
        flow_token=flow.token,
        ctx=flow.ctx,
        canary=flow.canary,
        hpgrequestid=flow.session_id,
    )
    config = {
        "arrUserProofs": [
            {"authMethodId": m, "isDefault": i == 0 and user.mfa_default, "display": MASKED_PHONE}
            for i, m in enumerate(user.mfa)
        ],
        "urlBeginAuth": URL_BEGIN_AUTH,
        "urlEndAuth": URL_END_AUTH,
        "urlPost": post_url,
        "oPerAuthPollingInterval": {m: s for m, s in MFA_POLL_SECONDS.items() if m in user.mfa},
        "oStrings": {k: v.format(phone=MASKED_PHONE) for k, v in _TFA_STRINGS.items()},
    }
    if user.system_preferred_mfa and len(user.mfa) > 1:
        # The sandbox page script's own field (how Entra's page knows is not public): the
        # method it starts at once, whatever arrUserProofs marks as the user's default.
        preferred = "PhoneAppNotification"
        config["sSystemPreferredMethod"] = preferred if preferred in user.mfa else user.mfa[0]
    return page(
        title="Verify your identity",
        pgid="ConvergedTFA",
        body=body,
        tenant=tenant.domain,
        flow=flow,
        scripts=["tfa.js"],
        config=config,
        hidden=hidden,
    )
