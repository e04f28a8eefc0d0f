"""``azlogin credential-process``: credentials as JSON for the AWS SDKs' credential_process.

The SDK reads stdout, so stdout carries the JSON and nothing else; questions and the MFA
number go to the terminal (/dev/tty). Keys live in azlogin's private cache (0600 files, or
the OS keyring with ``azlogin_store = keyring``), never in ~/.aws/credentials, where an
entry would shadow this very credential_process.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ..stores import as_process_json, private_store_for

if TYPE_CHECKING:
    from ..runtime import Runtime

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


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    from ..run import obtain
    from .login import request_from

    request = request_from(ns)
    got = obtain(request, runtime, private_store_for(runtime.env, request.profile))
    runtime.out.write(json.dumps(as_process_json(got.credentials)) + "\n")
    return 0
