"""The AWS sign-in side of the sandbox: the ACS role chooser and console federation.

``saml_acs`` answers the browser's POST of the SAMLResponse as signin.aws.amazon.com/saml
does; ``federation`` answers ``/federation?Action=getSigninToken|login`` for keys the sandbox
STS issued. Sign-in tokens are self-contained and HMAC-signed with a per-process key, so no
state is kept beyond the STS's own session table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone

from azlogin.sandbox.assertion_check import check_for_scenario
from azlogin.sandbox.saml_parse import RolePair, SamlRejected, unverified_roles
from azlogin.sandbox.scenario import ChooserFormat, Scenario
from azlogin.sandbox.signin_pages import (
    Account,
    console_page,
    error_page,
    legacy_chooser,
    nextjs_chooser,
)
from azlogin.sandbox.sts import StsService

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json"
SIGNIN_TOKEN_LIFETIME = timedelta(minutes=15)
INVALID_SAML = "Your request included an invalid SAML response. To logout, click here."
_TOKEN_KEY = secrets.token_bytes(32)


def role_chooser_page(
    scenario: Scenario,
    saml_response_b64: str,
    fmt: ChooserFormat,
    *,
    relay_state: str = "",
    action: str = "/saml",
) -> str:
    """AWS's role chooser for the roles in the response (read, not verified: display only).

    Raises :class:`SamlRejected` when the response cannot be parsed.
    """
    accounts = accounts_for(scenario, unverified_roles(saml_response_b64))
    if fmt == "html":
        return legacy_chooser(accounts, saml_response_b64, relay_state, action)
    return nextjs_chooser(accounts, saml_response_b64, relay_state)


def accounts_for(scenario: Scenario, roles: Sequence[RolePair]) -> list[Account]:
    """Roles grouped by account in order of first appearance, with the scenario's aliases."""
    grouped: dict[str, list[str]] = {}
    for pair in roles:
        arns = grouped.setdefault(pair.role_arn.split(":")[4], [])
        if pair.role_arn not in arns:
            arns.append(pair.role_arn)
    return [
        Account(account_id, scenario.account_aliases.get(account_id), tuple(arns))
        for account_id, arns in grouped.items()
    ]


def saml_acs(
    form: Mapping[str, str],
    scenario: Scenario,
    *,
    certificate_pem: bytes,
    acs_url: str,
    now: datetime,
) -> tuple[int, str, str]:
    """The ACS URL: verify the posted response, then show the chooser or sign in.

    As on AWS, a response with one role signs straight in (no chooser, so no account
    names), and a chooser POST back with ``roleIndex`` signs in with that role.
    """
    saml = form.get("SAMLResponse", "")
    try:
        checked = check_for_scenario(
            saml, scenario, certificate_pem=certificate_pem, now=now, acs_url=acs_url
        )
    except SamlRejected as rejected:
        return 400, HTML, error_page(INVALID_SAML, rejected.message)
    if not checked.roles:
        return 400, HTML, error_page(INVALID_SAML, "The response grants no roles")
    wanted = form.get("roleIndex")
    if wanted is None and len(checked.roles) > 1:
        page = role_chooser_page(
            scenario, saml, scenario.chooser_format, relay_state=form.get("RelayState", "")
        )
        return 200, HTML, page
    pair = next((p for p in checked.roles if wanted in (None, p.role_arn)), None)
    role = scenario.role(pair.role_arn) if pair is not None else None
    if pair is None or role is None or role.provider_arn != pair.provider_arn:
        return 403, HTML, error_page("Not authorized to perform sts:AssumeRoleWithSAML")
    account = accounts_for(scenario, [pair])[0]
    page = console_page(
        role_arn=pair.role_arn, session_name=checked.session_name, account_label=account.label
    )
    return 200, HTML, page


def federation(query: Mapping[str, str], sts: StsService) -> tuple[int, str, str]:
    """``/federation``: returns (HTTP status, content type, body)."""
    action = query.get("Action")
    if action == "getSigninToken":
        return _get_signin_token(query, sts)
    if action == "login":
        return _login(query, sts)
    return 400, TEXT, "Action must be getSigninToken or login"


def _get_signin_token(query: Mapping[str, str], sts: StsService) -> tuple[int, str, str]:
    try:
        credentials = json.loads(query.get("Session", ""))
    except json.JSONDecodeError:
        return 400, TEXT, "Session must be JSON with sessionId, sessionKey and sessionToken"
    if not isinstance(credentials, dict):
        return 400, TEXT, "Session must be JSON with sessionId, sessionKey and sessionToken"
    session = sts.session_for(str(credentials.get("sessionId", "")))
    now = sts.now()
    if (
        session is None
        or not _same(credentials.get("sessionKey"), session.secret_access_key)
        or not _same(credentials.get("sessionToken"), session.session_token)
        or session.expiration <= now
    ):
        return 400, TEXT, "The session credentials are invalid or expired"
    ends = session.expiration
    duration = query.get("SessionDuration")
    if duration is not None:
        if session.chained:
            # AWS refuses a console session length for role-chained credentials.
            return 400, TEXT, "SessionDuration is not allowed for role-chained sessions"
        if not duration.isdigit() or not 900 <= int(duration) <= 43200:
            return 400, TEXT, "SessionDuration must be between 900 and 43200 seconds"
        ends = now + timedelta(seconds=int(duration))
    token = _make_token(session.access_key_id, now, ends)
    return 200, JSON, json.dumps({"SigninToken": token})


def _login(query: Mapping[str, str], sts: StsService) -> tuple[int, str, str]:
    now = sts.now()
    found = _read_token(query.get("SigninToken", ""), now)
    session = sts.session_for(found[0]) if found is not None else None
    if found is None or session is None:
        return 400, HTML, error_page("The sign-in token is invalid or has expired.")
    destination = query.get("Destination", "")
    if not destination.startswith(("https://", "http://")):
        return 400, HTML, error_page("Destination must be an http(s) console URL.")
    account = accounts_for(sts.scenario, [RolePair(session.role_arn, "")])[0]
    page = console_page(
        role_arn=session.role_arn,
        session_name=session.session_name,
        account_label=account.label,
        session_ends=f"{found[1]:%Y-%m-%dT%H:%M:%SZ}",
        destination=destination,
    )
    return 200, HTML, page


def _same(given: object, expected: str) -> bool:
    return isinstance(given, str) and secrets.compare_digest(given, expected)


def _make_token(access_key_id: str, issued: datetime, ends: datetime) -> str:
    payload = f"{access_key_id}|{int(issued.timestamp())}|{int(ends.timestamp())}".encode()
    mac = hmac.new(_TOKEN_KEY, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def _read_token(token: str, now: datetime) -> tuple[str, datetime] | None:
    """(access key id, console session end) for a genuine, unexpired token."""
    payload_part, _, mac_part = token.partition(".")
    try:
        payload = base64.urlsafe_b64decode(payload_part + "=" * (-len(payload_part) % 4))
        mac = base64.urlsafe_b64decode(mac_part + "=" * (-len(mac_part) % 4))
    except ValueError:
        return None
    expected = hmac.new(_TOKEN_KEY, payload, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        return None
    access_key_id, issued, ends = payload.decode().split("|")
    issued_at = datetime.fromtimestamp(int(issued), timezone.utc)
    ends_at = datetime.fromtimestamp(int(ends), timezone.utc)
    if not issued_at <= now < issued_at + SIGNIN_TOKEN_LIFETIME or now >= ends_at:
        return None
    return access_key_id, ends_at


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
