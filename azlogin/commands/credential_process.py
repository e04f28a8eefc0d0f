"""``azlogin credential-process``: credentials as JSON for the AWS SDKs' credential_process.

The SDK reads stdout, so stdout carries the JSON and nothing else; questions and the MFA
number go to the terminal (/dev/tty). Keys live in azlogin's private cache, never in
~/.aws/credentials, where an entry would shadow this very credential_process.
"""

from __future__ import annotations

import argparse
import json

from ..app import World, obtain
from ..stores import CacheStore, as_process_json, state_dir

EXAMPLES = """\
in ~/.aws/config:
  [profile dev]
  azure_tenant_id = …
  azure_app_id_uri = …
  credential_process = azlogin credential-process --profile dev

examples:
  aws sts get-caller-identity --profile dev     the AWS CLI calls azlogin when needed
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from ..options import add_sign_in_options

    add_sign_in_options(parser)


def run(ns: argparse.Namespace, world: World) -> int:
    from .login import request_from

    store = CacheStore(state_dir(world.env) / "cache", world.config_file)
    got = obtain(request_from(ns), world, store)
    world.out.write(json.dumps(as_process_json(got.credentials)) + "\n")
    return 0
