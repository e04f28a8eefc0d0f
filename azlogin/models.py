"""Plain data passed between the modules: profiles, roles, credentials, sign-in options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from .settings import DEFAULT_AUTHORITY, DEFAULT_DURATION_HOURS


@dataclass(frozen=True)
class Profile:
    """One azure profile of ~/.aws/config, with every setting resolved.

    ``sources`` maps each field name to where its value came from
    ("flag --role", "env AZURE_TENANT_ID", "config ~/.aws/config [profile dev]", "default").
    """

    name: str
    tenant_id: str
    app_id_uri: str
    region: str | None = None
    username: str | None = None
    role_arn: str | None = None
    duration_hours: float = DEFAULT_DURATION_HOURS
    remember_me: bool = False
    authority_host: str = DEFAULT_AUTHORITY
    acs_url: str = "https://signin.aws.amazon.com/saml"
    browser: str | None = None
    mfa_method: str | None = None
    first_factor: str | None = None  # settings.FIRST_FACTOR_CHOICES; None: what Entra offers
    signin: str = "auto"  # settings.SIGNIN_CHOICES
    store: str = "file"  # settings.STORE_CHOICES: where remembered sessions are kept
    account_aliases: str | None = None  # "111111111111=dev, 222222222222=prod"
    federation_url: str | None = None  # the console's federation endpoint, if not AWS's
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def authority_url(self) -> str:
        """Base URL of the sign-in authority; a host may carry its own scheme (the sandbox)."""
        host = self.authority_host.rstrip("/")
        return host if "://" in host else f"https://{host}"


@dataclass(frozen=True, order=True)
class Role:
    """One role offered by the assertion: the role to assume and the SAML provider trusting it."""

    role_arn: str
    principal_arn: str

    @property
    def account_id(self) -> str:
        return self.role_arn.split(":")[4]

    @property
    def partition(self) -> str:
        return self.role_arn.split(":")[1]

    @property
    def path_and_name(self) -> str:
        return self.role_arn.split(":", 5)[5].removeprefix("role/")

    @property
    def name(self) -> str:
        return self.role_arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime  # timezone-aware UTC

    def __repr__(self) -> str:  # never let a secret reach a log or traceback
        return f"Credentials(access_key_id={self.access_key_id!r}, expiration={self.expiration!r})"


class BrowserMode(str, Enum):
    HEADLESS = "headless"  # automated, no window
    DEBUG = "debug"  # automated, visible window
    GUI = "gui"  # visible window, the person signs in


@dataclass(frozen=True)
class SignInOptions:
    mode: BrowserMode = BrowserMode.HEADLESS
    reset_session: bool = False
    timeout_seconds: float = 300.0
    mfa_timeout_seconds: float = 180.0
    verify_ssl: bool = True
