"""AssumeRoleWithSAML and AssumeRole through boto3; botocore errors become ours.

boto3 is imported inside the functions: the refresh check must not pay for it. The
endpoint is boto3's choice (region, ``AWS_ENDPOINT_URL_STS``, the profile's ``services``),
so tests point it at a local STS without any code path of ours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timezone
from typing import TYPE_CHECKING, Any, Protocol

from .errors import AwsError
from .models import Credentials, Role

if TYPE_CHECKING:
    from mypy_boto3_sts import STSClient

# Durations tried, longest first, when AWS says the request exceeds MaxSessionDuration.
STEP_DOWN_SECONDS = (43200, 28800, 14400, 7200, 3600)

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
    "ValidationError": "Check the requested duration and role.",
    "MalformedPolicyDocument": "The session policy is not valid.",
}


class StsApi(Protocol):
    """The two calls azlogin makes; the boto3 client satisfies it."""

    def assume_role_with_saml(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def assume_role(self, **kwargs: Any) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Grant:
    credentials: Credentials
    duration_seconds: int  # what was asked and accepted
    requested_seconds: int


def client(region: str | None, profile_name: str | None = None, verify: bool = True) -> STSClient:
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    # AssumeRoleWithSAML needs no AWS credentials; UNSIGNED stops botocore from looking.
    config = Config(signature_version=UNSIGNED, retries={"mode": "standard", "max_attempts": 4})
    session = boto3.session.Session(profile_name=profile_name)
    return session.client(
        "sts",
        region_name=region or session.region_name or "us-east-1",
        config=config,
        verify=verify,
    )


def translate(exc: Exception, action: str, role_arn: str) -> AwsError:
    """A botocore error as an AwsError with a hint; never includes request parameters."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        message = str(error.get("Message", "")).strip()
        return AwsError(
            f"STS {action} for {role_arn} failed: {code}: {message}".rstrip(": "),
            HINTS.get(code, "See the AWS error above."),
            code=code,
        )
    if isinstance(exc, BotoCoreError):
        return AwsError(
            f"STS {action} for {role_arn} failed: {exc}",
            "Check the network, proxy settings (HTTPS_PROXY) and the region.",
        )
    raise exc


def _credentials(response: Mapping[str, Any]) -> Credentials:
    raw = response["Credentials"]
    return Credentials(
        access_key_id=raw["AccessKeyId"],
        secret_access_key=raw["SecretAccessKey"],
        session_token=raw["SessionToken"],
        expiration=raw["Expiration"].astimezone(timezone.utc),
    )


def _exceeds_max_duration(exc: Exception) -> bool:
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError):
        return False
    error = exc.response.get("Error", {})
    return error.get("Code") == "ValidationError" and "MaxSessionDuration" in str(
        error.get("Message", "")
    )


def durations_to_try(requested: int) -> list[int]:
    """The requested duration, then shorter standard ones down to one hour."""
    return [requested] + [d for d in STEP_DOWN_SECONDS if d < requested]


def assume_role_with_saml(
    api: StsApi,
    role: Role,
    assertion: str,
    duration_seconds: int,
    on_step_down: Callable[[int, int], None] | None = None,
) -> Grant:
    """Assume ``role``; when the role allows less than asked, retry shorter."""
    from botocore.exceptions import BotoCoreError, ClientError

    attempts = durations_to_try(duration_seconds)
    for index, seconds in enumerate(attempts):
        try:
            response = api.assume_role_with_saml(
                RoleArn=role.role_arn,
                PrincipalArn=role.principal_arn,
                SAMLAssertion=assertion,  # exactly as posted: re-encoding can break the signature
                DurationSeconds=seconds,
            )
        except (ClientError, BotoCoreError) as exc:
            if _exceeds_max_duration(exc) and index + 1 < len(attempts):
                if on_step_down:
                    on_step_down(seconds, attempts[index + 1])
                continue
            raise translate(exc, "AssumeRoleWithSAML", role.role_arn) from None
        return Grant(_credentials(response), seconds, duration_seconds)
    raise AssertionError("unreachable")  # pragma: no cover
