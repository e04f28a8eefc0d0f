"""STS failures as azlogin's errors: botocore's exceptions, refused answers and running out
of time each become one :class:`AwsError` naming the action, the role and a fix.

Never included: request parameters, or any answer but the code and message of an STS
error (botocore's parse errors hold the whole answer: only the HTTP status is told).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .errors import AwsError
from .sts_answers import NOT_STS_HINT, UnexpectedAnswer
from .sts_guard import in_progress

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

SLOW_HINT = (
    "STS did not answer in time: check HTTPS_PROXY / the network and AWS_ENDPOINT_URL_STS, "
    "then sign in again (a new assertion is needed)."
)

# AWS error code -> what it usually means for an azlogin user.
HINTS: Mapping[str, str] = {
    "AccessDenied": "The role's trust policy does not allow this SAML provider, or the "
    "provider ARN in the Entra app's Role claim is wrong.",
    "InvalidIdentityToken": "AWS rejected the assertion: check the SAML provider's metadata in "
    "IAM matches the Entra app's certificate, and azure_app_id_uri.",
    "ExpiredTokenException": "The assertion expired before AWS saw it; check the computer's "
    "clock and sign in again.",
    "IDPRejectedClaim": "AWS rejected a claim of the assertion (e.g. RoleSessionName).",
    "RegionDisabledException": "STS is not enabled in this region: set region to an enabled "
    "one or enable it in the account settings.",
    "Throttling": "AWS is throttling requests; wait a moment and try again.",
    "ThrottlingException": "AWS is throttling requests; wait a moment and try again.",
    "RequestLimitExceeded": "AWS is throttling requests; wait a moment and try again.",
    "ServiceUnavailable": "STS had a temporary failure; try again in a moment.",
    "InternalFailure": "STS had a temporary failure; try again in a moment.",
    "InternalError": "STS had a temporary failure; try again in a moment.",
    "ValidationError": "Check the requested duration and role.",
    "MalformedPolicyDocument": "The session policy is not valid.",
}

# What botocore's parser raises on answers that pass answer_problem yet hold nonsense
# (an Expiration of "soon" is a ValueError, one of 10**20 seconds a RuntimeError).
_PARSE_FAILURES = (ValueError, RuntimeError, OverflowError, KeyError, TypeError, IndexError)


def sts_failures() -> tuple[type[Exception], ...]:
    """What an STS call may raise that :func:`translate` turns into an AwsError."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    return (ClientError, BotoCoreError, ResponseParserError, UnexpectedAnswer, *_PARSE_FAILURES)


def _one_line(text: str, limit: int = 300) -> str:
    """``text`` as one printable line of at most ``limit`` characters."""
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def translate(
    exc: Exception, action: str, role_arn: str, *, hide: tuple[str, ...] = ()
) -> AwsError:
    """A botocore error as an AwsError with a hint; never includes request parameters, nor
    any answer but the code and message of an STS error. ``hide``: secrets that were sent
    (the assertion), masked if an error message echoes them."""
    from botocore.exceptions import BotoCoreError, ClientError, SSLError
    from botocore.parsers import ResponseParserError

    if isinstance(exc, ClientError):
        return _client_error(exc, action, role_arn, hide)
    if isinstance(exc, UnexpectedAnswer):
        return AwsError(
            f"STS {action} for {role_arn} answered HTTP {exc.status} with {exc.problem}, "
            "not an STS response.",
            NOT_STS_HINT,
            code="NotAnStsResponse",
        )
    if isinstance(exc, SSLError):
        return AwsError(
            f"STS {action} for {role_arn} failed: {_one_line(str(exc))}",
            "The endpoint's TLS certificate is not trusted. If your network inspects TLS, "
            "point AWS_CA_BUNDLE (or the profile's ca_bundle) at the proxy's CA certificate; "
            "--no-verify-ssl skips the check (testing only).",
        )
    if isinstance(exc, BotoCoreError):  # no answer: refused, closed, timed out
        tries = f" ({in_progress.attempts} attempts)" if in_progress.attempts > 1 else ""
        return AwsError(
            f"STS {action} for {role_arn} failed: {_one_line(str(exc))}{tries}",
            "Check the network, proxy settings (HTTPS_PROXY), AWS_ENDPOINT_URL_STS and the region.",
        )
    if isinstance(exc, (ResponseParserError, *_PARSE_FAILURES)):
        # botocore's parse error text holds the whole answer: only the status is told.
        status = f" HTTP {in_progress.status}" if in_progress.status else ""
        return AwsError(
            f"STS {action} for {role_arn} answered{status} with values azlogin could not "
            "read, not an STS response.",
            NOT_STS_HINT,
            code="NotAnStsResponse",
        )
    raise exc


def _client_error(exc: ClientError, action: str, role_arn: str, hide: tuple[str, ...]) -> AwsError:
    """An error STS (or something in its place) answered: its code and one masked line."""
    from .redact import MASK

    error = exc.response.get("Error", {})
    code = str(error.get("Code", "Unknown"))
    code = code if re.fullmatch(r"[\w.:-]{1,64}", code) else "Unknown"
    message = str(error.get("Message", ""))
    for secret in hide:  # before shortening: a cut secret would escape any mask
        message = message.replace(secret, MASK) if secret else message
    message = _one_line(message)
    # botocore's standard retry mode already retried throttling and 5xx answers.
    retries = int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts") or 0)
    tries = f" ({retries + 1} attempts)" if retries else ""
    if code.isdigit():  # a bare HTTP error: a 5xx page of STS or a proxy, emptied before parse
        return AwsError(
            f"STS {action} for {role_arn} failed: HTTP {code} {message}".rstrip() + tries,
            f"STS, or a proxy in front of it, failed with HTTP {code}; try again in a "
            "moment. If it persists, check HTTPS_PROXY / the network and "
            "AWS_ENDPOINT_URL_STS.",
            code=code,
        )
    return AwsError(
        f"STS {action} for {role_arn} failed: {code}: {message}".rstrip(": ") + tries,
        HINTS.get(code, "See the AWS error above."),
        code=code,
    )


def out_of_time(action: str, role_arn: str, deadline: datetime, attempts: int) -> AwsError:
    """The assertion expired (``deadline``) before STS answered; no retry was started."""
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    return AwsError(
        f"The SAML assertion expired (at {deadline.astimezone(timezone.utc):%H:%M:%SZ}) while "
        f"waiting for STS {action} for {role_arn}{tries}; nothing was written.",
        SLOW_HINT,
        code="AssertionExpired",
    )
