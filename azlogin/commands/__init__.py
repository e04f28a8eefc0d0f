"""One module per verb, each with ``EXAMPLES``, ``configure(parser)`` adding its arguments,
and ``run(ns, world) -> int``. A module is imported only when its verb runs."""

from __future__ import annotations

import argparse
from typing import Protocol

from ..app import World

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
    "credential-process": (
        "azlogin.commands.credential_process",
        "print credentials for the AWS SDKs' credential_process",
    ),
    "list": ("azlogin.commands.list_", "list profiles, their tenant, role and expiry"),
    "configure": ("azlogin.commands.configure", "set up a profile's azure_* keys"),
    "completion": ("azlogin.completion", "print a bash, zsh or fish completion script"),
}


class Command(Protocol):
    EXAMPLES: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, ns: argparse.Namespace, world: World) -> int: ...
