"""Entry point: ``main(argv) -> int`` is the one place errors become messages and exit codes."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from .errors import AzloginError, ExitStatus
from .redact import SECRETS, configure_logging

if TYPE_CHECKING:
    from .runtime import AssertionProvider
    from .ui import UI


def _make_ui(
    no_prompt: bool, env: Mapping[str, str], stdin: TextIO, stderr: TextIO, tty_only: bool
) -> UI:
    """The terminal UI when a person is there, else one that never asks.

    ``tty_only``: stdout and stderr belong to a calling program (credential_process), so
    talk to the controlling terminal directly, or to nobody.
    """
    from .terminal import TerminalUI
    from .ui import EnvAnswers, NonInteractiveUI

    SECRETS.add(
        *(env.get(k) for k in ("AZURE_DEFAULT_PASSWORD", "AZLOGIN_MFA_CODE", "AZLOGIN_TOTP_SECRET"))
    )
    inner: UI
    if tty_only:
        tty = None if no_prompt else _open_tty()
        if tty is None:
            inner = NonInteractiveUI(stderr)
        else:
            from prompt_toolkit.input import create_input
            from prompt_toolkit.output import create_output

            inner = TerminalUI(tty, pt_input=create_input(tty), pt_output=create_output(tty))
    elif not no_prompt and stdin.isatty():
        inner = TerminalUI(stderr)
    else:
        inner = NonInteractiveUI(stderr)
    return EnvAnswers(inner, env)


def _open_tty() -> TextIO | None:
    try:
        return open("/dev/tty", "r+", encoding="utf-8")  # lives for the whole run
    except OSError:
        return None


def _run(
    argv: Sequence[str], env: Mapping[str, str], stdin: TextIO, stdout: TextIO, stderr: TextIO
) -> int:
    from . import cli

    invocation = cli.parse(argv, env)
    configure_logging(invocation.debug, stderr)
    assert invocation.module is not None and invocation.ns is not None
    from .runtime import Runtime

    def provider() -> AssertionProvider:
        from .signin.hybrid import HybridSignIn

        return HybridSignIn(env)

    from .sts import ClientCache  # no botocore until a client is built

    runtime = Runtime(
        env=env,
        ui=_make_ui(
            invocation.no_prompt,
            env,
            stdin,
            stderr,
            tty_only=invocation.command == "credential-process",
        ),
        provider=provider,
        # --all-profiles: one client per distinct endpoint settings, not per profile.
        sts_api=ClientCache().get,  # type: ignore[arg-type]
        out=stdout,
    )
    return invocation.module.run(invocation.ns, runtime)


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stderr: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    argv = sys.argv[1:] if argv is None else argv
    env = os.environ if env is None else env
    stdin = stdin or sys.stdin
    stderr = stderr or sys.stderr
    stdout = stdout or sys.stdout
    debug = "--debug" in argv
    try:
        return _run(argv, env, stdin, stdout, stderr)
    except AzloginError as exc:
        if debug:
            import traceback

            stderr.write(SECRETS.scrub("".join(traceback.format_exception(exc))))
        if exc.status == ExitStatus.INTERRUPTED:
            _quiet_after_interrupt()
            stderr.write(f"azlogin: interrupted ({SECRETS.scrub(exc.message)}); {UNCHANGED}\n")
            return int(exc.status)
        stderr.write(f"azlogin: error: {SECRETS.scrub(exc.message)}\n")
        if exc.hint:
            stderr.write(f"hint: {SECRETS.scrub(exc.hint)}\n")
        return int(exc.status)
    except KeyboardInterrupt:
        _quiet_after_interrupt()
        stderr.write(f"azlogin: interrupted; {UNCHANGED}\n")
        return int(ExitStatus.INTERRUPTED)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else int(ExitStatus.USAGE)


# Files are replaced atomically, so an interruption leaves each as it was or complete.
UNCHANGED = "files are as they were or completely written, never half-written."


def _quiet_after_interrupt() -> None:
    # A terminal's Ctrl-C reaches Playwright's driver process too; the dead pipe then
    # surfaces as asyncio's "Future exception was never retrieved" at exit. Not news.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
