"""``azlogin serve``: a profile's credentials on the ECS credentials protocol, kept fresh.

stdout gets the two variables a client needs (as ``azlogin env`` prints keys); the
terminal gets what happens: renewals, and a sign-in when one needs the person. Keys are
kept in azlogin's private store (files or the OS keyring, ``azlogin_store``), as for
``credential-process``, never in ~/.aws/credentials.
"""

from __future__ import annotations

import argparse
import dataclasses
import threading
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..credential_server import CredentialServer
    from ..grants import Outcome
    from ..plan import Request
    from ..refresher import Refresher
    from ..runtime import Runtime

EXAMPLES = """\
examples:
  azlogin serve --profile dev        prints two exports: paste them into other shells
  azlogin exec --server --profile dev -- terraform apply    for one long command
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from ..exports import SHELLS
    from ..options import add_sign_in_options

    add_sign_in_options(parser)
    parser.add_argument(
        "--shell", choices=SHELLS, help="syntax of the two exports (default: detected)"
    )


def serving(
    request: Request, runtime: Runtime, renew_with: Runtime | None = None
) -> tuple[Refresher, CredentialServer]:
    """Sign in (or reuse the cached keys), then listen; the caller runs the refresher.

    ``renew_with``: the runtime renewals use, if not ``runtime`` (one that cannot ask).
    """
    from ..credential_server import CredentialServer
    from ..refresher import Refresher
    from ..run import obtain, web_identity
    from ..stores import private_store_for
    from ..ui import EnvAnswers

    if web_identity(runtime):
        raise UsageError(
            "This pod signs in with web identity; there is nothing to serve.",
            "The SDKs in the pod find its credentials themselves.",
        )
    store_for = private_store_for(runtime.env, request.profile)

    def fetch(force: bool) -> Outcome:
        wanted = dataclasses.replace(request, force_refresh=request.force_refresh or force)
        used = (renew_with or runtime) if force else runtime
        if force and isinstance(used.ui, EnvAnswers):
            used.ui.new_sign_in()  # AZURE_DEFAULT_PASSWORD again, as for a new run
        return obtain(wanted, used, store_for)

    refresher = Refresher(request.profile, fetch, runtime.clock, runtime.ui.info)
    refresher.first()
    server = CredentialServer(refresher.held, runtime.clock).start()
    return refresher, server


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    from ..credentials import format_time
    from ..exports import detect_shell, render_variables
    from .login import request_from

    request = request_from(ns)
    refresher, server = serving(request, runtime)
    try:
        shell = ns.shell or detect_shell(runtime.env)
        runtime.out.write(render_variables(server.variables(), shell))
        runtime.out.flush()
        runtime.ui.info(
            f"Serving the credentials of profile '{request.profile}' at {server.url} "
            f"(renewed at {format_time(refresher.due)}); Ctrl-C stops."
        )
        refresher.run(threading.Event().wait)
    finally:
        server.stop()
    return 0
