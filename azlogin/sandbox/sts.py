"""The sandbox's AWS STS: AssumeRoleWithSAML, AssumeRole and GetCallerIdentity (Query API).

It answers as strictly as the real service: the assertion's signature, times, audience and
recipient are checked, a role must be both in the assertion and trusted in the scenario,
durations obey MaxSessionDuration and the one-hour role-chaining cap, and calls signed with
issued keys are verified with SigV4. Errors carry AWS's codes and HTTP statuses so botocore
raises the same ``ClientError`` it would against AWS.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone

from azlogin.sandbox.assertion_check import CheckedAssertion, check_for_scenario
from azlogin.sandbox.saml_parse import MAX_ASSERTION_CHARS, RolePair, SamlRejected
from azlogin.sandbox.scenario import Scenario
from azlogin.sandbox.sigv4 import HttpRequest
from azlogin.sandbox.sts_protocol import (
    API_VERSION,
    Fields,
    StsError,
    access_denied,
    duration_seconds,
    error_xml,
    injected_fault,
    required,
    result_xml,
    role_session_name,
    validation_error,
)
from azlogin.sandbox.sts_sessions import IssuedSession, SessionTable

CHAINED_MAX_SECONDS = 3600  # AWS caps role-chained sessions at one hour
MAX_SESSION_TEXT = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
CHAINED_TEXT = (
    "The requested DurationSeconds exceeds the 1 hour session limit"
    " for roles assumed by role chaining."
)
__all__ = ["CHAINED_TEXT", "MAX_SESSION_TEXT", "IssuedSession", "StsService", "utc_now"]

_SHORT_FORMATS = {
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent": "persistent",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient": "transient",
}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


Handler = Callable[[Mapping[str, str], HttpRequest | None], Fields]


class StsService:
    """One STS endpoint over a scenario; thread-safe, so a threaded server may share it."""

    def __init__(
        self,
        scenario: Scenario,
        certificate_pem: bytes,
        acs_url: str,
        clock: Callable[[], datetime] = utc_now,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._scenario = scenario
        self._certificate_pem = certificate_pem
        self._acs_url = acs_url
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()  # guards the fault queue
        self._sessions = SessionTable()
        self._actions: dict[str, Handler] = {
            "AssumeRoleWithSAML": self._assume_role_with_saml,
            "AssumeRole": self._assume_role,
            "GetCallerIdentity": self._get_caller_identity,
        }

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    def now(self) -> datetime:
        return self._clock()

    def handle(
        self, params: Mapping[str, str], request: HttpRequest | None = None
    ) -> tuple[int, str]:
        """Answer one Query-API call: ``params`` is the merged form/query, ``request`` the raw
        request (needed to check the SigV4 signature of AssumeRole and GetCallerIdentity).
        Returns the HTTP status and the XML body (content type ``text/xml``).
        """
        request_id = str(uuid.uuid4())
        try:
            self._misbehave()
            action = params.get("Action", "")
            handler = self._actions.get(action)
            version = params.get("Version", "")
            if handler is None or version != API_VERSION:
                raise StsError(
                    "InvalidAction", f"Could not find operation {action} for version {version}"
                )
            return 200, result_xml(action, handler(params, request), request_id)
        except StsError as error:
            return error.status, error_xml(error, request_id)

    def session_for(self, access_key_id: str) -> IssuedSession | None:
        """The session behind an access key this STS issued (expired ones included)."""
        return self._sessions.get(access_key_id)

    def _misbehave(self) -> None:
        faults = self._scenario.faults
        if faults.sts_delay_seconds > 0:
            self._sleep(faults.sts_delay_seconds)
        with self._lock:
            code = faults.sts_errors.pop(0) if faults.sts_errors else None
        if code is not None:
            raise injected_fault(code)

    # --- AssumeRoleWithSAML -------------------------------------------------------------

    def _assume_role_with_saml(
        self, params: Mapping[str, str], request: HttpRequest | None
    ) -> Fields:
        role_arn = required(params, "RoleArn", "roleArn")
        principal_arn = required(params, "PrincipalArn", "principalArn")
        saml = required(params, "SAMLAssertion", "sAMLAssertion")
        duration = duration_seconds(params)
        if len(saml) > MAX_ASSERTION_CHARS:
            raise validation_error(
                "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy "
                f"constraint: Member must have length less than or equal to {MAX_ASSERTION_CHARS}"
            )
        now = self._clock()
        checked = self._check(saml, now)
        role = self._scenario.role(role_arn)
        if (
            RolePair(role_arn, principal_arn) not in checked.roles
            or role is None
            or role.provider_arn != principal_arn
        ):
            raise access_denied("Not authorized to perform sts:AssumeRoleWithSAML")
        if duration > role.max_session_duration:
            raise validation_error(MAX_SESSION_TEXT)
        expiration = now + timedelta(seconds=duration)
        if checked.session_not_on_or_after is not None:
            if checked.session_not_on_or_after <= now:
                raise StsError(
                    "ExpiredTokenException", "The SAML session (SessionNotOnOrAfter) has ended"
                )
            expiration = min(expiration, checked.session_not_on_or_after)
        session = self._sessions.issue(role.arn, checked.session_name, expiration, chained=False)
        provider_name = principal_arn.rsplit("/", 1)[-1]
        # AWS defines NameQualifier as base64(SHA1(issuer + account id + provider name)).
        qualifier = hashlib.sha1(
            f"{checked.issuer}{role.account_id}{provider_name}".encode(), usedforsecurity=False
        ).digest()
        return {
            "Audience": checked.recipient,
            "AssumedRoleUser": session.assumed_role_fields(),
            "Credentials": session.credentials_fields(),
            "Issuer": checked.issuer,
            "NameQualifier": base64.b64encode(qualifier).decode(),
            "Subject": checked.subject,
            "SubjectType": _SHORT_FORMATS.get(checked.subject_format, checked.subject_format),
        }

    def _check(self, saml: str, now: datetime) -> CheckedAssertion:
        try:
            return check_for_scenario(
                saml,
                self._scenario,
                certificate_pem=self._certificate_pem,
                now=now,
                acs_url=self._acs_url,
            )
        except SamlRejected as rejected:
            raise StsError(rejected.code, rejected.message) from None

    # --- AssumeRole and GetCallerIdentity ----------------------------------------------

    def _assume_role(self, params: Mapping[str, str], request: HttpRequest | None) -> Fields:
        caller = self._sessions.authenticate(request, self._clock())
        role_arn = required(params, "RoleArn", "roleArn")
        session_name = role_session_name(params)
        duration = duration_seconds(params)
        # Every caller here holds role credentials, so every AssumeRole is role chaining.
        if duration > CHAINED_MAX_SECONDS:
            raise validation_error(CHAINED_TEXT)
        target = self._scenario.role(role_arn)
        denied = access_denied(
            f"User: {caller.arn} is not authorized to perform: sts:AssumeRole"
            f" on resource: {role_arn}"
        )
        if target is None or caller.role_arn not in target.trusted_role_arns:
            raise denied
        if target.external_id is not None and params.get("ExternalId") != target.external_id:
            raise denied
        if duration > target.max_session_duration:
            raise validation_error(MAX_SESSION_TEXT)
        expiration = self._clock() + timedelta(seconds=duration)
        session = self._sessions.issue(target.arn, session_name, expiration, chained=True)
        return {
            "Credentials": session.credentials_fields(),
            "AssumedRoleUser": session.assumed_role_fields(),
        }

    def _get_caller_identity(
        self, params: Mapping[str, str], request: HttpRequest | None
    ) -> Fields:
        session = self._sessions.authenticate(request, self._clock())
        return {
            "Arn": session.arn,
            "UserId": session.assumed_role_id,
            "Account": session.account_id,
        }
