"""Command-line parsing: argv -> the verb's module and its namespace. No I/O but argparse's."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn, cast

from . import __version__, names
from .commands import COMMANDS, Command
from .errors import UsageError

COMMON_EPILOG = """\
exit status:
  0 success, 2 usage error, 3 configuration error, 4 sign-in error,
  5 AWS error, 130 interrupted, 1 unexpected error

environment:
  AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
  AZURE_TENANT_ID, AZURE_APP_ID_URI, AZURE_DEFAULT_USERNAME, AZURE_DEFAULT_PASSWORD,
  AZURE_DEFAULT_ROLE_ARN, AZURE_DEFAULT_DURATION_HOURS (upper or lower case),
  AZLOGIN_MFA_CODE, AZLOGIN_TOTP_SECRET, AZLOGIN_BROWSER, AZLOGIN_STATE_DIR,
  AZLOGIN_PAGE_TIMEOUT, AZLOGIN_LOCK_TIMEOUT
"""


@dataclass(frozen=True)
class Invocation:
    command: str
    ns: argparse.Namespace | None = None
    module: Command | None = None
    no_prompt: bool = False
    debug: bool = False
    rest: tuple[str, ...] = ()


def load(command: str) -> Command:
    return cast(Command, importlib.import_module(COMMANDS[command][0]))


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors raised as ours: one line, a hint, exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}.", f"See '{self.prog} --help'.")


def parser_for(command: str, module: Command) -> argparse.ArgumentParser:
    prog = "azlogin" if command == "login" else f"azlogin {command}"
    epilog = module.EXAMPLES + "\n" + COMMON_EPILOG
    if command == "login":
        verbs = [(verb, text) for verb, (_, text) in COMMANDS.items() if verb != "login"]
        verbs.append(("sandbox", "run the local sandbox tenant and STS on 127.0.0.1"))
        listing = "\n".join(f"  {verb:<20}{text}" for verb, text in verbs)
        epilog = f"commands (azlogin COMMAND --help):\n{listing}\n\n{epilog}"
    parser = Parser(
        prog=prog,
        description=COMMANDS[command][1],
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    module.configure(parser)
    parser.add_argument("--version", action="version", version=f"azlogin {__version__}")
    return parser


def parse(argv: Sequence[str], env: Mapping[str, str]) -> Invocation:
    args = list(argv)
    if args and args[0] == "sandbox":
        return Invocation(command="sandbox", rest=tuple(args[1:]), debug="--debug" in args)
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
