"""Resolve an azure profile of ~/.aws/config into a :class:`Profile`.

Precedence, highest first, for every setting:

1. command-line flag (``--role``, ``--duration``)
2. environment variable (``AZURE_TENANT_ID`` … as aws-azure-login reads them, upper or
   lower case; ``AWS_REGION``/``AWS_DEFAULT_REGION`` for the region)
3. the profile's section in ``AWS_CONFIG_FILE`` or ``~/.aws/config``
4. azlogin's default

``Profile.sources`` records which layer each value came from; ``--debug`` prints it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .awsfiles import config_section, display, read_sections
from .errors import ConfigError
from .models import Profile
from .partitions import default_acs_url

DEFAULT_DURATION_HOURS = 8.0
MIN_DURATION_HOURS = 0.25
MAX_DURATION_HOURS = 12.0
DEFAULT_AUTHORITY = "login.microsoftonline.com"


@dataclass(frozen=True)
class Setting:
    field: str
    config_key: str | None
    env: tuple[str, ...] = ()


# One row per setting: the Profile field, the config key, the environment variables.
SETTINGS = (
    Setting("tenant_id", "azure_tenant_id", ("AZURE_TENANT_ID",)),
    Setting("app_id_uri", "azure_app_id_uri", ("AZURE_APP_ID_URI",)),
    Setting("username", "azure_default_username", ("AZURE_DEFAULT_USERNAME",)),
    Setting("role_arn", "azure_default_role_arn", ("AZURE_DEFAULT_ROLE_ARN",)),
    Setting("duration_hours", "azure_default_duration_hours", ("AZURE_DEFAULT_DURATION_HOURS",)),
    Setting("remember_me", "azure_default_remember_me", ("AZURE_DEFAULT_REMEMBER_ME",)),
    Setting("region", "region", ("AWS_REGION", "AWS_DEFAULT_REGION")),
    Setting("authority_host", "azlogin_authority_host", ("AZLOGIN_AUTHORITY_HOST",)),
    Setting("acs_url", "azlogin_acs_url", ("AZLOGIN_ACS_URL",)),
    Setting("browser", "azlogin_browser", ()),  # AZLOGIN_BROWSER is read by the launcher
    Setting("mfa_method", "azlogin_mfa_method", ("AZLOGIN_MFA_METHOD",)),
    Setting("account_aliases", "azlogin_account_aliases", ()),
)

MFA_METHODS = ("PhoneAppNotification", "PhoneAppOTP", "OneWaySMS", "TwoWayVoiceMobile")
_TENANT = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$",
    re.IGNORECASE,
)


def env_value(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        for spelling in (name, name.lower()):
            value = env.get(spelling)
            if value:
                return value, spelling
    return None


def unescape(value: str) -> str:
    """aws-azure-login writes ``#`` as ``\\#``; botocore keeps an inline ``#`` as text."""
    return value.replace("\\#", "#")


def profile_names(sections: Mapping[str, object]) -> list[str]:
    names = []
    for section in sections:
        if section == "default":
            names.append("default")
        elif section.startswith("profile "):
            names.append(section.removeprefix("profile ").strip().strip('"'))
    return names


def find_section(sections: Mapping[str, dict[str, str]], name: str) -> dict[str, str] | None:
    found = sections.get(config_section(name))
    if found is None and name == "default":
        found = sections.get("profile default")
    if found is None:
        found = sections.get(f'profile "{name}"')
    return found


def parse_duration(text: str, where: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        raise ConfigError(
            f"{where}: duration {text!r} is not a number of hours.",
            f"Use a value from {MIN_DURATION_HOURS} to {MAX_DURATION_HOURS:g}, e.g. 8 or 0.5.",
        ) from None
    if not MIN_DURATION_HOURS <= hours <= MAX_DURATION_HOURS:
        raise ConfigError(
            f"{where}: duration {text} h is outside {MIN_DURATION_HOURS}–{MAX_DURATION_HOURS:g} h.",
            "AWS sessions last from 15 minutes to 12 hours.",
        )
    return hours


def parse_bool(text: str, where: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1", "on"):
        return True
    if lowered in ("false", "no", "0", "off", ""):
        return False
    raise ConfigError(f"{where}: {text!r} is not true or false.", "Write true or false.")


def load_profile(
    name: str,
    env: Mapping[str, str],
    config_file: Path,
    *,
    role: str | None = None,
    duration_hours: float | None = None,
) -> Profile:
    """Resolve profile ``name``; flags are the keyword arguments."""
    sections = read_sections(config_file)
    section = find_section(sections, name)
    where_file = f"{display(config_file)} [{config_section(name)}]"
    if section is None:
        # Environment-only use (CI) needs no section, as with aws-azure-login's variables.
        if not (env_value(env, ("AZURE_TENANT_ID",)) and env_value(env, ("AZURE_APP_ID_URI",))):
            names = profile_names(sections)
            close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
            hint = f"Did you mean: {', '.join(close)}?" if close else ""
            if not hint:
                hint = (
                    f"Known profiles: {', '.join(names)}."
                    if names
                    else f"Add one with the keys of config.example.ini to {display(config_file)}."
                )
            raise ConfigError(f"Profile '{name}' is not in {display(config_file)}.", hint)
        section = {}

    raw: dict[str, str] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        from_env = env_value(env, setting.env)
        if from_env:
            raw[setting.field], sources[setting.field] = from_env[0], f"env {from_env[1]}"
        elif setting.config_key and section.get(setting.config_key):
            raw[setting.field] = unescape(section[setting.config_key])
            sources[setting.field] = f"config {where_file} {setting.config_key}"
    if role:
        raw["role_arn"], sources["role_arn"] = role, "flag --role"

    for field, key in (("tenant_id", "azure_tenant_id"), ("app_id_uri", "azure_app_id_uri")):
        if not raw.get(field):
            raise ConfigError(
                f"Profile '{name}' has no {key} in {display(config_file)}.",
                f"Add '{key} = …' to [{config_section(name)}] "
                f"(or set {key.upper()}); see config.example.ini.",
            )
    tenant = raw["tenant_id"].strip()
    if not _TENANT.match(tenant):
        raise ConfigError(
            f"Profile '{name}': azure_tenant_id {tenant!r} is neither a GUID nor a domain "
            f"({sources['tenant_id']}).",
            "Copy the Directory (tenant) ID from the Entra admin center.",
        )

    def where(field: str) -> str:
        return f"Profile '{name}' ({sources.get(field, 'default')})"

    if duration_hours is not None:
        hours = parse_duration(str(duration_hours), "--duration")
        sources["duration_hours"] = "flag --duration"
    elif "duration_hours" in raw:
        hours = parse_duration(raw["duration_hours"], where("duration_hours"))
    else:
        hours = DEFAULT_DURATION_HOURS
    remember = parse_bool(raw.get("remember_me", ""), where("remember_me"))
    mfa = raw.get("mfa_method")
    if mfa and mfa not in MFA_METHODS:
        raise ConfigError(
            f"{where('mfa_method')}: unknown MFA method {mfa!r}.",
            f"Use one of: {', '.join(MFA_METHODS)}.",
        )
    region = raw.get("region")
    for field in ("tenant_id", "app_id_uri", "duration_hours", "remember_me", "region"):
        sources.setdefault(field, "default")
    sources.setdefault("authority_host", "default")
    sources.setdefault("acs_url", "default (from the region's partition)")
    return Profile(
        name=name,
        tenant_id=tenant,
        app_id_uri=raw["app_id_uri"].strip(),
        region=region,
        username=raw.get("username"),
        role_arn=raw.get("role_arn"),
        duration_hours=hours,
        remember_me=remember,
        authority_host=raw.get("authority_host", DEFAULT_AUTHORITY),
        acs_url=raw.get("acs_url") or default_acs_url(region),
        browser=raw.get("browser"),
        mfa_method=mfa,
        account_aliases=raw.get("account_aliases"),
        sources=sources,
    )


def describe_sources(profile: Profile) -> list[str]:
    """Lines for --debug: each setting, its (non-secret) value and where it came from."""
    lines = []
    for setting in SETTINGS:
        value = getattr(profile, setting.field)
        source = profile.sources.get(setting.field, "default")
        lines.append(f"{setting.config_key or setting.field} = {value!s} ({source})")
    return lines
