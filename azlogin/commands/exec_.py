"""``azlogin exec``: run a command with the profile's credentials in its environment."""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..models import Credentials
from ..redact import SECRET_VARIABLES

if TYPE_CHECKING:
    from ..runtime import Runtime

EXAMPLES = """\
examples:
  azlogin exec --profile dev -- aws s3 ls
  azlogin exec --profile client -- terraform plan     a chained cross-account profile
"""
# Never handed on: the old credentials (AWS_SECURITY_TOKEN is the session token's legacy
# name, which older SDKs still read), and the profile selectors, so that a tool in the
# child cannot switch back to the profile and sign in through its credential chain (the
# same list as aws-vault's exec). The new keys are set after this, the region too when
# the profile has one; otherwise the parent's AWS_REGION stays, as the user chose it.
STALE = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
)
# A container's own credential variables would point the SDKs elsewhere than our server.
SERVER_VARIABLES = (
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
)


def without(parent: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """``parent`` without ``names`` in any letter case (Windows ignores it; so do we)."""
    drop = {name.upper() for name in names}
    return {k: v for k, v in parent.items() if k.upper() not in drop}


def child_environment(
    parent: Mapping[str, str], credentials: Credentials | None, region: str | None
) -> dict[str, str]:
    """What the command runs with: ``parent`` minus azlogin's secret inputs, and, given
    ``credentials``, minus every stale AWS credential and profile variable, plus ours.

    ``credentials`` is None in an EKS pod: the child's SDK signs in with web identity.
    """
    from ..exports import variables

    env = without(parent, SECRET_VARIABLES)  # the command gets AWS keys, not the password
    if credentials is None:
        return env
    env = without(env, STALE)
    env.update(variables(credentials, region))
    return env


def configure(parser: argparse.ArgumentParser) -> None:
    from ..options import add_sign_in_options

    add_sign_in_options(parser)
    parser.add_argument(
        "--server",
        action="store_true",
        help="give the command a credential server on 127.0.0.1 (the ECS credentials "
        "protocol) instead of keys: they are renewed while it runs, for as long as it runs",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    from ..run import obtain, web_identity
    from .login import request_from

    command = ns.command[1:] if ns.command[:1] == ["--"] else ns.command
    if not command:
        raise UsageError("No command to run.", "Put it after --: azlogin exec -p dev -- aws s3 ls")
    if ns.server:
        return _with_server(command, ns, runtime)
    if web_identity(runtime):
        env = child_environment(runtime.env, None, None)
    else:
        got = obtain(request_from(ns), runtime)
        env = child_environment(runtime.env, got.credentials, got.region)
    return _run_child(command, env)


def _with_server(command: list[str], ns: argparse.Namespace, runtime: Runtime) -> int:
    """The command runs while a credential server renews the keys in the background.

    Renewals cannot ask anything: the command has the terminal. They use what a
    --no-prompt run would (a remembered session, AZURE_DEFAULT_PASSWORD...), and say on
    stderr when that is not enough, serving the old keys until they expire.
    """
    import dataclasses
    import threading

    from ..ui import EnvAnswers, NonInteractiveUI
    from .login import request_from
    from .serve import serving

    quiet = dataclasses.replace(runtime, ui=EnvAnswers(NonInteractiveUI(), runtime.env))
    refresher, server = serving(request_from(ns), runtime, renew_with=quiet)
    stop = threading.Event()
    renewing = threading.Thread(
        target=refresher.run, args=(stop.wait,), name="azlogin-renew", daemon=True
    )
    renewing.start()
    try:
        env = child_environment(runtime.env, None, None)
        env = without(env, (*STALE, *SERVER_VARIABLES))
        env.update(server.variables())
        if refresher.region:
            env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = refresher.region
        return _run_child(command, env)
    finally:
        stop.set()
        server.stop()


def _run_child(command: list[str], env: dict[str, str]) -> int:
    try:
        return subprocess.run(command, env=env).returncode
    except FileNotFoundError:
        raise UsageError(
            f"Command not found: {command[0]}", "Check the spelling and PATH."
        ) from None
    except PermissionError:
        raise UsageError(
            f"Cannot run {command[0]}: permission denied.",
            "Check that it is an executable file (chmod +x) on a file system that allows it.",
        ) from None
