"""The login recipe: profile -> assertion -> role -> credentials -> files.

Every collaborator with a side effect (the sign-in, STS, the terminal, the clock) is
handed in through :class:`World`, so the recipe runs the same in tests and for real.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import awsfiles, credentials, profiles
from .models import Profile, SignInOptions
from .redact import SECRETS, log
from .ui import UI

if TYPE_CHECKING:
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
    sts_api: Callable[[Profile], StsApi]
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)

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


def login(request: LoginRequest, world: World) -> int:
    profile = profiles.load_profile(
        request.profile,
        world.env,
        world.config_file,
        role=request.role,
        duration_hours=request.duration_hours,
    )
    for line in profiles.describe_sources(profile):
        log.debug("setting %s", line)

    now = world.clock()
    expires = credentials.expiry(world.credentials_file, profile.name)
    if not request.force_refresh and credentials.still_valid(expires, now):
        assert expires is not None
        left = int((expires - now).total_seconds())
        world.ui.info(
            f"Credentials for profile '{profile.name}' are valid until "
            f"{credentials.format_time(expires)} ({hours_text(left)} left); "
            "use --force-refresh to sign in again."
        )
        return 0

    return sign_in(request, world, profile)


def sign_in(request: LoginRequest, world: World, profile: Profile) -> int:
    """The slow path: browser, assertion, role, STS, files. Heavy imports start here."""
    from . import roles, saml, sts

    ui = RememberingUI(world.ui)
    raw = world.provider().get_assertion(profile, ui, request.sign_in)  # type: ignore[arg-type]
    SECRETS.add(raw)
    assertion = saml.parse_assertion(raw)
    log.debug(
        "assertion grants %d role(s), destination %s", len(assertion.roles), assertion.destination
    )

    role = roles.choose(
        assertion.roles,
        world.ui,
        flag=request.role if request.role else None,
        default=None if request.role else profile.role_arn,
    )
    requested = round(profile.duration_hours * 3600)

    def stepped_down(tried: int, next_try: int) -> None:
        world.ui.info(
            f"The role allows less than {hours_text(tried)}; trying {hours_text(next_try)}."
        )

    grant = sts.assume_role_with_saml(
        world.sts_api(profile), role, assertion.raw, requested, stepped_down
    )
    creds = grant.credentials
    SECRETS.add(creds.secret_access_key, creds.session_token)
    credentials.write(world.credentials_file, profile.name, creds, world.ui.info)
    granted = (creds.expiration - world.clock()).total_seconds()
    note = (
        ""
        if grant.duration_seconds == requested
        else f", the role's maximum; {hours_text(requested)} was asked"
    )
    world.ui.info(
        f"Wrote profile '{profile.name}' to {awsfiles.display(world.credentials_file)}: "
        f"{roles.label(role)}, valid until {credentials.format_time(creds.expiration)} "
        f"({hours_text(max(granted, 0))}{note})."
    )
    if world.ui.interactive:
        remember_defaults(world, profile, ui.username, role.role_arn, request)
    return 0


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
