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

The ``aws configure export-credentials --format`` formats (:data:`AWS_FORMATS`) print
what the AWS CLI prints: the credential variables only (no region), ``process`` being the
credential_process JSON. The AWS CLI writes values as they are; here a value that needs
no quoting is written exactly so, and any other is quoted by its target's rules: POSIX
single quotes, PowerShell backtick escapes inside the double quotes its format uses. cmd
has no quoting that holds against ``%``, ``!``, ``^`` and ``"`` alike, so ``windows-cmd``
refuses a value outside the characters AWS uses.
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

# `aws configure export-credentials --format` names (AWS CLI v2), and what they set.
AWS_FORMATS = ("env", "env-no-export", "powershell", "windows-cmd", "process")
AWS_VARIABLES = VARIABLES[:4]
# The credential_process JSON (Version 1) names each variable so.
_PROCESS_KEYS = {
    "AWS_ACCESS_KEY_ID": "AccessKeyId",
    "AWS_SECRET_ACCESS_KEY": "SecretAccessKey",
    "AWS_SESSION_TOKEN": "SessionToken",
    "AWS_CREDENTIAL_EXPIRATION": "Expiration",
}
# PowerShell ends a double-quoted string at any of these quotes, expands $, escapes with `.
_PS_DOUBLE = re.compile('[`$"\u201c\u201d\u201e]')
# Every character of AWS keys, base64 secrets and tokens, and ISO 8601 timestamps; none is
# special to cmd.
_CMD_SAFE = re.compile(r"[A-Za-z0-9+/=:._-]+")

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


def powershell_double_quote(value: str) -> str:
    """A PowerShell expandable string that expands nothing: ``$``, backtick and every
    kind of double quote escaped with a backtick."""
    return '"' + _PS_DOUBLE.sub(lambda m: "`" + m.group(0), value) + '"'


def windows_cmd_line(name: str, value: str) -> str:
    """``set NAME=value``; refuses a value cmd could read as anything but text. The
    message names the variable, never the value: it may be a secret."""
    if not _CMD_SAFE.fullmatch(value):
        raise AwsError(
            f"{name} cannot be written for cmd unchanged: it holds a character cmd may "
            "treat specially (only letters, digits and +/=:._- are written).",
            "Use --format powershell or --format process, which quote any value.",
        )
    return f"set {name}={value}"


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


_AWS_SETTERS: Mapping[str, Callable[[str, str], str]] = {
    "env": lambda name, value: f"export {name}={shlex.quote(value)}",
    "env-no-export": lambda name, value: f"{name}={shlex.quote(value)}",
    "powershell": lambda name, value: f"$Env:{name}={powershell_double_quote(value)}",
    "windows-cmd": windows_cmd_line,
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


def render_aws(credentials: Credentials, fmt: str) -> str:
    """What ``aws configure export-credentials --format fmt`` prints for ``credentials``."""
    return render_aws_variables(variables(credentials, None), fmt)


def render_aws_variables(values: Mapping[str, str], fmt: str) -> str:
    """``values`` in an AWS CLI format; only the credential variables are written."""
    _check_format(fmt, AWS_FORMATS)
    wanted = {name: values[name] for name in AWS_VARIABLES if name in values}
    if fmt == "process":
        document: dict[str, object] = {"Version": 1}
        document.update({_PROCESS_KEYS[name]: value for name, value in wanted.items()})
        return json.dumps(document, indent=2) + "\n"
    setter = _AWS_SETTERS[fmt]
    return "".join(setter(name, value) + "\n" for name, value in wanted.items())


def render_aws_unset(fmt: str) -> str:
    """The text that clears what :func:`render_aws` sets in ``fmt``."""
    _check_format(fmt, AWS_FORMATS)
    names = AWS_VARIABLES
    if fmt in ("env", "env-no-export"):
        return f"unset {' '.join(names)}\n"
    if fmt == "powershell":
        return "".join(f"Remove-Item Env:{name} -ErrorAction SilentlyContinue\n" for name in names)
    if fmt == "windows-cmd":
        return "".join(f"set {name}=\n" for name in names)
    raise UsageError(
        "There is nothing to unset in process output.",
        f"Clearing variables works for: {', '.join(f for f in AWS_FORMATS if f != 'process')}.",
    )


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
