"""What a completion script completes: the verbs, their options, and the command that
lists profile names at TAB time; :mod:`azlogin.completion` reads them from the CLI's parsers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]  # e.g. ("--profile", "-p")
    help: str
    value: str | None = None  # None (a flag), "profile", "choice", "file" or "text"
    choices: tuple[str, ...] = ()
    repeats: bool = False


@dataclass(frozen=True)
class Verb:
    name: str
    help: str
    options: tuple[Option, ...]
    positional: tuple[str, ...] = ()  # the choices of its one positional argument, if any
    command: bool = False  # takes a command after ``--`` (exec)


PROFILES = "command azlogin completion --profiles 2>/dev/null"


def sh_quote(text: str) -> str:
    """Single-quoted for bash and zsh."""
    return "'" + text.replace("'", "'\\''") + "'"
