"""AssumeRoleWithSAML through botocore (boto3's core): the STS clients azlogin builds, and
the call, stepped down to what the role allows.

botocore is imported inside the functions: the refresh check must not pay for it. The
endpoint is botocore's choice (region, ``AWS_ENDPOINT_URL_STS``, the profile's ``services``),
so tests point it at a local STS without any code path of ours.

Every client is guarded (:mod:`sts_guard`): its answers are checked before botocore parses
them (:mod:`sts_answers`), its retries stop at the assertion's end, and a hostile answer
ends as one :class:`AwsError` (:mod:`sts_errors`) naming the action, the role and the HTTP
status — never a traceback, never a byte of the answer, never a written file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import urlsplit

from . import sts_guard
from .errors import AwsError
from .models import Credentials, Role
from .sts_errors import out_of_time, sts_failures, translate

if TYPE_CHECKING:
    from mypy_boto3_sts import STSClient

# Durations tried, longest first, when AWS says the request exceeds MaxSessionDuration.
STEP_DOWN_SECONDS = (43200, 28800, 14400, 7200, 3600)
ACTION = "AssumeRoleWithSAML"


class StsApi(Protocol):
    """The two calls azlogin makes; the boto3 client satisfies it."""

    def assume_role_with_saml(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def assume_role(self, **kwargs: Any) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Grant:
    credentials: Credentials
    duration_seconds: int  # what was asked and accepted


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
    from botocore.session import Session

    config = sts_guard.botocore_config(unsigned=True)
    if not verify:
        sts_guard.quiet_unverified_tls()
    session = Session(profile=profile_name)
    without_credentials_file(session)
    if loader is not None:
        session.register_component("data_loader", loader)
    made = session.create_client(
        "sts",
        region_name=region or session.get_config_variable("region") or "us-east-1",
        config=config,
        verify=verify,
    )
    sts_guard.guard(made)
    return cast("STSClient", made)


# Profile keys that cannot change an unsigned STS client: azlogin's own (botocore never
# reads them) and credential_process (credentials, which an unsigned client never
# resolves). Two profiles differing only in these share a client.
OWN_KEY_PREFIXES = ("azure_", "azlogin_")
CREDENTIAL_ONLY_KEYS = frozenset({"credential_process"})


def without_credentials_file(session: Any) -> None:
    """Keep botocore from parsing ~/.aws/credentials for an STS client of ours.

    botocore reads the whole credentials file to learn its profile names when a session
    first looks at its configuration; an unsigned client needs no credentials and a
    signed one is handed its keys, and azlogin has read that file already. With a 50 MB
    file botocore's parse took seconds; with any file it is work done twice.
    """
    session.set_config_variable("credentials_file", os.devnull)


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


def durations_to_try(requested: int) -> list[int]:
    """The requested duration, then shorter standard ones down to one hour."""
    return [requested] + [d for d in STEP_DOWN_SECONDS if d < requested]


def endpoint_name(api: object) -> str:
    """The host (and port) ``api`` talks to, for messages; "STS" when it cannot say."""
    url = getattr(getattr(api, "meta", None), "endpoint_url", None)
    return (urlsplit(url).netloc or "STS") if isinstance(url, str) else "STS"


def _exceeds_max_duration(exc: Exception) -> bool:
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError):
        return False
    error = exc.response.get("Error", {})
    return error.get("Code") == "ValidationError" and "MaxSessionDuration" in str(
        error.get("Message", "")
    )


def _failure(
    exc: Exception,
    call: sts_guard.CallState,
    deadline: datetime | None,
    role: Role,
    assertion: str,
    can_step_down: bool,
) -> AwsError | None:
    """The error ``exc`` ends the call with, or None: try the next, shorter duration."""
    if call.out_of_time and deadline is not None:
        return out_of_time(ACTION, role.role_arn, deadline, call.attempts)
    if _exceeds_max_duration(exc) and can_step_down:
        return None
    return translate(exc, ACTION, role.role_arn, hide=(assertion,))


def assume_role_with_saml(
    api: StsApi,
    role: Role,
    assertion: str,
    duration_seconds: int,
    on_step_down: Callable[[int, int], None] | None = None,
    *,
    deadline: datetime | None = None,
    now: Callable[[], datetime] | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Grant:
    """Assume ``role``; when the role allows less than asked, retry shorter.

    ``deadline``, the assertion's NotOnOrAfter: once past, no retry and no shorter duration
    is tried (the first call always is: STS judges the assertion by its own clock).
    ``on_wait`` is told once, with a line to show, when STS has not answered after
    WAIT_NOTICE_SECONDS. ``now`` is the clock (tests pass a fake one).
    """
    clock = now or (lambda: datetime.now(timezone.utc))
    told: list[bool] = []

    def tell() -> None:
        if on_wait is not None and not told:
            told.append(True)
            on_wait(f"Waiting for STS ({endpoint_name(api)})…")

    failures = sts_failures()
    attempts = durations_to_try(duration_seconds)
    for index, seconds in enumerate(attempts):
        if index and deadline is not None and clock() >= deadline:
            raise out_of_time(ACTION, role.role_arn, deadline, index)
        notice = tell if on_wait and not told else None
        with sts_guard.watched_call(
            deadline, clock, notice, action=ACTION, role_arn=role.role_arn
        ) as call:
            try:
                response = api.assume_role_with_saml(
                    RoleArn=role.role_arn,
                    PrincipalArn=role.principal_arn,
                    # Exactly as posted: re-encoding can break the signature.
                    SAMLAssertion=assertion,
                    DurationSeconds=seconds,
                )
            except failures as exc:
                can_step_down = index + 1 < len(attempts)
                failure = _failure(exc, call, deadline, role, assertion, can_step_down)
                if failure is None:
                    if on_step_down:
                        on_step_down(seconds, attempts[index + 1])
                    continue
            else:
                return Grant(sts_guard.credentials_of(response), seconds)
        raise failure  # outside ``except``: the answer in botocore's error stays behind
    raise AssertionError("unreachable")  # pragma: no cover
