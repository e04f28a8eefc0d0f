"""``azlogin configure``: set a profile's azure_* keys and region, by flags or a short wizard.

Flags are applied as given; every setting without a flag is asked (current value offered)
when a person is at the terminal, and kept as it is with ``--no-prompt`` or without a
terminal. Only the changed keys of the profile's section are written; comments, other
sections and the order of the file stay byte for byte.

The wizard asks through the runtime's UI (``ask_text``/``confirm``), like the sign-in does;
its questions, checks and flags come from the settings table (:mod:`azlogin.settings`).
A current value is offered: Enter keeps it, typing replaces it, and ``-`` removes an
optional key (an empty answer cannot: it keeps the value).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .. import awsfiles, profiles
from ..errors import Interrupted, UsageError
from ..redact import log
from ..settings import ASKED, Setting

if TYPE_CHECKING:
    from ..runtime import Runtime
    from ..ui import UI

EXAMPLES = """\
examples:
  azlogin configure --profile dev       ask for each setting, current values offered
  azlogin configure --profile dev --no-prompt \\
      --tenant-id contoso.onmicrosoft.com --app-id-uri https://signin.aws.amazon.com/saml#1
  azlogin configure --profile dev --duration-hours 4 --no-remember-me
  azlogin configure --profile dev --role-arn ''    forget the default role (pick each time)
"""


CLEAR = "-"  # a wizard answer that removes an optional key


def question(setting: Setting, current: str = "", *, flag: bool = False) -> str:
    """The wizard's question (or the flag's help): an optional key says what unset means,
    and how to get there: an empty answer when nothing is set, else ``-``."""
    text = (setting.question or setting.key).rstrip(":")
    if setting.required or setting.boolean:
        return text if flag else setting.question or setting.key
    how = CLEAR if current and not flag else "empty"
    return f"{text} ({how}: {setting.unset or 'none'})" + ("" if flag else ":")


def _same(setting: Setting, current: str | None, new: str | None) -> bool:
    old = current or ("false" if setting.boolean else None)
    if old is not None and setting.check(old) is None:
        old = setting.canonical(old)
    return old == new


def configure(parser: argparse.ArgumentParser) -> None:
    from ..options import add_debug_option, add_profile_option

    add_profile_option(parser)
    for setting in ASKED:
        if setting.boolean:
            parser.add_argument(
                setting.flag,
                action=argparse.BooleanOptionalAction,
                default=None,
                help="keep the browser session so later sign-ins skip the password",
            )
        else:
            help_ = question(setting, flag=True)
            parser.add_argument(setting.flag, metavar=setting.metavar, help=help_)
    parser.add_argument(
        "--no-prompt",
        action="store_true",
        help="apply the flags only, ask nothing (implied when stdin is not a terminal)",
    )
    add_debug_option(parser)


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    name: str = ns.profile
    sections = awsfiles.read_sections(runtime.config_file)
    section = profiles.section_header(sections, name)
    current = {k: profiles.unescape(v).strip() for k, v in sections.get(section, {}).items()}
    wanted = from_flags(ns)
    sources = dict.fromkeys(wanted, "flag")
    if runtime.ui.interactive and not ns.no_prompt:
        runtime.ui.info(f"Profile '{name}' in {awsfiles.display(runtime.config_file)}:")
        try:
            answers = ask([s for s in ASKED if s.key not in wanted], current, runtime.ui)
        except Interrupted:
            raise Interrupted("Cancelled; no file was changed.") from None
        wanted.update(answers)
        sources.update(dict.fromkeys(answers, "wizard"))
    for setting in ASKED:
        log.debug("configure: %s from %s", setting.key, sources.get(setting.key, "config (kept)"))
    missing = [
        s.flag for s in ASKED if s.required and not (wanted.get(s.key) or current.get(s.key))
    ]
    if missing:
        raise UsageError(
            f"Profile '{name}' needs {' and '.join(missing)}.",
            "Pass them, or run `azlogin configure` in a terminal without --no-prompt to be asked.",
        )
    changes = {
        s.key: wanted[s.key]
        for s in ASKED
        if s.key in wanted and not _same(s, current.get(s.key), wanted[s.key])
    }
    if not changes:
        runtime.ui.info(f"Profile '{name}' is already configured so; nothing changed.")
        return 0
    awsfiles.update_section(runtime.config_file, section, changes, notify=runtime.ui.info)
    verb = "Updated" if section in sections else "Added"
    runtime.ui.info(f"{verb} [{section}] in {awsfiles.display(runtime.config_file)}:")
    for key, value in changes.items():
        was = f" (was {current[key]})" if current.get(key) else ""
        runtime.ui.info(f"  {key} = {value}{was}" if value is not None else f"  {key} removed{was}")
    return 0


def from_flags(ns: argparse.Namespace) -> dict[str, str | None]:
    """The settings given as flags, checked; an empty value removes an optional key."""
    given: dict[str, str | None] = {}
    for setting in ASKED:
        value = getattr(ns, setting.field, None)
        if value is None:
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value).strip()
        if not text and setting.required:
            raise UsageError(f"{setting.flag} is empty.", setting.hint)
        problem = setting.check(text) if text else None
        if problem:
            raise UsageError(f"{setting.flag} {text!r} is {problem}.", setting.hint)
        given[setting.key] = setting.canonical(text)
    return given


def ask(settings: Sequence[Setting], current: Mapping[str, str], ui: UI) -> dict[str, str | None]:
    """The wizard: one question per setting, current value as the default; checked as typed."""
    answers: dict[str, str | None] = {}
    for setting in settings:
        value = current.get(setting.key, "")
        asked = question(setting, value)
        if setting.boolean:
            default = not setting.check(value) and setting.canonical(value) == "true"
            answers[setting.key] = "true" if ui.confirm(asked, bool(value) and default) else "false"
            continue

        def check(text: str, setting: Setting = setting) -> str | None:
            text = text.strip()
            if not text or text == CLEAR:
                return "Required." if setting.required else None
            problem = setting.check(text)
            return f"{text!r} is {problem}. {setting.hint}" if problem else None

        answer = ui.ask_text(asked, value, check).strip()
        answers[setting.key] = None if answer == CLEAR else setting.canonical(answer)
    return answers
