"""The login recipe: profile -> assertion -> role -> credentials -> files.

Every collaborator with a side effect (the sign-in, STS, the terminal, the clock) is
handed in through :class:`World`, so the recipe runs the same in tests and for real.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from . import awsfiles, credentials, profiles
from .errors import ConfigError
from .models import Credentials, Profile, SignInOptions
from .redact import SECRETS, log
from .stores import FileStore, Store
from .ui import UI

if TYPE_CHECKING:
    from .saml import Assertion
    from .sts import StsApi


class AssertionProvider(Protocol):
    """Signs the person in and returns the base64 SAMLResponse, exactly as posted."""

    def get_assertion(self, profile: Profile, ui: UI, options: SignInOptions) -> str: ...


@dataclass(frozen=True)
class LoginRequest:
    profile: str
    force_refresh: bool = False
    role: str | None = None
    duration_hours: float | None = None
    sign_in: SignInOptions = field(default_factory=SignInOptions)


@dataclass
class World:
    env: Mapping[str, str]
    ui: UI
    provider: Callable[[], AssertionProvider]
    sts_api: Callable[..., StsApi]  # (profile, verify=True) -> client
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    out: TextIO = field(default_factory=lambda: sys.stdout)  # results only; messages go to ui

    @property
    def config_file(self) -> Path:
        return awsfiles.config_path(self.env)

    @property
    def credentials_file(self) -> Path:
        return awsfiles.credentials_path(self.env)


class RememberingUI:
    """Passes everything through and notes the username the person gave."""

    def __init__(self, inner: UI) -> None:
        self.inner = inner
        self.interactive = inner.interactive
        self.username: str | None = None

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def ask_username(self, default: str | None) -> str:
        self.username = self.inner.ask_username(default)
        return self.username


def hours_text(seconds: float) -> str:
    """ "8 h", "7 h 59 min", "45 min": what a person reads at a glance."""
    hours, minutes = divmod(max(0, round(seconds / 60)), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" if not minutes else f"{hours} h {minutes} min"


@dataclass(frozen=True)
class Obtained:
    """Credentials for a profile, and what the verbs around them need to know."""

    profile: str
    credentials: Credentials
    region: str | None
    chained: bool  # from AssumeRole with role credentials: AWS caps them at 1 h
    signin_base: str | None  # origin of the ACS URL, where console federation lives
    fresh: bool  # obtained now, rather than reused


def web_identity(world: World) -> bool:
    """In an EKS pod the SDK signs in by itself; say so instead of opening a browser."""
    if world.env.get("AWS_WEB_IDENTITY_TOKEN_FILE") and world.env.get("AWS_ROLE_ARN"):
        world.ui.info(
            f"AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are set: the AWS SDKs assume "
            f"{world.env['AWS_ROLE_ARN']} with that token themselves; nothing to sign in."
        )
        return True
    return False


def login(request: LoginRequest, world: World) -> int:
    """``azlogin --profile X``: make sure the credentials file has fresh keys for X."""
    if web_identity(world):
        return 0
    store = FileStore(world.credentials_file, world.ui.info)
    got = obtain(request, world, store)
    if not got.fresh:
        left = (got.credentials.expiration - world.clock()).total_seconds()
        world.ui.info(
            f"Credentials for profile '{got.profile}' are valid until "
            f"{credentials.format_time(got.credentials.expiration)} ({hours_text(left)} left); "
            "use --force-refresh to sign in again."
        )
    return 0


def obtain(request: LoginRequest, world: World, store: Store) -> Obtained:
    """Credentials for ``request.profile``: reused from ``store`` while valid, else obtained
    by signing in (azure profiles) or by AssumeRole from a source profile (chained ones)."""
    sections = awsfiles.read_sections(world.config_file)
    section = profiles.find_section(sections, request.profile)
    if section is not None and is_chained(section):
        return _obtain_chained(request, world, store, sections)
    profile = profiles.load_profile(
        request.profile,
        world.env,
        world.config_file,
        role=request.role,
        duration_hours=request.duration_hours,
    )
    for line in profiles.describe_sources(profile):
        log.debug("setting %s", line)
    signin_base = _origin(profile.acs_url)
    existing = store.load(profile.name)
    fresh_enough = existing is not None and credentials.still_valid(
        existing.expiration, world.clock()
    )
    if fresh_enough and not request.force_refresh:
        assert existing is not None
        log.debug("reusing %s", store.describe(profile.name))
        return Obtained(profile.name, existing, profile.region, False, signin_base, False)
    creds = sign_in(request, world, profile, store)
    return Obtained(profile.name, creds, profile.region, False, signin_base, True)


def is_azure(section: Mapping[str, str]) -> bool:
    return bool(section.get("azure_tenant_id"))


def is_chained(section: Mapping[str, str]) -> bool:
    return not is_azure(section) and bool(section.get("role_arn") and section.get("source_profile"))


def _origin(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _obtain_chained(
    request: LoginRequest, world: World, store: Store, sections: dict[str, dict[str, str]]
) -> Obtained:
    from . import chain

    name = request.profile
    region = (profiles.find_section(sections, name) or {}).get("region")
    credentials_sections = awsfiles.read_sections(world.credentials_file)
    root, hops = chain.resolve_chain(
        name, sections, is_azure, world.config_file, credentials_sections
    )
    root_section = profiles.find_section(sections, root) or {}
    # The console federation endpoint sits beside the root's ACS (the sandbox's, or AWS's).
    signin_base = (
        _origin(root_section["azlogin_acs_url"]) if root_section.get("azlogin_acs_url") else None
    )
    existing = store.load(name)
    if (
        not request.force_refresh
        and existing is not None
        and credentials.still_valid(existing.expiration, world.clock())
    ):
        log.debug("reusing %s", store.describe(name))
        return Obtained(name, existing, region, True, signin_base, False)
    if is_azure(root_section):
        # The source signs in through Entra (or reuses its keys); --role/--duration are its.
        source = obtain(replace(request, profile=root), world, store)
        source_creds, source_is_role = source.credentials, True
    else:
        static = credentials_sections.get(root) or root_section
        if not static.get("aws_access_key_id"):
            raise ConfigError(
                f"source_profile {root} has no keys azlogin can use.",
                "Point the chain at an azure profile, or let the AWS CLI resolve it.",
            )
        source_creds = Credentials(
            static["aws_access_key_id"],
            static.get("aws_secret_access_key", ""),
            static.get("aws_session_token", ""),
            world.clock() + timedelta(hours=1),
        )
        source_is_role = bool(static.get("aws_session_token"))
    verify = request.sign_in.verify_ssl
    result = chain.assume_chain(
        source_creds,
        hops,
        lambda creds, hop_region: chain.signed_client(creds, hop_region or region, verify, name),
        world.ui.ask_code if world.ui.interactive else None,
        world.clock(),
        source_is_role=source_is_role,
    )
    for note in result.notes:
        world.ui.info(note)
    SECRETS.add(result.credentials.secret_access_key, result.credentials.session_token)
    store.save(name, result.credentials)
    world.ui.info(
        f"Assumed {hops[-1].role_arn} for profile '{name}' (via {root}), valid until "
        f"{credentials.format_time(result.credentials.expiration)}; saved to "
        f"{store.describe(name)}."
    )
    return Obtained(name, result.credentials, region, result.chained, signin_base, True)


def sign_in(request: LoginRequest, world: World, profile: Profile, store: Store) -> Credentials:
    """The slow path: browser, assertion, role, STS, store. Heavy imports start here."""
    from . import roles, saml, sts

    if not request.sign_in.verify_ssl:
        world.ui.warn("TLS certificates are not verified (--no-verify-ssl): use only for testing.")
    ui = RememberingUI(world.ui)
    sts_api = prepare_sts(world, profile, request.sign_in.verify_ssl)
    raw = world.provider().get_assertion(profile, ui, request.sign_in)  # type: ignore[arg-type]
    SECRETS.add(raw)
    assertion = saml.parse_assertion(raw)
    log.debug(
        "assertion grants %d role(s), destination %s", len(assertion.roles), assertion.destination
    )

    aliases = account_names(world, profile, assertion, request)
    role = roles.choose(
        assertion.roles,
        world.ui,
        flag=request.role if request.role else None,
        default=None if request.role else profile.role_arn,
        aliases=aliases,
    )
    requested = round(profile.duration_hours * 3600)

    def stepped_down(tried: int, next_try: int) -> None:
        world.ui.info(
            f"The role allows less than {hours_text(tried)}; trying {hours_text(next_try)}."
        )

    grant = sts.assume_role_with_saml(
        sts_api(),
        role,
        assertion.raw,
        requested,
        stepped_down,
    )
    creds = grant.credentials
    SECRETS.add(creds.secret_access_key, creds.session_token)
    store.save(profile.name, creds)
    granted = (creds.expiration - world.clock()).total_seconds()
    note = (
        ""
        if grant.duration_seconds == requested
        else f", the role's maximum; {hours_text(requested)} was asked"
    )
    world.ui.info(
        f"Wrote profile '{profile.name}' to {store.describe(profile.name)}: "
        f"{roles.label(role, aliases)}, valid until {credentials.format_time(creds.expiration)} "
        f"({hours_text(max(granted, 0))}{note})."
    )
    if world.ui.interactive:
        remember_defaults(world, profile, ui.username, role.role_arn, request)
    return creds


def prepare_sts(world: World, profile: Profile, verify: bool) -> Callable[[], StsApi]:
    """Start building ``profile``'s STS client now; the returned function waits for it.

    Importing botocore and loading the STS model take a few hundred milliseconds of CPU,
    which the browser's start, spent mostly waiting for Chromium, hides when they overlap.
    A failure is raised where the client is used, as before.
    """
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="azlogin-sts")
    future = pool.submit(world.sts_api, profile, verify)
    pool.shutdown(wait=False)
    return future.result


def account_names(
    world: World, profile: Profile, assertion: Assertion, request: LoginRequest
) -> dict[str, str]:
    """Names for the picker: configured ones, the private cache, and AWS's role chooser.

    The chooser page is fetched only when a picker will be shown (several roles, a
    person, no --role); it is bounded by a short timeout and never fails the login.
    """
    from . import accounts
    from .stores import state_dir

    configured = accounts.aliases_from_config(profile.account_aliases or "")
    cache = accounts.cache_file(state_dir(world.env), profile.authority_url, profile.tenant_id)
    if len(assertion.roles) < 2 or not world.ui.interactive or request.role:
        return {**accounts.read_cache(cache), **configured}
    lookup = accounts.AliasLookup(
        acs_url=profile.acs_url,
        saml_response=assertion.raw,
        cache_file=cache,
        configured=configured,
        account_ids={r.account_id for r in assertion.roles},
        verify=request.sign_in.verify_ssl,
    )
    return lookup.start().result()


def remember_defaults(
    world: World, profile: Profile, username: str | None, role_arn: str, request: LoginRequest
) -> None:
    """Save what the person chose so the next --no-prompt run needs no input."""
    sections = awsfiles.read_sections(world.config_file)
    section = profiles.find_section(sections, profile.name)
    if section is None:
        return  # an environment-only profile has no section to remember in
    wanted = {
        "azure_default_username": username,
        "azure_default_role_arn": role_arn,
        "azure_default_duration_hours": f"{profile.duration_hours:g}"
        if request.duration_hours is not None
        else None,
    }
    changes = {
        key: value
        for key, value in wanted.items()
        if value is not None and profiles.unescape(section.get(key, "")) != value
    }
    if not changes:
        return
    awsfiles.update_section(
        world.config_file, awsfiles.config_section(profile.name), changes, notify=world.ui.info
    )
    names = ", ".join(k.removeprefix("azure_default_").replace("_", " ") for k in changes)
    world.ui.info(
        f"Saved {names} as defaults of profile '{profile.name}' in "
        f"{awsfiles.display(world.config_file)}."
    )
