"""``azlogin [login]``: sign in and write the profile's credentials."""

from __future__ import annotations

import argparse

from ..app import LoginRequest, World, login

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
    from ..cli import add_sign_in_options

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


def request_from(ns: argparse.Namespace) -> LoginRequest:
    from ..cli import sign_in_options

    return LoginRequest(
        profile=ns.profile,
        force_refresh=ns.force_refresh,
        role=ns.role,
        duration_hours=ns.duration,
        sign_in=sign_in_options(ns),
    )


def run(ns: argparse.Namespace, world: World) -> int:
    if ns.all_profiles or ns.profiles:
        from ..multi import refresh_all

        return refresh_all(ns.profiles, request_from(ns), world)
    return login(request_from(ns), world)
