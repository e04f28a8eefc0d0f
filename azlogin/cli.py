"""Command-line parsing: argv -> the verb's module and its namespace. No I/O but argparse's.

The verbs and their parsers are :mod:`azlogin.commands`'; this module only picks one.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import names
from .commands import COMMANDS, Command, load, parser_for


@dataclass(frozen=True)
class Invocation:
    command: str
    ns: argparse.Namespace | None = None
    module: Command | None = None
    no_prompt: bool = False
    debug: bool = False


def parse(argv: Sequence[str], env: Mapping[str, str]) -> Invocation:
    args = list(argv)
    command = args.pop(0) if args and args[0] in COMMANDS else "login"
    module = load(command)
    ns = parser_for(command, module).parse_args(args)
    if hasattr(ns, "profile") and not ns.profile:
        ns.profile = names.validate(env.get("AWS_PROFILE") or "default", "AWS_PROFILE")
    return Invocation(
        command=command,
        ns=ns,
        module=module,
        no_prompt=bool(getattr(ns, "no_prompt", False)),
        debug=bool(getattr(ns, "debug", False)),
    )
