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
from collections.abc import Mapping
from pathlib import Path

from . import settings
from .awsfiles import config_section, display, read_sections
from .errors import ConfigError
from .models import Profile
from .names import config_profiles, unreadable_profile_headers
from .partitions import default_acs_url
from .settings import DEFAULT_AUTHORITY, DEFAULT_DURATION_HOURS, SETTINGS, Setting

BY_FIELD = {setting.field: setting for setting in SETTINGS}

# Checked when a profile is read; the others are checked where they are used, or not at all
# (an app ID URI is whatever Entra's app says it is).
_CHECKED_ON_READ = (
    "tenant_id", "remember_me", "mfa_method", "first_factor", "region", "signin", "store",
)  # fmt: skip


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
    """The config file's profiles, as botocore finds them (see :mod:`names`)."""
    return list(config_profiles(sections))


def section_header(sections: Mapping[str, object], name: str) -> str:
    """The header of ``name``'s section: the one botocore reads, else the one to write."""
    return config_profiles(sections).get(name) or config_section(name)


def find_section(sections: Mapping[str, dict[str, str]], name: str) -> dict[str, str] | None:
    """``name``'s keys in the config file, from the section botocore would read."""
    header = config_profiles(sections).get(name)
    return sections[header] if header is not None else None


def missing_profile(
    name: str, sections: Mapping[str, dict[str, str]], config_file: Path
) -> ConfigError:
    """A profile botocore does not find: a near name, or a header botocore cannot read."""
    file = display(config_file)
    unreadable = [h for h in unreadable_profile_headers(sections) if name in h]
    if unreadable:
        return ConfigError(
            f"[{unreadable[0]}] in {file} is not a profile botocore can read "
            "(a name with spaces needs quotes).",
            f'Write the header as [profile "{name}"], or rename the profile.',
        )
    known = profile_names(sections)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if close:
        hint = f"Did you mean: {', '.join(close)}?"
    elif known:
        hint = f"Known profiles: {', '.join(known)}."
    else:
        hint = f"Add one with the keys of config.example.ini to {file}."
    return ConfigError(f"Profile '{name}' is not in {file}.", hint)


def _invalid(name: str, setting: Setting, value: str, source: str) -> ConfigError:
    return ConfigError(
        f"Profile '{name}': {setting.key} = {value!r} is {setting.problem} ({source}).",
        setting.hint,
    )


def load_profile(
    name: str,
    env: Mapping[str, str],
    config_file: Path,
    *,
    sections: Mapping[str, dict[str, str]] | None = None,
    role: str | None = None,
    duration_hours: float | None = None,
) -> Profile:
    """Resolve profile ``name``; flags are the keyword arguments. ``sections``: the config
    file already read (else it is read here)."""
    sections = read_sections(config_file) if sections is None else sections
    section = find_section(sections, name)
    where_file = f"{display(config_file)} [{section_header(sections, name)}]"
    if section is None:
        # Environment-only use (CI) needs no section, as with aws-azure-login's variables.
        if not (env_value(env, ("AZURE_TENANT_ID",)) and env_value(env, ("AZURE_APP_ID_URI",))):
            raise missing_profile(name, sections, config_file)
        section = {}

    raw, sources = _layers(env, section, where_file)
    if role:
        raw["role_arn"], sources["role_arn"] = role, "flag --role"
    if duration_hours is not None:
        raw["duration_hours"], sources["duration_hours"] = str(duration_hours), "flag --duration"
    _check(name, raw, sources, f"[{section_header(sections, name)}]", config_file)
    duration = settings.hours(raw.get("duration_hours", str(DEFAULT_DURATION_HOURS)))
    if duration is None:
        raise _invalid(
            name, BY_FIELD["duration_hours"], raw["duration_hours"], sources["duration_hours"]
        )
    region = raw.get("region", "").strip() or None
    sources.setdefault("acs_url", "default (from the region's partition)")
    for setting in SETTINGS:
        sources.setdefault(setting.field, "default")
    return Profile(
        name=name,
        tenant_id=raw["tenant_id"].strip(),
        app_id_uri=raw["app_id_uri"].strip(),
        region=region,
        username=raw.get("username"),
        role_arn=raw.get("role_arn"),
        duration_hours=duration,
        remember_me=bool(settings.boolean(raw.get("remember_me", "false"))),
        authority_host=raw.get("authority_host", DEFAULT_AUTHORITY),
        acs_url=raw.get("acs_url") or default_acs_url(region),
        browser=raw.get("browser"),
        mfa_method=settings.mfa_method(raw.get("mfa_method", "")),
        first_factor=raw.get("first_factor", "").strip().lower() or None,
        signin=raw.get("signin", "auto").strip().lower(),
        store=raw.get("store", "file").strip().lower(),
        account_aliases=raw.get("account_aliases"),
        federation_url=raw.get("federation_url"),
        sources=sources,
    )


def _layers(
    env: Mapping[str, str], section: Mapping[str, str], where_file: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Each setting's text from the environment, else the config file; and its source."""
    raw: dict[str, str] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        from_env = env_value(env, setting.env)
        if from_env:
            raw[setting.field], sources[setting.field] = from_env[0], f"env {from_env[1]}"
        elif section.get(setting.key):
            raw[setting.field] = unescape(section[setting.key])
            sources[setting.field] = f"config {where_file} {setting.key}"
    return raw, sources


def _check(
    name: str, raw: Mapping[str, str], sources: Mapping[str, str], header: str, file: Path
) -> None:
    """Required settings present; those checked on read valid (see _CHECKED_ON_READ)."""
    for setting in SETTINGS:
        if setting.required and not raw.get(setting.field, "").strip():
            raise ConfigError(
                f"Profile '{name}' has no {setting.key} in {display(file)}.",
                f"Add '{setting.key} = …' to {header} "
                f"(or set {setting.env[0]}); see config.example.ini.",
            )
        value = raw.get(setting.field, "").strip()
        if value and setting.field in _CHECKED_ON_READ and setting.check(value):
            raise _invalid(name, setting, value, sources[setting.field])


def store_choice(
    name: str, env: Mapping[str, str], config_file: Path, sections: Mapping[str, dict[str, str]]
) -> tuple[str, str]:
    """Where ``name``'s private secrets are kept (``azlogin_store``), and where that came
    from: the environment, else the profile's section, else (a chained profile) its
    ``source_profile``'s, up to the azure profile it starts from, else ``file``. A chain's
    keys then go where its root's do, as its root's remembered session does."""
    setting = BY_FIELD["store"]
    found = env_value(env, setting.env)
    value, source = (found[0], f"env {found[1]}") if found else ("file", "default")
    current, seen = name, set()
    while not found and current and current not in seen:
        seen.add(current)
        section = find_section(sections, current)
        if section is None:
            break
        if section.get(setting.key):
            value = unescape(section[setting.key])
            header = section_header(sections, current)
            source = f"config {display(config_file)} [{header}] {setting.key}"
            break
        current = section.get("source_profile", "").strip()
    value = value.strip().lower()
    if setting.check(value):
        raise _invalid(name, setting, value, source)
    return value, source


def describe_sources(profile: Profile) -> list[str]:
    """Lines for --debug: each setting, its (non-secret) value and where it came from."""
    lines = []
    for setting in SETTINGS:
        value = getattr(profile, setting.field)
        source = profile.sources.get(setting.field, "default")
        lines.append(f"{setting.key} = {value!s} ({source})")
    return lines
