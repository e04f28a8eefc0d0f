"""``azlogin completion bash|zsh|fish``: a shell completion script for azlogin.

The verbs and each verb's flags are read from the same argparse parsers the CLI uses, so
the scripts cannot drift from the CLI. Profile names are completed at TAB time by
``azlogin completion --profiles``, which reads ~/.aws/config only (no browser, no AWS).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from . import awsfiles, profiles
from .completion_shells import RENDERERS
from .completion_spec import Option, Verb
from .errors import UsageError

if TYPE_CHECKING:
    from .runtime import Runtime

EXAMPLES = """\
examples:
  eval "$(azlogin completion bash)"        bash: in ~/.bashrc
  eval "$(azlogin completion zsh)"         zsh: in ~/.zshrc, after compinit
  azlogin completion fish | source         fish: in ~/.config/fish/config.fish
  azlogin completion bash > ~/.local/share/bash-completion/completions/azlogin
  azlogin completion --profiles            the profile names the scripts complete
"""

SHELLS = ("bash", "zsh", "fish")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", nargs="?", choices=SHELLS, help="the shell to complete in")
    parser.add_argument(
        "--profiles",
        action="store_true",
        help="print the profile names of ~/.aws/config, one per line, and exit",
    )


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    if ns.profiles:
        sections = awsfiles.read_sections(runtime.config_file)
        names = dict.fromkeys(profiles.profile_names(sections))  # [default], [profile default]
        runtime.out.write("".join(f"{name}\n" for name in names))
        return 0
    if ns.shell is None:
        raise UsageError(
            "Say which shell to complete in.", "Run: azlogin completion bash (or zsh, fish)."
        )
    runtime.out.write(RENDERERS[ns.shell](verbs()))
    return 0


def verbs() -> list[Verb]:
    """Every verb with its options, as the CLI's own parsers define them."""
    from .commands import COMMANDS, load, parser_for

    return [
        from_parser(name, text, parser_for(name, load(name)))
        for name, (_, text) in COMMANDS.items()
    ]


def from_parser(name: str, text: str, parser: argparse.ArgumentParser) -> Verb:
    options: list[Option] = []
    positional: tuple[str, ...] = ()
    command = False
    for action in parser._actions:  # argparse has no public way to list them
        if action.help == argparse.SUPPRESS:
            continue
        if not action.option_strings:
            command = command or action.nargs == argparse.REMAINDER
            positional = positional or tuple(str(c) for c in action.choices or ())
            continue
        choices = tuple(str(c) for c in action.choices or ())
        described = short(action.help)
        if choices and len(described) < 15:  # "headless (default): …" says too little
            described = "one of " + ", ".join(choices)
        options.append(
            Option(
                names=tuple(action.option_strings),
                help=described,
                value=_kind(action),
                choices=choices,
                repeats=isinstance(action, argparse._AppendAction),
            )
        )
    return Verb(name, short(text), tuple(options), positional, command)


def _kind(action: argparse.Action) -> str | None:
    if action.nargs == 0:
        return None
    if action.dest in ("profile", "profiles"):
        return "profile"
    if action.choices:
        return "choice"
    if action.type is Path:
        return "file"
    return "text"


def short(text: str | None) -> str:
    """The help's first clause, on one line, without characters the scripts must escape."""
    if not text:
        return ""
    line = " ".join(text.replace("%%", "%").split())
    for stop in (" (", "; ", ": ", ", e.g."):
        line = line.split(stop, 1)[0]
    line = line.replace("[", "(").replace("]", ")").replace(":", " ").rstrip(".")
    if line[:2].istitle():  # "Sign in …" like the other verbs' "print …"; not "AWS …"
        line = line[0].lower() + line[1:]
    return line if len(line) <= 70 else line[:69].rstrip() + "…"
