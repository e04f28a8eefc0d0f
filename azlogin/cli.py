"""Command-line parsing: argv -> a typed request. No I/O beyond argparse's own."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import __version__
from .app import LoginRequest
from .models import BrowserMode, SignInOptions
from .profiles import MAX_DURATION_HOURS, MIN_DURATION_HOURS

EXAMPLES = """\
examples:
  azlogin --profile dev                 sign in and write [dev] to ~/.aws/credentials
  azlogin --profile dev --role Admin    assume the role named Admin without asking
  azlogin --profile dev --no-prompt     use the remembered username/role (CI, scripts)
  azlogin --profile dev --duration 1.5  ask AWS for a 90-minute session
  azlogin sandbox                       run the local sandbox tenant to try azlogin

exit status:
  0 success, 2 usage error, 3 configuration error, 4 sign-in error,
  5 AWS error, 130 interrupted, 1 unexpected error

environment:
  AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
  AZURE_TENANT_ID, AZURE_APP_ID_URI, AZURE_DEFAULT_USERNAME, AZURE_DEFAULT_PASSWORD,
  AZURE_DEFAULT_ROLE_ARN, AZURE_DEFAULT_DURATION_HOURS (upper or lower case),
  AZLOGIN_MFA_CODE, AZLOGIN_TOTP_SECRET, AZLOGIN_BROWSER, AZLOGIN_STATE_DIR
"""

COMMANDS = ("login", "sandbox")


@dataclass(frozen=True)
class Invocation:
    command: str
    login: LoginRequest | None = None
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


def login_parser(prog: str = "azlogin") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Sign in to AWS through Azure AD (Entra ID) and write temporary "
        "credentials to ~/.aws/credentials.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--profile",
        "-p",
        metavar="NAME",
        help="profile of ~/.aws/config to sign in for (default: $AWS_PROFILE, then 'default')",
    )
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
        help="sign in even if the profile's credentials are still valid for more than 11 minutes",
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
        "--debug",
        action="store_true",
        help="say where each setting came from and what the sign-in does (never secrets)",
    )
    parser.add_argument("--version", action="version", version=f"azlogin {__version__}")
    return parser


def parse(argv: Sequence[str], env: Mapping[str, str]) -> Invocation:
    args = list(argv)
    if args and args[0] in COMMANDS and args[0] != "login":
        return Invocation(command=args[0], rest=tuple(args[1:]), debug="--debug" in args)
    if args and args[0] == "login":
        args = args[1:]
    ns = login_parser().parse_args(args)
    profile = ns.profile or env.get("AWS_PROFILE") or "default"
    request = LoginRequest(
        profile=profile,
        force_refresh=ns.force_refresh,
        role=ns.role,
        duration_hours=ns.duration,
        sign_in=SignInOptions(
            mode=BrowserMode(ns.mode),
            reset_session=ns.reset_session,
            timeout_seconds=ns.timeout,
            mfa_timeout_seconds=ns.mfa_timeout,
            debug=ns.debug,
        ),
    )
    return Invocation(command="login", login=request, no_prompt=ns.no_prompt, debug=ns.debug)
