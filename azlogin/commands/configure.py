"""``azlogin configure``: set a profile's azure_* keys and region, by flags or a short wizard.

Flags are applied as given; every setting without a flag is asked (current value offered)
when a person is at the terminal, and kept as it is with ``--no-prompt`` or without a
terminal. Only the changed keys of the profile's section are written; comments, other
sections and the order of the file stay byte for byte.

The wizard asks with questionary directly, in this thread (no browser loop is running),
through the prompt_toolkit input/output of ``world.ui``'s :class:`~azlogin.ui.TerminalUI`
(unwrapped from ``EnvAnswers``/``RememberingUI`` through ``.inner``): tests hand the
TerminalUI a pipe; otherwise prompt_toolkit's current session (the terminal) is used.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import awsfiles, profiles
from ..app import World
from ..errors import ConfigError, Interrupted, UsageError
from ..redact import log

EXAMPLES = """\
examples:
  azlogin configure --profile dev       ask for each setting, current values offered
  azlogin configure --profile dev --no-prompt \\
      --tenant-id contoso.onmicrosoft.com --app-id-uri https://signin.aws.amazon.com/saml#1
  azlogin configure --profile dev --duration-hours 4 --no-remember-me
  azlogin configure --profile dev --role-arn ''    forget the default role (pick each time)
"""

_TENANT = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$",
    re.IGNORECASE,
)
_URI = re.compile(r"^(https://[^\s/?#]+\S*|urn:[a-z0-9][a-z0-9-]*:\S+)$", re.IGNORECASE)
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/\S+$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_WORD = re.compile(r"^\S+$")
_BOOL = re.compile(r"^(true|false|yes|no|on|off|1|0)$", re.IGNORECASE)


@dataclass(frozen=True)
class Field:
    key: str  # in the profile's section of ~/.aws/config
    dest: str  # of its command-line flag
    question: str
    pattern: re.Pattern[str] | None  # None: a duration
    problem: str  # what a value that does not fit is
    hint: str
    required: bool = False
    absent: str | None = None  # what a missing key means

    @property
    def flag(self) -> str:
        return "--" + self.dest.replace("_", "-")

    def check(self, text: str) -> str | None:
        """What is wrong with a non-empty value, or None."""
        if self.pattern is not None:
            return None if self.pattern.match(text) else self.problem
        try:
            profiles.parse_duration(text, self.key)
        except ConfigError:
            return self.problem
        return None

    def canonical(self, text: str) -> str | None:
        """The value to write for a checked ``text``; None (remove the key) when empty."""
        text = text.strip()
        if not text:
            return None
        if self.pattern is None:
            return f"{float(text):g}"
        if self.pattern is _BOOL:
            return str(profiles.parse_bool(text, self.key)).lower()
        return text

    def same(self, current: str | None, new: str | None) -> bool:
        old = current or self.absent
        if old is not None and self.check(old) is None:
            old = self.canonical(old)
        return old == new


FIELDS = (
    Field(
        "azure_tenant_id",
        "tenant_id",
        "Azure tenant ID (GUID or domain):",
        _TENANT,
        "neither a GUID nor a domain",
        "Copy the Directory (tenant) ID from the Entra admin center, e.g. "
        "contoso.onmicrosoft.com or 00000000-0000-0000-0000-000000000000.",
        required=True,
    ),
    Field(
        "azure_app_id_uri",
        "app_id_uri",
        "App ID URI of the AWS enterprise app:",
        _URI,
        "not an https:// or urn: URI",
        "Copy the Identifier (Entity ID) from the app's single sign-on page, "
        "e.g. https://signin.aws.amazon.com/saml#1.",
        required=True,
    ),
    Field(
        "azure_default_username",
        "username",
        "Default username (empty: ask each time):",
        _WORD,
        "not a sign-in name (it has spaces)",
        "Use the sign-in name, e.g. alice@contoso.com.",
    ),
    Field(
        "azure_default_role_arn",
        "role_arn",
        "Default role ARN (empty: pick each time):",
        _ROLE_ARN,
        "not an IAM role ARN",
        "Write the full ARN, e.g. arn:aws:iam::123456789012:role/Developer.",
    ),
    Field(
        "azure_default_duration_hours",
        "duration_hours",
        f"Session length in hours, {profiles.MIN_DURATION_HOURS}-"
        f"{profiles.MAX_DURATION_HOURS:g} (empty: {profiles.DEFAULT_DURATION_HOURS:g}):",
        None,
        f"not a number of hours from {profiles.MIN_DURATION_HOURS} to "
        f"{profiles.MAX_DURATION_HOURS:g}",
        "AWS sessions last from 15 minutes to 12 hours, e.g. 8 or 0.5.",
    ),
    Field(
        "azure_default_remember_me",
        "remember_me",
        "Stay signed in (remember the browser session)?",
        _BOOL,
        "not true or false",
        "Use --remember-me or --no-remember-me.",
        absent="false",
    ),
    Field(
        "region",
        "region",
        "AWS region (empty: none):",
        _REGION,
        "not an AWS region name",
        "Use a region name such as eu-west-1 or us-east-1.",
    ),
)


_METAVARS = {
    "tenant_id": "TENANT",
    "app_id_uri": "URI",
    "role_arn": "ARN",
    "duration_hours": "HOURS",
}


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_debug_option, add_profile_option

    add_profile_option(parser)
    for field in FIELDS:
        if field.dest == "remember_me":
            parser.add_argument(
                "--remember-me",
                action=argparse.BooleanOptionalAction,
                default=None,
                help="keep the browser session so later sign-ins skip the password",
            )
        else:
            metavar = _METAVARS.get(field.dest, field.dest.upper())
            parser.add_argument(field.flag, metavar=metavar, help=field.question.rstrip(":"))
    parser.add_argument(
        "--no-prompt",
        action="store_true",
        help="apply the flags only, ask nothing (implied when stdin is not a terminal)",
    )
    add_debug_option(parser)


def run(ns: argparse.Namespace, world: World) -> int:
    name: str = ns.profile
    if not name.strip() or any(c in name for c in "[]\r\n"):
        raise UsageError(f"{name!r} cannot be a profile name.", "Use letters, digits, - and _.")
    sections = awsfiles.read_sections(world.config_file)
    section = _section_name(sections, name)
    current = {k: profiles.unescape(v).strip() for k, v in sections.get(section, {}).items()}
    wanted = from_flags(ns)
    sources = dict.fromkeys(wanted, "flag")
    if world.ui.interactive and not ns.no_prompt:
        world.ui.info(f"Profile '{name}' in {awsfiles.display(world.config_file)}:")
        answers = ask([f for f in FIELDS if f.key not in wanted], current, _prompt_io(world.ui))
        wanted.update(answers)
        sources.update(dict.fromkeys(answers, "wizard"))
    for field in FIELDS:
        log.debug("configure: %s from %s", field.key, sources.get(field.key, "config (kept)"))
    missing = [
        f.flag for f in FIELDS if f.required and not (wanted.get(f.key) or current.get(f.key))
    ]
    if missing:
        raise UsageError(
            f"Profile '{name}' needs {' and '.join(missing)}.",
            "Pass them, or run `azlogin configure` in a terminal without --no-prompt to be asked.",
        )
    changes = {
        f.key: wanted[f.key]
        for f in FIELDS
        if f.key in wanted and not f.same(current.get(f.key), wanted[f.key])
    }
    if not changes:
        world.ui.info(f"Profile '{name}' is already configured so; nothing changed.")
        return 0
    awsfiles.update_section(world.config_file, section, changes, notify=world.ui.info)
    verb = "Updated" if section in sections else "Added"
    world.ui.info(f"{verb} [{section}] in {awsfiles.display(world.config_file)}:")
    for key, value in changes.items():
        was = f" (was {current[key]})" if current.get(key) else ""
        world.ui.info(f"  {key} = {value}{was}" if value is not None else f"  {key} removed{was}")
    return 0


def from_flags(ns: argparse.Namespace) -> dict[str, str | None]:
    """The settings given as flags, checked; an empty value removes an optional key."""
    given: dict[str, str | None] = {}
    for field in FIELDS:
        value = getattr(ns, field.dest, None)
        if value is None:
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value).strip()
        if not text and field.required:
            raise UsageError(f"{field.flag} is empty.", field.hint)
        problem = field.check(text) if text else None
        if problem:
            raise UsageError(f"{field.flag} {text!r} is {problem}.", field.hint)
        given[field.key] = field.canonical(text)
    return given


def ask(
    fields: Sequence[Field], current: Mapping[str, str], io: Mapping[str, Any]
) -> dict[str, str | None]:
    """The wizard: one question per field, current value as the default; checked as typed."""
    import questionary

    answers: dict[str, str | None] = {}
    for field in fields:
        value = current.get(field.key, "")
        if field.pattern is _BOOL:
            default = bool(value) and not field.check(value) and field.canonical(value) == "true"
            yes = _answer(questionary.confirm(field.question, default=default, **io))
            answers[field.key] = "true" if yes else "false"
            continue

        def validate(text: str, field: Field = field) -> bool | str:
            text = text.strip()
            if not text:
                return "Required." if field.required else True
            problem = field.check(text)
            return f"{text!r} is {problem}. {field.hint}" if problem else True

        question = questionary.text(field.question, default=value, validate=validate, **io)
        answers[field.key] = field.canonical(str(_answer(question)))
    return answers


def _answer(question: Any) -> Any:
    # In this thread, unlike TerminalUI._ask: no Playwright loop runs during configure.
    try:
        return question.unsafe_ask()
    except EOFError:  # Ctrl-D, or the input closed
        raise Interrupted("Cancelled; no file was changed.") from None


def _section_name(sections: Mapping[str, object], name: str) -> str:
    """The profile's existing section, however spelt; else the one botocore reads."""
    candidates = [awsfiles.config_section(name), f'profile "{name}"']
    if name == "default":
        candidates.append("profile default")
    return next((c for c in candidates if c in sections), candidates[0])


def _prompt_io(ui: object) -> dict[str, Any]:
    from ..ui import TerminalUI

    while not isinstance(ui, TerminalUI) and hasattr(ui, "inner"):
        ui = ui.inner
    return dict(getattr(ui, "_io", {})) if isinstance(ui, TerminalUI) else {}
