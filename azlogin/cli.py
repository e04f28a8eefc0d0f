"""Command-line parsing: argv -> the verb's module and its namespace. No I/O but argparse's."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from . import __version__
from .commands import COMMANDS, Command
from .models import BrowserMode, SignInOptions
from .profiles import MAX_DURATION_HOURS, MIN_DURATION_HOURS

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


def duration(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours") from None
    if not MIN_DURATION_HOURS <= hours <= MAX_DURATION_HOURS:
        raise argparse.ArgumentTypeError(
            f"{text} is outside {MIN_DURATION_HOURS}–{MAX_DURATION_HOURS:g} hours"
        )
    return hours


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        "-p",
        metavar="NAME",
        help="profile of ~/.aws/config (default: $AWS_PROFILE, then 'default')",
    )


def add_sign_in_options(parser: argparse.ArgumentParser) -> None:
    """The options of every verb that may have to sign in."""
    add_profile_option(parser)
    parser.add_argument(
        "--no-prompt",
        action="store_true",
        help="never ask: use the remembered username, role and duration, and "
        "AZURE_DEFAULT_PASSWORD / AZLOGIN_MFA_CODE / AZLOGIN_TOTP_SECRET "
        "(implied when stdin is not a terminal)",
    )
    parser.add_argument(
        "--force-refresh",
        action="store_true",
        help="sign in even if the credentials are still valid for more than 11 minutes",
    )
    parser.add_argument(
        "--role",
        metavar="ARN|NAME",
        help="role to assume: a full ARN, or a role name or path suffix matching exactly one role",
    )
    parser.add_argument(
        "--duration",
        type=duration,
        metavar="HOURS",
        help=f"session length in hours, {MIN_DURATION_HOURS}–{MAX_DURATION_HOURS:g}, fractions "
        "allowed (default: the profile's azure_default_duration_hours, else 8); stepped down "
        "to what the role allows",
    )
    parser.add_argument(
        "--mode",
        choices=[m.value for m in BrowserMode],
        default=BrowserMode.HEADLESS.value,
        help="headless (default): automated, no window; debug: automated in a visible window; "
        "gui: a visible window where you sign in yourself",
    )
    parser.add_argument(
        "--reset-session",
        action="store_true",
        help="forget the remembered browser session of this profile before signing in",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="give up on the whole sign-in after this long (default: 300)",
    )
    parser.add_argument(
        "--mfa-timeout",
        type=float,
        default=180.0,
        metavar="SECONDS",
        help="how long to wait for an MFA approval on the phone (default: 180)",
    )
    parser.add_argument(
        "--no-verify-ssl",
        action="store_true",
        help="do not verify TLS certificates (browser and STS alike); a warning is printed",
    )
    add_debug_option(parser)


def add_debug_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--debug",
        action="store_true",
        help="say where each setting came from and what azlogin does (never secrets)",
    )


def sign_in_options(ns: argparse.Namespace) -> SignInOptions:
    return SignInOptions(
        mode=BrowserMode(ns.mode),
        reset_session=ns.reset_session,
        timeout_seconds=ns.timeout,
        mfa_timeout_seconds=ns.mfa_timeout,
        verify_ssl=not ns.no_verify_ssl,
        debug=ns.debug,
    )


def load(command: str) -> Command:
    return cast(Command, importlib.import_module(COMMANDS[command][0]))


def parser_for(command: str, module: Command) -> argparse.ArgumentParser:
    prog = "azlogin" if command == "login" else f"azlogin {command}"
    epilog = module.EXAMPLES + "\n" + COMMON_EPILOG
    if command == "login":
        verbs = [(verb, text) for verb, (_, text) in COMMANDS.items() if verb != "login"]
        verbs.append(("sandbox", "run the local sandbox tenant and STS on 127.0.0.1"))
        listing = "\n".join(f"  {verb:<20}{text}" for verb, text in verbs)
        epilog = f"commands (azlogin COMMAND --help):\n{listing}\n\n{epilog}"
    parser = argparse.ArgumentParser(
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
    if hasattr(ns, "profile"):
        ns.profile = ns.profile or env.get("AWS_PROFILE") or "default"
    return Invocation(
        command=command,
        ns=ns,
        module=module,
        no_prompt=bool(getattr(ns, "no_prompt", False)),
        debug=bool(getattr(ns, "debug", False)),
    )
