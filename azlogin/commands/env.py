"""``azlogin env``: the profile's credentials as shell exports, JSON or dotenv lines, or in
any format of ``aws configure export-credentials`` (``--format``), so it can stand in for
that command in scripts."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..runtime import Runtime

EXAMPLES = """\
examples:
  eval "$(azlogin env --profile dev)"           bash/zsh: set AWS_* in this shell
  azlogin env --profile dev --shell fish | source
  azlogin env --profile dev --json              for scripts
  azlogin env --profile dev --dotenv > .env     for docker --env-file and python-dotenv
  azlogin env --profile dev --format process    as `aws configure export-credentials` prints
  eval "$(azlogin env --unset)"                 switch back: clear them again
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from ..exports import AWS_FORMATS, SHELLS
    from ..options import add_sign_in_options

    add_sign_in_options(parser)
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--shell", choices=SHELLS, help="syntax of the exports (default: detected)")
    fmt.add_argument("--json", action="store_const", const="json", dest="fmt", help="a JSON object")
    fmt.add_argument(
        "--dotenv",
        action="store_const",
        const="dotenv",
        dest="fmt",
        help="KEY=value lines (docker --env-file, python-dotenv)",
    )
    fmt.add_argument(
        "--format",
        choices=AWS_FORMATS,
        dest="aws_format",
        help="as `aws configure export-credentials --format` prints it: the credential "
        "variables (no region), or process: the credential_process JSON",
    )
    parser.add_argument(
        "--unset", action="store_true", help="print the lines that clear the variables instead"
    )


def output_format(ns: argparse.Namespace, runtime: Runtime) -> str:
    from ..exports import detect_shell

    if ns.fmt:
        return str(ns.fmt)
    if ns.shell:
        return str(ns.shell)
    parent = _parent_name()
    return detect_shell(runtime.env, parent)


def _parent_name() -> str | None:
    try:
        with open(f"/proc/{os.getppid()}/comm", encoding="utf-8") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    from ..exports import render, render_aws, render_aws_unset, render_unset
    from ..run import obtain, web_identity
    from .login import request_from

    aws_format: str | None = ns.aws_format
    fmt = aws_format or output_format(ns, runtime)
    if ns.unset:
        runtime.out.write(render_aws_unset(fmt) if aws_format else render_unset(fmt))
        return 0
    if web_identity(runtime):
        return 0
    got = obtain(request_from(ns), runtime)
    if aws_format:
        text = render_aws(got.credentials, aws_format)
    else:
        text = render(got.credentials, got.region, fmt)
    runtime.out.write(text)
    return 0
