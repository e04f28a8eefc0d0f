"""``azlogin sandbox``: the verb, registered in ``azlogin.commands`` like every other.

Only this module is imported to build the command line and its completion; the sandbox
itself (werkzeug, signxml: the ``sandbox`` extra) loads when the verb runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..runtime import Runtime

EXAMPLES = """\
examples:
  azlogin sandbox                        serve on a free port; prints the profile to add
  azlogin sandbox --port 8765 --scenario my.toml
  azlogin sandbox --port 8765 --print-config >> ~/.aws/config
"""


def configure(parser: argparse.ArgumentParser) -> None:
    add_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sandbox's options, for this verb and for ``python -m azlogin.sandbox.cli``."""
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any)")
    parser.add_argument(
        "--scenario", type=Path, help="tenants, users and roles from a .toml or .json file"
    )
    parser.add_argument(
        "--print-config",
        action="store_true",
        help="print the ~/.aws/config profile for --port and exit, without serving",
    )


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    from .cli import run_args

    return run_args(ns)
