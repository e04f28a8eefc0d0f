"""The one table of profile settings: the ``Profile`` field, the key in ~/.aws/config, the
environment variables, the default, how a value is checked, and the question and flag of
``azlogin configure``. :mod:`profiles` resolves a profile from it; ``configure`` asks and
writes by it; the README's configuration table lists it (a test keeps them in step).

Keys named ``azure_*`` are aws-azure-login's, read the same way, so a user can switch
without changing a line; azlogin's own keys are prefixed ``azlogin_``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_DURATION_HOURS = 8.0
MIN_DURATION_HOURS = 0.25
MAX_DURATION_HOURS = 12.0
DEFAULT_AUTHORITY = "login.microsoftonline.com"
# The MFA methods of Entra's "verify your identity" page, as its proofs name them, and the
# words people write for them (any case).
# How to sign in: Entra's protocol over HTTP first, the browser where a page needs it.
SIGNIN_CHOICES = ("auto", "browser", "http")
# Where azlogin keeps its own secrets: the credential-process cache and remembered sessions.
STORE_CHOICES = ("file", "keyring")
# The first factor to use when Entra offers phone sign-in: phone (its number on the phone)
# or password ("Use your password instead"); unset: whatever Entra offers.
FIRST_FACTOR_CHOICES = ("phone", "password")
MFA_METHODS = ("PhoneAppNotification", "PhoneAppOTP", "OneWaySMS", "TwoWayVoiceMobile")
MFA_ALIASES = {
    "push": "PhoneAppNotification", "notification": "PhoneAppNotification",
    "app": "PhoneAppNotification", "authenticator": "PhoneAppNotification",
    "totp": "PhoneAppOTP", "otp": "PhoneAppOTP", "code": "PhoneAppOTP",
    "sms": "OneWaySMS", "text": "OneWaySMS",
    "call": "TwoWayVoiceMobile", "voice": "TwoWayVoiceMobile", "phone": "TwoWayVoiceMobile",
}  # fmt: skip

TENANT = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$",
    re.IGNORECASE,
)
_URI = re.compile(r"^(https://[^\s/?#]+\S*|urn:[a-z0-9][a-z0-9-]*:\S+)$", re.IGNORECASE)
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/\S+$")
# The shape of every AWS region (us-east-1, eu-central-2, us-gov-west-1, us-isob-east-1).
# botocore would accept "Europe" and fail only when resolving sts.Europe.amazonaws.com,
# after the sign-in; this refuses it before.
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_WORD = re.compile(r"^\S+$")
TRUE = ("true", "yes", "1", "on")
FALSE = ("false", "no", "0", "off")


def hours(text: str) -> float | None:
    """A session length in hours, or None when ``text`` is not one azlogin accepts."""
    try:
        value = float(text)
    except ValueError:
        return None
    ok = math.isfinite(value) and MIN_DURATION_HOURS <= value <= MAX_DURATION_HOURS
    return value if ok else None


def mfa_method(text: str) -> str | None:
    """Entra's name for an MFA method, from its name or a word for it (any case)."""
    wanted = text.strip().lower()
    return next((m for m in MFA_METHODS if m.lower() == wanted), None) or MFA_ALIASES.get(wanted)


def boolean(text: str) -> bool | None:
    lowered = text.strip().lower()
    return True if lowered in TRUE else False if lowered in FALSE else None


def _matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: bool(pattern.match(text))


@dataclass(frozen=True)
class Setting:
    field: str  # of models.Profile
    key: str  # in the profile's section of ~/.aws/config
    env: tuple[str, ...] = ()  # read upper or lower case, first set wins
    valid: Callable[[str], bool] | None = None  # None: any text
    problem: str = ""  # what a value that is not valid is
    hint: str = ""
    question: str | None = None  # asked by `azlogin configure`; None: flag-less, not asked
    metavar: str = ""
    required: bool = False
    boolean: bool = False
    unset: str = ""  # what having no value means, said with the question of an optional key

    @property
    def flag(self) -> str:
        return "--" + self.field.replace("_", "-")

    def check(self, text: str) -> str | None:
        """What is wrong with a non-empty value, or None."""
        return None if self.valid is None or self.valid(text) else self.problem

    def canonical(self, text: str) -> str | None:
        """The value to write for a checked ``text``; None (remove the key) when empty."""
        text = text.strip()
        if not text:
            return None
        if self.field == "duration_hours":
            return f"{float(text):g}"
        if self.boolean:
            return str(boolean(text)).lower()
        return text


_HOURS = f"{MIN_DURATION_HOURS} to {MAX_DURATION_HOURS:g}"
SETTINGS = (
    Setting(
        "tenant_id",
        "azure_tenant_id",
        ("AZURE_TENANT_ID",),
        _matches(TENANT),
        "neither a GUID nor a domain",
        "Copy the Directory (tenant) ID from the Entra admin center, e.g. "
        "contoso.onmicrosoft.com or 00000000-0000-0000-0000-000000000000.",
        "Azure tenant ID (GUID or domain):",
        "TENANT",
        required=True,
    ),
    Setting(
        "app_id_uri",
        "azure_app_id_uri",
        ("AZURE_APP_ID_URI",),
        _matches(_URI),
        "not an https:// or urn: URI",
        "Copy the Identifier (Entity ID) from the app's single sign-on page, "
        "e.g. https://signin.aws.amazon.com/saml#1.",
        "App ID URI of the AWS enterprise app:",
        "URI",
        required=True,
    ),
    Setting(
        "username",
        "azure_default_username",
        ("AZURE_DEFAULT_USERNAME",),
        _matches(_WORD),
        "not a sign-in name (it has spaces)",
        "Use the sign-in name, e.g. alice@contoso.com.",
        "Default username:",
        "USERNAME",
        unset="ask each time",
    ),
    Setting(
        "role_arn",
        "azure_default_role_arn",
        ("AZURE_DEFAULT_ROLE_ARN",),
        _matches(_ROLE_ARN),
        "not an IAM role ARN",
        "Write the full ARN, e.g. arn:aws:iam::123456789012:role/Developer.",
        "Default role ARN:",
        "ARN",
        unset="pick each time",
    ),
    Setting(
        "duration_hours",
        "azure_default_duration_hours",
        ("AZURE_DEFAULT_DURATION_HOURS",),
        lambda text: hours(text) is not None,
        f"not a number of hours from {_HOURS}",
        "AWS sessions last from 15 minutes to 12 hours, e.g. 8 or 0.5.",
        f"Session length in hours, {MIN_DURATION_HOURS}-{MAX_DURATION_HOURS:g}:",
        "HOURS",
        unset=f"{DEFAULT_DURATION_HOURS:g}",
    ),
    Setting(
        "remember_me",
        "azure_default_remember_me",
        ("AZURE_DEFAULT_REMEMBER_ME",),
        lambda text: boolean(text) is not None,
        "not true or false",
        "Write true or false (--remember-me / --no-remember-me).",
        "Stay signed in (remember the browser session)?",
        boolean=True,
    ),
    Setting(
        "region",
        "region",
        ("AWS_REGION", "AWS_DEFAULT_REGION"),
        _matches(REGION),
        "not an AWS region name",
        "Use a region name such as eu-west-1 or us-east-1.",
        "AWS region:",
        "REGION",
        unset="none",
    ),
    Setting("authority_host", "azlogin_authority_host", ("AZLOGIN_AUTHORITY_HOST",)),
    Setting("acs_url", "azlogin_acs_url", ("AZLOGIN_ACS_URL",)),
    Setting("browser", "azlogin_browser"),  # AZLOGIN_BROWSER is read by the launcher
    Setting(
        "mfa_method",
        "azlogin_mfa_method",
        ("AZLOGIN_MFA_METHOD",),
        lambda text: mfa_method(text) is not None,
        "not an MFA method Entra names",
        f"Use one of: {', '.join(MFA_METHODS)} (or push, totp, sms, call).",
    ),
    Setting(
        "first_factor",
        "azlogin_first_factor",
        ("AZLOGIN_FIRST_FACTOR",),
        lambda text: text.strip().lower() in FIRST_FACTOR_CHOICES,
        "not one of " + ", ".join(FIRST_FACTOR_CHOICES),
        "phone: approve on the phone when Entra offers phone sign-in; password: use the "
        "password instead; leave it out to take what Entra offers.",
    ),
    Setting(
        "signin",
        "azlogin_signin",
        ("AZLOGIN_SIGNIN",),
        lambda text: text.strip().lower() in SIGNIN_CHOICES,
        "not one of " + ", ".join(SIGNIN_CHOICES),
        "auto: over HTTP, the browser where a page needs it; browser: always the browser; "
        "http: never a browser.",
    ),
    Setting(
        "store",
        "azlogin_store",
        ("AZLOGIN_STORE",),
        lambda text: text.strip().lower() in STORE_CHOICES,
        "not one of " + ", ".join(STORE_CHOICES),
        "file: 0600 files under the state dir; keyring: the OS keyring (macOS Keychain, "
        "Windows Credential Manager, the Secret Service).",
    ),
    Setting("account_aliases", "azlogin_account_aliases"),
    # Read by `azlogin console` for any profile, chained ones too (see console_endpoints).
    Setting("federation_url", "azlogin_federation_url"),
)

ASKED = tuple(s for s in SETTINGS if s.question is not None)
