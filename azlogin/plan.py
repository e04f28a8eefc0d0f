"""Resolve the requested profiles once into plans, and check every plan before anything happens.

A plan says how a profile gets its credentials: :class:`Reuse` (still valid in the store),
:class:`SignIn` (through Entra; plans of one identity share one sign-in) or :class:`Chain`
(AssumeRole hops on top of a root profile's credentials). Each file is read once per run
(:class:`Files`). :func:`check` then refuses, before any prompt, browser or network call,
what would otherwise fail after the person typed a password and approved MFA: a profile
botocore cannot find, an invalid region, a credentials file that cannot be written.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import awsfiles, credentials, names, profiles
from .errors import ConfigError
from .models import Credentials, Profile, SignInOptions
from .profiles import BY_FIELD
from .redact import log
from .stores import FileStore

if TYPE_CHECKING:
    from .chain import Hop


@dataclass(frozen=True)
class Request:
    """What the person asked for, as flags say it; the profiles are resolved by the plan."""

    profile: str
    force_refresh: bool = False
    role: str | None = None
    duration_hours: float | None = None
    sign_in: SignInOptions = field(default_factory=SignInOptions)


@dataclass(frozen=True)
class Files:
    """The AWS config and credentials files, each read once for the whole run."""

    config_path: Path
    credentials_path: Path
    config: Mapping[str, dict[str, str]]
    credentials_file: awsfiles.Snapshot  # kept whole: the save reuses it if unchanged

    @property
    def credentials(self) -> Mapping[str, dict[str, str]]:
        return self.credentials_file.sections

    @classmethod
    def read(cls, env: Mapping[str, str]) -> Files:
        config_path = awsfiles.config_path(env)
        credentials_path = awsfiles.credentials_path(env)
        return cls(
            config_path,
            credentials_path,
            awsfiles.read_sections(config_path),
            awsfiles.read_snapshot(credentials_path),
        )

    def section(self, name: str) -> dict[str, str] | None:
        return profiles.find_section(self.config, name)

    def store(self, notify: Callable[[str], None]) -> FileStore:
        """The credentials file as a store, over the copy read here: it is read once."""
        return FileStore(self.credentials_path, notify, self.credentials_file)


@dataclass(frozen=True)
class Reuse:
    name: str
    credentials: Credentials
    region: str | None
    chained: bool
    signin_base: str | None


@dataclass(frozen=True)
class SignIn:
    """Values, not properties: executing a plan never calls back into planning."""

    name: str
    profile: Profile
    section: dict[str, str] | None = field(compare=False)  # its keys in the config file
    botocore_profile: str | None  # the name botocore reads endpoint settings from, if any
    signin_base: str | None
    identity: tuple[str, str, str, str]  # profiles of one identity share one sign-in


def _sign_in_plan(profile: Profile, section: dict[str, str] | None) -> SignIn:
    p = profile
    identity = (
        p.authority_url.lower(),
        p.tenant_id.lower(),
        p.app_id_uri,
        (p.username or "").lower(),
    )
    botocore = p.name if section is not None else None
    return SignIn(p.name, p, section, botocore, origin(p.acs_url), identity)


@dataclass(frozen=True)
class Static:
    """A root profile's own keys (an IAM user, or keys another tool wrote)."""

    name: str
    credentials: Credentials
    is_role: bool  # a session token: the first hop is role chaining too


@dataclass(frozen=True)
class Chain:
    name: str
    region: str | None
    source: Reuse | SignIn | Static
    hops: tuple[Hop, ...]
    signin_base: str | None


Plan = Reuse | SignIn | Chain
Saved = Callable[[str], Credentials | None]


def origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def is_azure(section: Mapping[str, str] | None) -> bool:
    return bool(section and section.get("azure_tenant_id"))


def is_chained(section: Mapping[str, str] | None) -> bool:
    return (
        section is not None
        and not is_azure(section)
        and bool(section.get("role_arn") and section.get("source_profile"))
    )


def _fresh(name: str, saved: Saved, request: Request, now: datetime) -> Credentials | None:
    """The one freshness rule: stored keys are reused while more than 11 minutes remain."""
    if request.force_refresh:
        return None
    existing = saved(name)
    if existing is not None and credentials.still_valid(existing.expiration, now):
        return existing
    return None


def plan_profile(
    name: str, request: Request, files: Files, env: Mapping[str, str], saved: Saved, now: datetime
) -> Plan:
    """How ``name`` gets its credentials."""
    names.validate(name, "profile")
    section = files.section(name)
    if is_chained(section):
        return _plan_chain(name, request, files, env, saved, now)
    profile = profiles.load_profile(
        name,
        env,
        files.config_path,
        sections=files.config,
        role=request.role,
        duration_hours=request.duration_hours,
    )
    for line in profiles.describe_sources(profile):
        log.debug("setting %s", line)
    existing = _fresh(name, saved, request, now)
    if existing is not None:
        return Reuse(name, existing, profile.region, False, origin(profile.acs_url))
    return _sign_in_plan(profile, section)


def _plan_chain(
    name: str, request: Request, files: Files, env: Mapping[str, str], saved: Saved, now: datetime
) -> Plan:
    from .chain import resolve_chain

    region = (files.section(name) or {}).get("region")
    root, hops = resolve_chain(name, files.config, is_azure, files.config_path, files.credentials)
    names.validate(root, f"source_profile of profile {name}")
    root_section = files.section(root)
    signin_base = origin((root_section or {}).get("azlogin_acs_url"))
    existing = _fresh(name, saved, request, now)
    if existing is not None:
        return Reuse(name, existing, region, True, signin_base)
    source: Reuse | SignIn | Static
    if is_azure(root_section):
        # The root signs in through Entra (or reuses its keys); --role/--duration are its.
        root_plan = plan_profile(root, request, files, env, saved, now)
        assert isinstance(root_plan, (Reuse, SignIn))
        source = root_plan
    else:
        source = _static(root, files, now)
    return Chain(name, region, source, tuple(hops), signin_base)


def _static(root: str, files: Files, now: datetime) -> Static:
    keys = files.credentials.get(root) or files.section(root) or {}
    if not keys.get("aws_access_key_id"):
        raise ConfigError(
            f"source_profile {root} has no keys azlogin can use.",
            "Point the chain at an azure profile, or let the AWS CLI resolve it.",
        )
    creds = Credentials(
        keys["aws_access_key_id"],
        keys.get("aws_secret_access_key", ""),
        keys.get("aws_session_token", ""),
        now + timedelta(hours=1),
    )
    return Static(root, creds, bool(keys.get("aws_session_token")))


def select(files: Files, patterns: Sequence[str] | None) -> list[str]:
    """``--all-profiles`` / ``--profiles GLOB``: azure profiles and chains built on them."""
    chosen = []
    for name in profiles.profile_names(files.config):
        if patterns and not any(fnmatch.fnmatchcase(name, p) for p in patterns):
            continue
        section = files.section(name)
        if is_azure(section) or (is_chained(section) and _azure_rooted(name, files)):
            chosen.append(name)
    return chosen


def _azure_rooted(name: str, files: Files) -> bool:
    from .chain import resolve_chain

    try:
        root, _ = resolve_chain(name, files.config, is_azure, files.config_path, files.credentials)
    except ConfigError:
        return True  # planned anyway, so that the broken chain is reported, not skipped
    return is_azure(files.section(root))


def check(plans: Sequence[Plan], files: Files, writable: Callable[[], None]) -> None:
    """Refuse now what could only fail after the sign-in (see the module's docstring).

    ``writable`` raises when the store could not be written (see ``Store.check``).
    """
    writes = False
    for plan in plans:
        for item in _steps(plan):
            writes = writes or not isinstance(item, Reuse)
            if isinstance(item, Chain):  # an azure profile's region is checked when read
                _check_region(item.region, item.name, files)
                for hop in item.hops:
                    _check_region(hop.region, hop.profile, files)
    if writes:
        writable()


def _steps(plan: Plan) -> list[Plan]:
    if isinstance(plan, Chain) and isinstance(plan.source, (Reuse, SignIn)):
        return [plan.source, plan]
    return [plan]


def _check_region(region: str | None, name: str, files: Files) -> None:
    setting = BY_FIELD["region"]
    if region is not None and setting.check(region):
        raise ConfigError(
            f"Profile '{name}': region = {region!r} is {setting.problem} "
            f"({awsfiles.display(files.config_path)}).",
            setting.hint,
        )
