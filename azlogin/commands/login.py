"""``azlogin [login]``: sign in and write the profile's credentials."""

from __future__ import annotations

import argparse

from ..plan import Request
from ..runtime import Runtime

EXAMPLES = """\
examples:
  azlogin --profile dev                 sign in and write [dev] to ~/.aws/credentials
  azlogin --profile dev --role Admin    assume the role named Admin without asking
  azlogin --profile dev --no-prompt     use the remembered username/role (CI, scripts)
  azlogin --profile dev --duration 1.5  ask AWS for a 90-minute session
  azlogin --all-profiles --no-prompt    refresh every azure profile about to expire
  azlogin --profiles 'prod-*'           refresh the profiles matching a glob
  azlogin sandbox                       run the local sandbox tenant to try azlogin
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from ..options import add_sign_in_options

    add_sign_in_options(parser)
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--all-profiles",
        action="store_true",
        help="refresh every azure profile expiring within 11 minutes (all with "
        "--force-refresh); one sign-in per tenant/app/username",
    )
    which.add_argument(
        "--profiles",
        metavar="PATTERN",
        action="append",
        help="like --all-profiles, for profiles matching a shell-style glob (repeatable)",
    )


def request_from(ns: argparse.Namespace) -> Request:
    from ..options import sign_in_options

    return Request(
        profile=ns.profile,
        force_refresh=ns.force_refresh,
        role=ns.role,
        duration_hours=ns.duration,
        sign_in=sign_in_options(ns),
    )


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    if ns.all_profiles or ns.profiles:
        from .login_many import refresh_many

        return refresh_many(ns.profiles, request_from(ns), runtime)
    return login(request_from(ns), runtime)


def login(request: Request, runtime: Runtime) -> int:
    """``azlogin --profile X``: make sure the credentials file has fresh keys for X."""
    from ..credentials import format_time, hours_text
    from ..run import obtain, web_identity

    if web_identity(runtime):
        return 0
    got = obtain(request, runtime)
    if not got.fresh:
        left = (got.credentials.expiration - runtime.clock()).total_seconds()
        runtime.ui.info(
            f"Credentials for profile '{got.profile}' are valid until "
            f"{format_time(got.credentials.expiration)} ({hours_text(left)} left); "
            "use --force-refresh to sign in again."
        )
    return 0
