"""``azlogin exec``: run a command with the profile's credentials in its environment."""

from __future__ import annotations

import argparse
import subprocess

from ..app import World, obtain, web_identity
from ..errors import UsageError
from ..redact import without_secrets
from ..stores import FileStore

EXAMPLES = """\
examples:
  azlogin exec --profile dev -- aws s3 ls
  azlogin exec --profile client -- terraform plan     a chained cross-account profile
"""
# Variables that would make the child prefer other credentials than ours.
CONFLICTING = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_sign_in_options

    add_sign_in_options(parser)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")


def run(ns: argparse.Namespace, world: World) -> int:
    from ..exports import VARIABLES
    from .login import request_from

    command = ns.command[1:] if ns.command[:1] == ["--"] else ns.command
    if not command:
        raise UsageError("No command to run.", "Put it after --: azlogin exec -p dev -- aws s3 ls")
    env = without_secrets(world.env)  # the command gets AWS keys, not the Entra password
    if not web_identity(world):
        got = obtain(request_from(ns), world, FileStore(world.credentials_file, world.ui.info))
        for name in CONFLICTING:
            env.pop(name, None)
        creds = got.credentials
        values = [creds.access_key_id, creds.secret_access_key, creds.session_token]
        values.append(creds.expiration.strftime("%Y-%m-%dT%H:%M:%SZ"))
        env.update(zip(VARIABLES[:4], values, strict=True))
        if got.region:
            env.update({"AWS_REGION": got.region, "AWS_DEFAULT_REGION": got.region})
    try:
        return subprocess.run(command, env=env).returncode
    except FileNotFoundError:
        raise UsageError(
            f"Command not found: {command[0]}", "Check the spelling and PATH."
        ) from None
    except PermissionError:
        raise UsageError(f"Cannot run {command[0]}: permission denied.") from None
