"""Check AWS Signature Version 4 on requests made with keys the sandbox STS issued.

Real STS recomputes the signature with the caller's secret, so a mangled secret (a quoted
value in ~/.aws/credentials, a truncated copy) fails there; the sandbox does the same so
such bugs fail in tests too. Only the Authorization-header form is supported: it is the one
botocore uses for STS.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

ALGORITHM = "AWS4-HMAC-SHA256"
_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<headers>[^,\s]+)\s*,\s*Signature=(?P<signature>[0-9a-f]{64})\s*"
)


@dataclass(frozen=True)
class HttpRequest:
    """What the client signed: the request as it arrived, before any parsing."""

    method: str
    path: str  # as requested, e.g. "/" or "/sts/" when mounted under a prefix
    query: str  # raw query string, without "?"
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True)
class Authorization:
    access_key_id: str
    scope: str  # date/region/service/aws4_request
    signed_headers: tuple[str, ...]
    signature: str


class MalformedAuthorization(ValueError):
    """The Authorization header is not a SigV4 header we can read."""


def parse_authorization(request: HttpRequest) -> Authorization | None:
    """The SigV4 fields of the Authorization header; None when the request is unsigned."""
    header = request.header("Authorization")
    if header is None:
        return None
    match = _AUTH.fullmatch(header.strip())
    if match is None:
        raise MalformedAuthorization("Authorization header is not AWS4-HMAC-SHA256")
    access_key_id, _, scope = match["credential"].partition("/")
    scope_parts = scope.split("/")
    if len(scope_parts) != 4 or scope_parts[3] != "aws4_request" or not access_key_id:
        raise MalformedAuthorization("Credential must be AKID/date/region/service/aws4_request")
    return Authorization(
        access_key_id=access_key_id,
        scope=scope,
        signed_headers=tuple(match["headers"].split(";")),
        signature=match["signature"],
    )


def signature_matches(request: HttpRequest, auth: Authorization, secret_access_key: str) -> bool:
    """Recompute the signature with ``secret_access_key`` and compare in constant time."""
    amz_date = request.header("X-Amz-Date")
    if amz_date is None or "host" not in auth.signed_headers:
        return False
    date, region, service, _ = auth.scope.split("/")
    if not amz_date.startswith(date):
        return False
    canonical = _canonical_request(request, auth.signed_headers)
    if canonical is None:
        return False
    string_to_sign = "\n".join(
        [ALGORITHM, amz_date, auth.scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = _hmac(f"AWS4{secret_access_key}".encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, auth.signature)


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _canonical_request(request: HttpRequest, signed_headers: tuple[str, ...]) -> str | None:
    lines: list[str] = []
    for name in signed_headers:
        value = request.header(name)
        if value is None:
            return None
        lines.append(f"{name}:{' '.join(value.split())}")
    query = sorted(
        (quote(k, safe="-_.~"), quote(v, safe="-_.~"))
        for k, v in parse_qsl(request.query, keep_blank_values=True)
    )
    return "\n".join(
        [
            request.method.upper(),
            quote(request.path or "/", safe="/~"),
            "&".join(f"{k}={v}" for k, v in query),
            "\n".join(lines) + "\n",
            ";".join(signed_headers),
            hashlib.sha256(request.body).hexdigest(),
        ]
    )
