"""The sandbox's world: tenants, apps, users, roles and faults, as plain data.

A scenario is loaded from TOML/JSON (``Scenario.from_dict``) or built in Python; the
default one (``default_scenario()``) covers the main sign-in flows. The Entra side and the
AWS side of the sandbox both read it; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

MfaMethod = Literal["PhoneAppNotification", "PhoneAppOTP", "OneWaySMS", "TwoWayVoiceMobile"]
PushOutcome = Literal["approve", "deny", "timeout", "manual"]
ChooserFormat = Literal["html", "json"]
PasskeyOffer = Literal["", "offered", "only"]

DEFAULT_TENANT_ID = "11111111-2222-3333-4444-555555555555"
DEFAULT_APP_ID_URI = "https://signin.aws.amazon.com/saml#sandbox"
PROVIDER = "arn:aws:iam::{account}:saml-provider/AzureAD"


@dataclass
class RoleSpec:
    """An IAM role that trusts the sandbox's SAML provider (or, for chained roles, a principal)."""

    arn: str
    provider_arn: str = ""  # the SAML provider; empty for roles only reachable by AssumeRole
    max_session_duration: int = 3600  # seconds, 3600..43200 as IAM allows
    # For AssumeRole (chaining): ARNs of roles whose sessions may assume this one,
    # and the ExternalId the trust policy demands (None: no condition).
    trusted_role_arns: list[str] = field(default_factory=list)
    external_id: str | None = None

    @property
    def account_id(self) -> str:
        return self.arn.split(":")[4]


@dataclass
class User:
    username: str  # user principal name, e.g. alice@sandbox.example
    password: str
    display_name: str = ""
    mfa: list[MfaMethod] = field(default_factory=list)  # empty: no MFA
    totp_secret: str | None = None  # base32, for PhoneAppOTP
    sms_code: str = "246810"  # the code "sent" by SMS
    push: PushOutcome = "approve"  # what the phone does with a push request
    push_number: str = "42"  # number-matching value shown on the page
    push_delay_seconds: float = 1.0  # how long until the simulated phone answers
    roles: list[str] = field(default_factory=list)  # role ARNs granted through the assertion
    apps: list[str] = field(default_factory=lambda: [DEFAULT_APP_ID_URI])  # assigned app id URIs
    locked: bool = False  # AADSTS50053
    disabled: bool = False  # AADSTS50057
    password_expired: bool = False  # AADSTS50055 / ConvergedChangePassword
    passwordless: bool = False  # phone sign-in instead of the password
    # The passkey offer (GetCredentialType's FidoParams): "offered" to a user who also has a
    # password ("Other ways to sign in" -> "Use your password"); "only": no password at all.
    passkey: PasskeyOffer = ""
    # The first of ``mfa`` is the user's default method (arrUserProofs' isDefault), which the
    # page begins at once; False: no method is the default, so the page opens the picker.
    mfa_default: bool = True
    # System-preferred MFA: the "verify your identity" page starts Authenticator push at once
    # (not the picker, not the user's default method); "sign in another way" opens the picker.
    system_preferred_mfa: bool = False
    has_personal_account: bool = False  # "more than one account" work/personal tiles
    mfa_registration_required: bool = False  # ConvergedProofUpRedirect
    mfa_registration_nag_days: int = 0  # >0: the skippable registration nag, N days left
    conditional_access_blocked: bool = False  # ConvergedConditionalAccess, AADSTS53003
    # Sign-in frequency: a remembered session must pass MFA again (never the password);
    # the re-authenticated session gets a new persistent cookie, the old one stops working.
    reauthenticate_mfa: bool = False
    federated_idp_url: str | None = None  # sign-in leaves for another IdP
    # The sandbox's own company IdP signs this user in (``adfs.py``): "adfs" its AD FS forms
    # page, "other" a page of another IdP (not AD FS); "" for neither.
    federation: str = ""
    session_duration: int | None = None  # SessionDuration attribute (seconds)
    # Pages of this user's sign-ins that an HTTP client cannot read (README "Protocol"):
    # names as in ``disguise.PAGES`` ("tfa", "hand-off", …) or "*"; browsers see no change.
    disguise: list[str] = field(default_factory=list)


@dataclass
class App:
    app_id_uri: str
    name: str = "AWS"


@dataclass
class Tenant:
    tenant_id: str
    domain: str
    apps: list[App] = field(default_factory=list)
    users: list[User] = field(default_factory=list)

    def user(self, username: str) -> User | None:
        wanted = username.strip().lower()
        return next((u for u in self.users if u.username.lower() == wanted), None)

    def app(self, app_id_uri: str) -> App | None:
        return next((a for a in self.apps if a.app_id_uri == app_id_uri), None)


@dataclass
class Faults:
    """Deliberate misbehaviour, for tests of azlogin's resilience."""

    page_delay_seconds: float = 0.0  # before every Entra page
    sts_delay_seconds: float = 0.0  # before every STS answer
    sts_errors: list[str] = field(default_factory=list)  # queue of STS error codes to answer next
    assertion_lifetime_seconds: int = 300  # NotOnOrAfter = now + this
    # AuthnStatement@SessionNotOnOrAfter = now + this, which caps the STS session as AWS
    # does: short-lived keys, to see them renewed (the credential server's tests).
    session_lifetime_seconds: int | None = None
    service_error: str | None = None  # an AADSTS code every sign-in ends with
    # Show "pick an account" even when one remembered, signed-in account could complete the
    # sign-in silently (users report sign-ins stuck there with a stale persistent profile).
    account_picker: bool = False
    # Pages disguised for every sign-in, the first sign-in page included (before anyone is
    # identified, no user's ``disguise`` can apply yet).
    disguise: list[str] = field(default_factory=list)
    # Defender for Cloud Apps session control ("mcas.ms", "mcas-gov.us", "mcas-gov.ms"): the
    # hand-off posts to AWS's ACS behind that proxy (``mcas.py``); "" for none.
    mcas_suffix: str = ""


@dataclass
class Scenario:
    tenants: list[Tenant] = field(default_factory=list)
    roles: list[RoleSpec] = field(default_factory=list)
    account_aliases: dict[str, str] = field(default_factory=dict)  # account id -> alias
    chooser_format: ChooserFormat = "json"  # AWS role-chooser page flavour
    faults: Faults = field(default_factory=Faults)

    def tenant(self, tenant: str) -> Tenant | None:
        wanted = tenant.strip().lower()
        return next(
            (t for t in self.tenants if wanted in (t.tenant_id.lower(), t.domain.lower())), None
        )

    def role(self, arn: str) -> RoleSpec | None:
        return next((r for r in self.roles if r.arn == arn), None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        tenants = [
            Tenant(
                tenant_id=t["tenant_id"],
                domain=t.get("domain", ""),
                apps=[App(**a) for a in t.get("apps", [])],
                users=[User(**u) for u in t.get("users", [])],
            )
            for t in data.get("tenants", [])
        ]
        return cls(
            tenants=tenants,
            roles=[RoleSpec(**r) for r in data.get("roles", [])],
            account_aliases=dict(data.get("account_aliases", {})),
            chooser_format=data.get("chooser_format", "json"),
            faults=Faults(**data.get("faults", {})),
        )


_DEV, _PROD, _SHARED = "111111111111", "222222222222", "333333333333"


def _default_roles() -> list[RoleSpec]:
    dev, prod, shared = _DEV, _PROD, _SHARED
    return [
        RoleSpec(f"arn:aws:iam::{dev}:role/Developer", PROVIDER.format(account=dev), 43200),
        RoleSpec(
            f"arn:aws:iam::{dev}:role/team/platform/Admin", PROVIDER.format(account=dev), 3600
        ),
        RoleSpec(f"arn:aws:iam::{prod}:role/ReadOnly", PROVIDER.format(account=prod), 14400),
        RoleSpec(
            f"arn:aws:iam::{shared}:role/Deployer",
            trusted_role_arns=[f"arn:aws:iam::{dev}:role/Developer"],
            external_id="sandbox-external-id",
        ),
    ]


def default_scenario() -> Scenario:
    """A tenant with users for the main flows; every password is ``Passw0rd!``."""
    roles = _default_roles()
    all_saml = [r.arn for r in roles if r.provider_arn]
    pw = "Passw0rd!"
    totp = "JBSWY3DPEHPK3PXP"
    users = [
        User(
            "alice@sandbox.example",
            pw,
            "Alice",
            mfa=["PhoneAppOTP"],
            totp_secret=totp,
            roles=all_saml,
        ),
        User("bob@sandbox.example", pw, "Bob", roles=[all_saml[0]]),
        User("carol@sandbox.example", pw, "Carol", mfa=["PhoneAppNotification"], roles=all_saml),
        User(
            "dave@sandbox.example",
            pw,
            "Dave",
            mfa=["PhoneAppNotification", "PhoneAppOTP", "OneWaySMS", "TwoWayVoiceMobile"],
            totp_secret=totp,
            roles=all_saml,
        ),
        User("erin@sandbox.example", pw, "Erin", mfa=["OneWaySMS"], roles=all_saml[:2]),
        User("frank@sandbox.example", pw, "Frank", passwordless=True, roles=all_saml),
        User("grace@sandbox.example", pw, "Grace", has_personal_account=True, roles=all_saml),
        User("locked@sandbox.example", pw, locked=True, roles=all_saml),
        User("noapp@sandbox.example", pw, apps=[], roles=all_saml),
        User("proofup@sandbox.example", pw, mfa_registration_required=True, roles=all_saml),
        User("blocked@sandbox.example", pw, conditional_access_blocked=True, roles=all_saml),
        User(
            "denied@sandbox.example", pw, mfa=["PhoneAppNotification"], push="deny", roles=all_saml
        ),
        User("federated@sandbox.example", pw, federated_idp_url="http://127.0.0.1:9/adfs/ls"),
        # Federated to the sandbox's own company IdP (``adfs.py``): its AD FS forms page, then
        # Entra's MFA; and another IdP's page, which only a person can use.
        User(
            "ivan@sandbox.example",
            pw,
            "Ivan",
            mfa=["PhoneAppOTP"],
            totp_secret=totp,
            roles=all_saml,
            federation="adfs",
        ),
        User("judy@sandbox.example", pw, "Judy", roles=all_saml, federation="other"),
        # Alice again, but every page is unreadable to an HTTP client: hand-over tests.
        User(
            "heidi@sandbox.example",
            pw,
            "Heidi",
            mfa=["PhoneAppOTP"],
            totp_secret=totp,
            roles=all_saml,
            disguise=["*"],
        ),
    ]
    tenant = Tenant(
        tenant_id=DEFAULT_TENANT_ID,
        domain="sandbox.example",
        apps=[App(DEFAULT_APP_ID_URI, "AWS (sandbox)")],
        users=users,
    )
    return Scenario(
        tenants=[tenant],
        roles=roles,
        account_aliases={_DEV: "sandbox-dev", _PROD: "sandbox-prod", _SHARED: "sandbox-shared"},
    )
