"""Credentials as environment variables: detect the shell, render (and undo) the exports.

Pure: no I/O. Every value is quoted by the rules of its target, so a value holding quotes,
``$``, backticks or newlines reaches the variable unchanged (real values only hold
``+/=``, but a quoting bug there would be a command injection).
"""

from __future__ import annotations

import json
import logging
import re
import shlex
from collections.abc import Callable, Mapping

from .credentials import format_time
from .errors import UsageError
from .models import Credentials

log = logging.getLogger(__name__)

SHELLS = ("bash", "zsh", "fish", "powershell")
FORMATS = (*SHELLS, "json", "dotenv")
# Everything render() may set, in output order; render_unset() clears exactly these.
VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)

# Process names -> the syntax they take; POSIX shells take bash's `export NAME='value'`.
_SHELL_NAMES = {
    "bash": "bash",
    "zsh": "zsh",
    "fish": "fish",
    "pwsh": "powershell",
    "powershell": "powershell",
    "sh": "bash",
    "dash": "bash",
    "ash": "bash",
    "ksh": "bash",
    "mksh": "bash",
}
# PowerShell ends a single-quoted string at any of these, not only at the ASCII quote.
_PS_QUOTES = re.compile("['\u2018\u2019\u201a\u201b]")


def _shell_of(name: str | None) -> str | None:
    if not name:
        return None
    base = re.split(r"[\\/]", name.strip())[-1].lower()
    base = base.lstrip("-").removesuffix(".exe")  # "-bash" is a login shell
    return _SHELL_NAMES.get(base)


def detect_shell(env: Mapping[str, str], parent_name: str | None = None) -> str:
    """The shell the exports are for: the parent process, else $SHELL, else PowerShell on
    Windows (PSModulePath set, no $SHELL), else bash.

    The parent process wins because $SHELL is the login shell, not necessarily the one
    running azlogin.
    """
    candidates = (
        ("parent process", _shell_of(parent_name)),
        ("$SHELL", _shell_of(env.get("SHELL"))),
        ("PSModulePath", "powershell" if env.get("PSModulePath") else None),
    )
    for source, shell in candidates:
        if shell is not None:
            log.debug("shell: %s (from %s)", shell, source)
            return shell
    log.debug("shell: bash (default)")
    return "bash"


def _values(credentials: Credentials, region: str | None) -> dict[str, str]:
    values = {
        "AWS_ACCESS_KEY_ID": credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
        "AWS_SESSION_TOKEN": credentials.session_token,
        "AWS_CREDENTIAL_EXPIRATION": format_time(credentials.expiration),
    }
    if region:
        values["AWS_REGION"] = values["AWS_DEFAULT_REGION"] = region
    return values


def fish_quote(value: str) -> str:
    """A fish single-quoted word: only ``\\`` and ``'`` are special inside."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def powershell_quote(value: str) -> str:
    """A PowerShell verbatim string: no expansion; a quote is escaped by doubling it."""
    return "'" + _PS_QUOTES.sub(lambda m: m.group(0) * 2, value) + "'"


def dotenv_quote(value: str) -> str:
    """A double-quoted dotenv value as python-dotenv and docker compose read it."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


_SETTERS: Mapping[str, Callable[[str, str], str]] = {
    "bash": lambda name, value: f"export {name}={shlex.quote(value)}",
    "zsh": lambda name, value: f"export {name}={shlex.quote(value)}",
    "fish": lambda name, value: f"set -gx {name} {fish_quote(value)}",
    "powershell": lambda name, value: f"$env:{name} = {powershell_quote(value)}",
    "dotenv": lambda name, value: f"{name}={dotenv_quote(value)}",
}


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise UsageError(f"Unknown output format {fmt!r}.", f"Choose one of: {', '.join(allowed)}.")


def render(credentials: Credentials, region: str | None, fmt: str) -> str:
    """The text that sets the variables in ``fmt`` (a shell, "json" or "dotenv")."""
    _check_format(fmt, FORMATS)
    values = _values(credentials, region)
    if fmt == "json":
        return json.dumps(values, indent=2) + "\n"
    setter = _SETTERS[fmt]
    return "".join(setter(name, value) + "\n" for name, value in values.items())


def render_unset(fmt: str) -> str:
    """The text that clears every variable :func:`render` may set (shells only)."""
    if fmt in ("json", "dotenv"):
        raise UsageError(
            f"There is nothing to unset in {fmt} output.",
            f"Clearing variables works for the shells: {', '.join(SHELLS)}.",
        )
    _check_format(fmt, SHELLS)
    if fmt in ("bash", "zsh"):
        return f"unset {' '.join(VARIABLES)}\n"
    if fmt == "fish":
        return "".join(f"set -e {name}\n" for name in VARIABLES)
    return "".join(f"Remove-Item Env:{name} -ErrorAction SilentlyContinue\n" for name in VARIABLES)
