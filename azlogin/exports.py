"""Credentials as environment variables: detect the shell, render (and undo) the exports.

Pure: no I/O. Every value is quoted by the rules of its target, so a value holding quotes,
``$``, backticks or newlines reaches the variable unchanged (real values only hold
``+/=``, but a quoting bug there would be a command injection).

dotenv is the exception: one file is read by two parsers that disagree on quoting.
python-dotenv strips quotes and expands ``${VAR}``; docker's ``--env-file`` takes
everything after the first ``=`` literally (newer versions also drop one pair of
matching outer quotes). So values are written unquoted, and a value only one of them
would read back unchanged is refused rather than written corrupted. Every character AWS
uses in keys, tokens, timestamps and region names passes.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
from collections.abc import Callable, Mapping

from .credentials import format_time
from .errors import AwsError, ConfigError, UsageError
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


def variables(credentials: Credentials, region: str | None) -> dict[str, str]:
    """Every variable that carries ``credentials`` (and ``region``, when given)."""
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


def dotenv_problem(value: str) -> str | None:
    """Why ``value`` would not come back unchanged from a ``NAME=value`` line in both
    python-dotenv and docker's ``--env-file``; None when it would."""
    if not value.isprintable():  # line breaks, tabs, NUL, other invisible characters
        return "holds a line break, tab or other non-printable character"
    if value[:1] == " " or value[-1:] == " ":
        return "starts or ends with a space (python-dotenv strips it)"
    if value[:1] in ("'", '"'):
        return "starts with a quote (python-dotenv and docker would disagree)"
    if " #" in value:
        return "holds ' #' (python-dotenv reads a comment)"
    if "${" in value:
        return "holds '${' (python-dotenv expands a variable)"
    return None


def dotenv_line(name: str, value: str) -> str:
    """``NAME=value``, unquoted; refuses a value the readers would change (see above).

    The message names the variable and the reason, never the value: it may be a secret.
    """
    problem = dotenv_problem(value)
    if problem is None:
        return f"{name}={value}"
    if name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        raise ConfigError(
            f"The region cannot be written to a dotenv file unchanged: it {problem}.",
            "Set a region name such as eu-west-1 in the profile or AWS_REGION.",
        )
    raise AwsError(
        f"{name} cannot be written to a dotenv file unchanged: it {problem}.",
        "Use --json, or the shell exports (--shell bash), which quote any value.",
    )


_SETTERS: Mapping[str, Callable[[str, str], str]] = {
    "bash": lambda name, value: f"export {name}={shlex.quote(value)}",
    "zsh": lambda name, value: f"export {name}={shlex.quote(value)}",
    "fish": lambda name, value: f"set -gx {name} {fish_quote(value)}",
    "powershell": lambda name, value: f"$env:{name} = {powershell_quote(value)}",
    "dotenv": dotenv_line,
}


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise UsageError(f"Unknown output format {fmt!r}.", f"Choose one of: {', '.join(allowed)}.")


def render(credentials: Credentials, region: str | None, fmt: str) -> str:
    """The text that sets the variables in ``fmt`` (a shell, "json" or "dotenv")."""
    return render_variables(variables(credentials, region), fmt)


def render_variables(values: Mapping[str, str], fmt: str) -> str:
    """The text that sets ``values`` in ``fmt`` (a shell, "json" or "dotenv")."""
    _check_format(fmt, FORMATS)
    if fmt == "json":
        return json.dumps(dict(values), indent=2) + "\n"
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
