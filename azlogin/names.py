"""Profile names and section headers exactly as botocore reads them.

botocore reads both files with ``configparser``: a header is everything between the first
``[`` and the last ``]`` of its (stripped) line, taken verbatim, so ``[ bob ]`` in the
credentials file is the profile ``" bob "``. In the config file only ``[default]`` and
sections whose header starts with ``profile`` and ``shlex.split``\\ s into exactly two words
are profiles: ``[profile dev]``, ``[profile "dev profile"]``; ``[profile dev profile]`` is
silently no profile at all. A later section of the same profile replaces an earlier one.

azlogin refuses a name it could not write so that botocore reads it back as the same
name, and names that only look like another one (outer spaces, control characters).
"""

from __future__ import annotations

import shlex
import unicodedata
from collections.abc import Iterable

from .errors import ConfigError

# configparser's default_section: its keys would apply to every profile of the file.
_CONFIGPARSER_DEFAULT = "DEFAULT"


def _problem(name: str) -> str | None:
    if not name:
        return "is empty"
    if name != name.strip():
        return "starts or ends with white space, which botocore keeps as part of the name"
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in name):
        return "contains a control character or line break"
    if name == _CONFIGPARSER_DEFAULT:
        return "is configparser's section of defaults for every profile"
    if _config_header(name) is None:
        return "cannot be written as a [profile …] header that botocore reads back"
    return None


def validate(name: str, where: str) -> str:
    """``name`` when botocore reads it back exactly as written; else a ConfigError."""
    problem = _problem(name)
    if problem is not None:
        raise ConfigError(
            f"Profile name {name!r} ({where}) {problem}.",
            "Use letters, digits and - _ . @ + (as `aws configure --profile` would).",
        )
    return name


def is_valid(name: str) -> bool:
    return _problem(name) is None


def _config_header(name: str) -> str | None:
    if name == "default":
        return "default"
    plain = f"profile {name}"
    if _split(plain) == ["profile", name]:
        return plain
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    quoted = f'profile "{escaped}"'
    return quoted if _split(quoted) == ["profile", name] else None


def config_header(name: str) -> str:
    """The header (without brackets) azlogin writes for ``name`` in the config file."""
    header = _config_header(name)
    if header is None:  # validate() refuses such names before anything is written
        raise ConfigError(
            f"Profile name {name!r} cannot be written to the config file.",
            "Rename the profile (letters, digits and - _ . @ +).",
        )
    return header


def _split(header: str) -> list[str] | None:
    try:
        return shlex.split(header)
    except ValueError:
        return None


def config_profiles(headers: Iterable[str]) -> dict[str, str]:
    """Profile name -> the config-file header botocore takes it from (the last one wins)."""
    found: dict[str, str] = {}
    for header in headers:
        if header.startswith("profile"):
            parts = _split(header)
            if parts is not None and len(parts) == 2:
                found[parts[1]] = header
        elif header == "default":
            found["default"] = header
    return found


def unreadable_profile_headers(headers: Iterable[str]) -> list[str]:
    """Headers that look like profiles to a person but that botocore ignores."""
    return [
        header
        for header in headers
        if header.startswith("profile") and len(_split(header) or ()) != 2
    ]
