"""Chained profiles: ``role_arn`` + ``source_profile`` hops from a root profile, assumed in turn.

Resolution is pure and follows botocore: the requested profile's ``role_arn`` wins over
static keys, but a *source* profile with static keys is used as they are (which is how
``source_profile`` may name the profile itself). An azure profile is always a root: azlogin
signs it in. AWS caps every role-chained session at one hour, so longer requests are
capped here rather than refused there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from . import sts_guard
from .awsfiles import config_section, display
from .errors import AwsError, ConfigError, PromptRequired
from .models import Credentials
from .profiles import find_section
from .sts_errors import sts_failures, translate

if TYPE_CHECKING:
    from .sts import StsApi

log = logging.getLogger(__name__)

CHAINED_MAX_SECONDS = 3600  # AWS's cap for sessions assumed with role credentials
MIN_SECONDS, MAX_SECONDS = 900, 43200
_STATIC_KEYS = ("aws_access_key_id", "aws_secret_access_key")
_PARTITION_REGIONS = {"aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}

# AWS error code -> what it usually means for an AssumeRole hop.
HINTS: Mapping[str, str] = {
    "AccessDenied": "Check the target role's trust policy (it must trust the source role) "
    "and external_id (it must match the trust policy's sts:ExternalId).",
    "ExpiredToken": "The source credentials expired; sign in again.",
    "InvalidClientTokenId": "AWS does not know the source credentials; sign in again.",
    "ValidationError": "Check role_arn, role_session_name and duration_seconds.",
}


@dataclass(frozen=True)
class Hop:
    """One AssumeRole step: the profile's ``role_arn`` and the settings that go with it."""

    profile: str
    role_arn: str
    external_id: str | None
    session_name: str | None
    duration_seconds: int | None
    region: str | None
    mfa_serial: str | None


@dataclass(frozen=True)
class ChainResult:
    credentials: Credentials
    notes: tuple[str, ...]  # things the user should be told (a capped duration)
    capped: bool  # some hop asked for more than AWS allows a chained session
    chained: bool  # the credentials are role-chained: the console refuses SessionDuration


def _has_static_keys(section: Mapping[str, str] | None) -> bool:
    return section is not None and all(section.get(key) for key in _STATIC_KEYS)


def _hop(name: str, section: Mapping[str, str], where: str) -> Hop:
    text = section.get("duration_seconds")
    duration = None
    if text:
        if not text.strip().isdigit() or not MIN_SECONDS <= int(text) <= MAX_SECONDS:
            raise ConfigError(
                f"{where}: duration_seconds = {text} is not a number of seconds "
                f"from {MIN_SECONDS} to {MAX_SECONDS}.",
                "Fix or remove the key (AWS allows chained sessions one hour at most).",
            )
        duration = int(text)
    return Hop(
        profile=name,
        role_arn=section["role_arn"],
        external_id=section.get("external_id") or None,
        session_name=section.get("role_session_name") or None,
        duration_seconds=duration,
        region=section.get("region") or None,
        mfa_serial=section.get("mfa_serial") or None,
    )


def _source_profile(section: Mapping[str, str], where: str) -> str:
    """The profile whose credentials assume the role of ``section`` (which has a role_arn)."""
    source = section.get("source_profile")
    if section.get("credential_source"):
        raise ConfigError(
            f"{where}: credential_source is not supported by azlogin.",
            "Use source_profile = <an azure profile>, or let the AWS CLI assume this role.",
        )
    if not source:
        raise ConfigError(
            f"{where}: role_arn = {section['role_arn']} has no source_profile.",
            "Add source_profile = <the profile whose credentials assume this role>.",
        )
    return source.strip()


def resolve_chain(
    profile: str,
    sections: Mapping[str, dict[str, str]],
    is_azure: Callable[[dict[str, str]], bool],
    config_file: Path,
    credentials_sections: Mapping[str, dict[str, str]] | None = None,
) -> tuple[str, list[Hop]]:
    """The root profile and the hops from it out to ``profile``.

    ``sections`` are the config file's; ``credentials_sections`` (the credentials file's,
    keyed by bare profile name) let a source profile with only static keys there be a root.
    A root is an azure profile, a profile with static keys, or any profile without
    ``role_arn`` that exists (the AWS CLI resolves it: SSO, credential_process…).
    """
    creds = credentials_sections or {}
    file = display(config_file)
    hops: list[Hop] = []
    seen: list[str] = []
    name = profile
    while True:
        section = find_section(sections, name)
        where = f"[{config_section(name)}] in {file}"
        is_source = bool(seen)
        if section is not None and is_azure(section):
            break
        if is_source and (_has_static_keys(section) or _has_static_keys(creds.get(name))):
            break
        if name in seen:
            cycle = " -> ".join([*seen[seen.index(name) :], name])
            raise ConfigError(
                f"Profiles {cycle} form a cycle through source_profile in {file}.",
                "Point one of them at a profile that signs in (an azure profile).",
            )
        if section is None or not section.get("role_arn"):
            if section is None and name not in creds:
                if not is_source:
                    raise ConfigError(
                        f"There is no profile {name!r} in {file}.",
                        f"Add [{config_section(name)}] with role_arn and source_profile.",
                    )
                raise ConfigError(
                    f"[{config_section(seen[-1])}] in {file}: source_profile = {name} "
                    "names a profile that does not exist.",
                    f"Add [{config_section(name)}] or fix source_profile.",
                )
            break
        source = _source_profile(section, where)
        hops.append(_hop(name, section, where))
        seen.append(name)
        name = source
    hops.reverse()
    log.debug("chain: %s", " -> ".join([name, *(hop.profile for hop in hops)]))
    return name, hops


def signed_client(
    creds: Credentials, region: str | None, verify: bool = True, profile_name: str | None = None
) -> StsApi:
    """An STS client signing with ``creds``; the endpoint is boto3's choice (see :mod:`sts`).

    ``profile_name`` lets boto3 read that profile's ``services`` endpoint overrides, as the
    AWS CLI would; the explicit keys still win over anything the profile would resolve.
    """
    import boto3

    if not verify:
        sts_guard.quiet_unverified_tls()
    from botocore.session import Session as CoreSession

    core = CoreSession()
    from .sts import without_credentials_file

    without_credentials_file(core)
    session = boto3.session.Session(
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        profile_name=profile_name,
        botocore_session=core,
    )
    client = session.client(
        "sts",
        region_name=region or session.region_name or "us-east-1",
        config=sts_guard.botocore_config(unsigned=False),
        verify=verify,
    )
    sts_guard.guard(client)  # the same answer checks, timeouts and retries as AssumeRoleWithSAML
    return cast("StsApi", client)


def _session_name(hop: Hop, now: datetime) -> str:
    return hop.session_name or f"azlogin-{int(now.timestamp())}"


def _region(hop: Hop) -> str | None:
    partition = hop.role_arn.split(":")[1] if hop.role_arn.count(":") >= 5 else "aws"
    return hop.region or _PARTITION_REGIONS.get(partition)


def _error(exc: Exception, hop: Hop, source: Credentials) -> AwsError:
    hide = (source.secret_access_key, source.session_token)
    error = translate(exc, "AssumeRole", hop.role_arn, hide=hide)
    hint = HINTS.get(error.code, error.hint)
    return AwsError(f"{error.message} (profile {hop.profile})", hint, code=error.code)


def assume_chain(
    source: Credentials,
    hops: Sequence[Hop],
    make_client: Callable[[Credentials, str | None], StsApi],
    ask_mfa: Callable[[str], str] | None,
    now: datetime,
    *,
    source_is_role: bool = True,
) -> ChainResult:
    """Assume each hop with the previous hop's credentials, starting from ``source``.

    ``source_is_role`` says ``source`` came from a role (an azure sign-in): then even the
    first hop is role chaining. From an IAM user's keys the first hop is not, and may last
    as long as the role allows.
    """
    failures = sts_failures()
    creds, notes, capped = source, [], False
    for index, hop in enumerate(hops):
        chained = source_is_role or index > 0
        params: dict[str, str | int] = {
            "RoleArn": hop.role_arn,
            "RoleSessionName": _session_name(hop, now),
        }
        duration = hop.duration_seconds
        if duration is not None and chained and duration > CHAINED_MAX_SECONDS:
            notes.append(
                f"[profile {hop.profile}] asks for {duration} s; AWS caps role-chained "
                f"sessions at one hour, so it lasts {CHAINED_MAX_SECONDS} s."
            )
            duration, capped = CHAINED_MAX_SECONDS, True
        if duration is not None:
            params["DurationSeconds"] = duration
        if hop.external_id:
            params["ExternalId"] = hop.external_id
        if hop.mfa_serial:
            if ask_mfa is None:
                raise PromptRequired(
                    f"[profile {hop.profile}] needs an MFA code for {hop.mfa_serial}, "
                    "and azlogin cannot ask for one here.",
                    "Run the command in a terminal.",
                )
            params["SerialNumber"] = hop.mfa_serial
            params["TokenCode"] = ask_mfa(hop.mfa_serial).strip()
        log.debug("chain: AssumeRole %s for profile %s", hop.role_arn, hop.profile)
        failure: AwsError | None = None
        named = f"{hop.role_arn} (profile {hop.profile})"
        with sts_guard.watched_call(None, lambda: now, action="AssumeRole", role_arn=named):
            try:
                response = make_client(creds, _region(hop)).assume_role(**params)
            except failures as exc:
                failure = _error(exc, hop, creds)
            else:
                creds = sts_guard.credentials_of(response)  # checked: refused ones raise AwsError
        if failure is not None:
            raise failure  # outside ``except``: the answer in botocore's error stays behind
    is_chained = bool(hops) and (source_is_role or len(hops) > 1)
    return ChainResult(creds, tuple(notes), capped, is_chained)
