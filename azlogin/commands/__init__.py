"""One module per verb, each with ``EXAMPLES``, ``configure(parser)`` adding its arguments,
and ``run(ns, runtime) -> int``. A module is imported only when its verb runs."""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING, NoReturn, Protocol, cast

from .. import __version__
from ..errors import UsageError

if TYPE_CHECKING:
    from ..runtime import Runtime

# verb -> (module, one-line help); "login" is what a bare ``azlogin --profile X`` runs.
COMMANDS = {
    "login": (
        "azlogin.commands.login",
        "Sign in to AWS through Azure AD (Entra ID) and write temporary credentials "
        "to ~/.aws/credentials.",
    ),
    "env": ("azlogin.commands.env", "print the credentials as shell exports (or JSON, dotenv)"),
    "exec": ("azlogin.commands.exec_", "run a command with the credentials in its environment"),
    "console": ("azlogin.commands.console", "open the AWS console signed in as the profile"),
    "serve": (
        "azlogin.commands.serve",
        "serve the credentials to the AWS SDKs on 127.0.0.1, renewed before they expire",
    ),
    "credential-process": (
        "azlogin.commands.credential_process",
        "print credentials for the AWS SDKs' credential_process",
    ),
    "list": ("azlogin.commands.list_", "list profiles, their tenant, role and expiry"),
    "configure": ("azlogin.commands.configure", "set up a profile's azure_* keys"),
    "completion": ("azlogin.completion", "print a bash, zsh or fish completion script"),
    # Registered like any verb; the sandbox's code loads only when it runs (its extra).
    "sandbox": ("azlogin.sandbox.verb", "run the local sandbox tenant and STS on 127.0.0.1"),
}

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


class Command(Protocol):
    EXAMPLES: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, ns: argparse.Namespace, runtime: Runtime) -> int: ...


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
