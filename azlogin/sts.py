"""AssumeRoleWithSAML and AssumeRole through botocore (boto3's core); its errors become ours.

botocore is imported inside the functions: the refresh check must not pay for it. The
endpoint is botocore's choice (region, ``AWS_ENDPOINT_URL_STS``, the profile's ``services``),
so tests point it at a local STS without any code path of ours.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timezone
from typing import TYPE_CHECKING, Any, Protocol, cast

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
    "ThrottlingException": "AWS is throttling requests; wait a moment and try again.",
    "RequestLimitExceeded": "AWS is throttling requests; wait a moment and try again.",
    "ServiceUnavailable": "STS had a temporary failure; try again in a moment.",
    "InternalFailure": "STS had a temporary failure; try again in a moment.",
    "InternalError": "STS had a temporary failure; try again in a moment.",
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


def quiet_unverified_tls() -> None:
    """--no-verify-ssl: azlogin has said so once; urllib3 would add a two-line Python warning
    naming its own source file, which reads like a crash."""
    import warnings

    from urllib3.exceptions import InsecureRequestWarning

    warnings.filterwarnings("ignore", category=InsecureRequestWarning)


def client(
    region: str | None,
    profile_name: str | None = None,
    verify: bool = True,
    loader: object | None = None,
) -> STSClient:
    """An STS client for ``profile_name``'s endpoint settings (its ``services``, ``ca_bundle``…).

    ``loader``, a botocore data loader, lets clients share the service model, endpoint
    rules and partitions that each new session would otherwise read and parse again.
    botocore directly, not boto3: a boto3 session adds nothing for STS but its imports.
    """
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.session import Session

    # AssumeRoleWithSAML needs no AWS credentials; UNSIGNED stops botocore from looking.
    config = Config(signature_version=UNSIGNED, retries={"mode": "standard", "max_attempts": 4})
    if not verify:
        quiet_unverified_tls()
    session = Session(profile=profile_name)
    if loader is not None:
        session.register_component("data_loader", loader)
    made = session.create_client(
        "sts",
        region_name=region or session.get_config_variable("region") or "us-east-1",
        config=config,
        verify=verify,
    )
    return cast("STSClient", made)


# Profile keys that cannot change an unsigned STS client: azlogin's own (botocore never
# reads them) and credential_process (credentials, which an unsigned client never
# resolves). Two profiles differing only in these share a client.
OWN_KEY_PREFIXES = ("azure_", "azlogin_")
CREDENTIAL_ONLY_KEYS = frozenset({"credential_process"})


class ClientCache:
    """STS clients shared by the profiles whose settings botocore resolves the same way.

    A new botocore session loads the STS model, endpoint rules and partitions again
    (tens of milliseconds and megabytes each), so ``--all-profiles`` with 20 profiles spent
    most of its time and memory building 20 identical clients. Profiles whose sections
    hold the same botocore keys (``region``, ``services``, ``ca_bundle``…; everything but
    azlogin's own) get the same endpoint from botocore, so they share a client, which is
    thread-safe; a profile with other settings gets its own, from the shared data loader.
    """

    def __init__(self, make: Callable[..., STSClient] | None = None) -> None:
        self._make = make  # None: this module's ``client``, looked up when a client is built
        self._lock = threading.Lock()  # guards the two fields below
        self._entries: dict[tuple[object, ...], _Entry] = {}
        self._loader: object | None = None

    def get(
        self,
        region: str | None,
        profile_name: str | None,
        verify: bool,
        section: Mapping[str, str] | None = None,
    ) -> STSClient:
        """The client for a profile (``section``: its keys in ~/.aws/config, if it has one)."""
        own = None
        if profile_name is not None:
            own = tuple(
                sorted(
                    (k, v)
                    for k, v in (section or {}).items()
                    if not k.startswith(OWN_KEY_PREFIXES) and k not in CREDENTIAL_ONLY_KEYS
                )
            )
        with self._lock:
            entry = self._entries.setdefault((region, verify, own), _Entry())
            loader = self._shared_loader(own)
        # One build per settings; profiles with other settings build theirs meanwhile.
        with entry.lock:
            if entry.client is None:
                make = self._make or client
                entry.client = make(region, profile_name, verify, loader)
            return entry.client

    def _shared_loader(self, own: tuple[tuple[str, str], ...] | None) -> object | None:
        if own is not None and any(k == "data_path" for k, _ in own):
            return None  # a profile with its own model directory loads its own models
        if self._loader is None:
            from botocore.loaders import create_loader

            # What each session would build for itself: AWS_DATA_PATH is botocore's own
            # reading of the process environment.
            self._loader = create_loader(os.environ.get("AWS_DATA_PATH"))
        return self._loader


class _Entry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.client: STSClient | None = None


def translate(exc: Exception, action: str, role_arn: str) -> AwsError:
    """A botocore error as an AwsError with a hint; never includes request parameters."""
    from botocore.exceptions import BotoCoreError, ClientError, SSLError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        message = str(error.get("Message", "")).strip()
        # botocore's standard retry mode already retried throttling and 5xx answers.
        retries = int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts") or 0)
        tries = f" ({retries + 1} attempts)" if retries else ""
        return AwsError(
            f"STS {action} for {role_arn} failed: {code}: {message}".rstrip(": ") + tries,
            HINTS.get(code, "See the AWS error above."),
            code=code,
        )
    if isinstance(exc, SSLError):
        return AwsError(
            f"STS {action} for {role_arn} failed: {exc}",
            "The endpoint's TLS certificate is not trusted. If your network inspects TLS, "
            "point AWS_CA_BUNDLE (or the profile's ca_bundle) at the proxy's CA certificate; "
            "--no-verify-ssl skips the check (testing only).",
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
