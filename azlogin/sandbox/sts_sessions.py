"""The credentials the sandbox STS has issued, and who is calling with them.

Signed calls (AssumeRole, GetCallerIdentity) are checked like real STS checks them: the key
must be one we issued, the session token must match byte for byte, the session must not
have expired, and the SigV4 signature must verify with the issued secret.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from azlogin.sandbox.sigv4 import (
    HttpRequest,
    MalformedAuthorization,
    parse_authorization,
    signature_matches,
)
from azlogin.sandbox.sts_protocol import Fields, StsError

_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)


@dataclass(frozen=True)
class IssuedSession:
    """Temporary credentials this STS handed out, and whose session they belong to."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime
    role_arn: str
    session_name: str
    chained: bool  # obtained by AssumeRole with role credentials

    @property
    def account_id(self) -> str:
        return self.role_arn.split(":")[4]

    @property
    def role_name(self) -> str:
        # Assumed-role ARNs drop the role's path: role/team/dev/Name -> assumed-role/Name/…
        return self.role_arn.rsplit("/", 1)[-1]

    @property
    def arn(self) -> str:
        partition = self.role_arn.split(":")[1]
        role_part = f"assumed-role/{self.role_name}/{self.session_name}"
        return f"arn:{partition}:sts::{self.account_id}:{role_part}"

    @property
    def assumed_role_id(self) -> str:
        digest = base64.b32encode(hashlib.sha256(self.role_arn.encode()).digest()).decode()
        return f"AROA{digest[:17]}:{self.session_name}"

    def credentials_fields(self) -> Fields:
        return {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "SessionToken": self.session_token,
            "Expiration": f"{self.expiration:%Y-%m-%dT%H:%M:%SZ}",
        }

    def assumed_role_fields(self) -> Fields:
        return {"AssumedRoleId": self.assumed_role_id, "Arn": self.arn}


class SessionTable:
    """Issued sessions by access key id; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, IssuedSession] = {}

    def issue(
        self, role_arn: str, session_name: str, expiration: datetime, *, chained: bool
    ) -> IssuedSession:
        session = IssuedSession(
            access_key_id="ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
            secret_access_key=base64.b64encode(secrets.token_bytes(30)).decode(),
            # Real tokens are long base64 with "+", "/" and "=" padding; so are these, so
            # clients that quote, split or escape them break here as they would on AWS.
            session_token=base64.b64encode(b"sandbox" + secrets.token_bytes(301)).decode(),
            expiration=expiration.astimezone(timezone.utc).replace(microsecond=0),
            role_arn=role_arn,
            session_name=session_name,
            chained=chained,
        )
        with self._lock:
            self._sessions[session.access_key_id] = session
        return session

    def get(self, access_key_id: str) -> IssuedSession | None:
        with self._lock:
            return self._sessions.get(access_key_id)

    def authenticate(self, request: HttpRequest | None, now: datetime) -> IssuedSession:
        """The caller's session, or the StsError real STS would answer."""
        try:
            auth = parse_authorization(request) if request is not None else None
        except MalformedAuthorization as error:
            raise StsError("IncompleteSignature", str(error)) from None
        if auth is None or request is None:
            raise StsError(
                "MissingAuthenticationToken", "Request is missing Authentication Token", 403
            )
        session = self.get(auth.access_key_id)
        token = request.header("X-Amz-Security-Token") or ""
        if session is None or not secrets.compare_digest(token, session.session_token):
            raise StsError(
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
                403,
            )
        if session.expiration <= now:
            raise StsError(
                "ExpiredToken", "The security token included in the request is expired", 403
            )
        if not signature_matches(request, auth, session.secret_access_key):
            raise StsError("SignatureDoesNotMatch", _SIGNATURE_MISMATCH, 403)
        return session
