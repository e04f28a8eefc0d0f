"""The options verbs share (profile, sign-in, debug), and the argparse types that check them.

Verbs import this module, never :mod:`cli`, so the command line is built one way:
``cli`` -> ``commands`` -> ``options``.
"""

from __future__ import annotations

import argparse
import math

from .models import BrowserMode, SignInOptions
from .names import is_valid
from .settings import MAX_DURATION_HOURS, MIN_DURATION_HOURS, hours


def duration(text: str) -> float:
    value = hours(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of hours from {MIN_DURATION_HOURS}–{MAX_DURATION_HOURS:g}"
        )
    return value


def seconds(text: str) -> float:
    """A time limit: a finite number of seconds above zero (not nan, inf, 0 or -5)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0, e.g. 300")
    return value


def profile_name(text: str) -> str:
    """A profile name botocore reads back as written (see :mod:`names`)."""
    if not is_valid(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a profile name botocore reads back as written "
            "(no control characters or outer spaces)"
        )
    return text


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        "-p",
        type=profile_name,
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
        help="headless (default): automated, over HTTP where it can (azlogin_signin), else in "
        "a browser without a window; debug: automated in a visible window; gui: a visible "
        "window where you sign in yourself",
    )
    parser.add_argument(
        "--reset-session",
        action="store_true",
        help="forget the remembered session (cookies and browser profile) of this profile's "
        "identity before signing in",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=300.0,
        metavar="SECONDS",
        help="give up on the whole sign-in after this long (default: 300)",
    )
    parser.add_argument(
        "--mfa-timeout",
        type=seconds,
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
    )
