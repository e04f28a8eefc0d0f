"""``azlogin sandbox``: run the sandbox on 127.0.0.1 until Ctrl-C, printing how to use it."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from azlogin.errors import ExitStatus
from azlogin.sandbox.scenario import Scenario, default_scenario
from azlogin.sandbox.server import Sandbox
from azlogin.sandbox.snippet import config_snippet
from azlogin.sandbox.verb import add_arguments


class ScenarioFileError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="azlogin sandbox",
        description="Run a local Entra ID tenant and AWS STS on 127.0.0.1 to try azlogin.",
    )
    add_arguments(parser)
    return parser


def load_scenario(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioFileError(f"cannot read {path}: {error.strerror}") from None
    try:
        data = _parse(path, text)
        if not isinstance(data, dict):
            raise ScenarioFileError(f"{path}: expected a table/object at the top level")
        return Scenario.from_dict(data)
    except (TypeError, KeyError, ValueError) as error:
        raise ScenarioFileError(f"{path}: not a valid scenario ({error})") from None


def _parse(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        return json.loads(text)
    if path.suffix.lower() != ".toml":
        raise ScenarioFileError(f"{path}: use a .toml or .json file")
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        try:
            import tomli as tomllib  # type: ignore[import-not-found]
        except ModuleNotFoundError:
            raise ScenarioFileError("TOML needs Python 3.11 or the 'tomli' package") from None
    return tomllib.loads(text)


def main(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, or a usage error already printed by argparse
        return int(exit_.code or 0)
    return run_args(args)


def run_args(args: argparse.Namespace) -> int:
    """Serve (or print the config for) the parsed options of :func:`add_arguments`."""
    try:
        scenario = load_scenario(args.scenario) if args.scenario else default_scenario()
    except ScenarioFileError as error:
        print(f"azlogin sandbox: {error}", file=sys.stderr)
        return ExitStatus.CONFIG
    if args.print_config:
        if not args.port:
            print("azlogin sandbox: --print-config needs --port N", file=sys.stderr)
            return ExitStatus.USAGE
        print(config_snippet(scenario, f"http://127.0.0.1:{args.port}"), end="")
        return ExitStatus.OK
    try:
        sandbox = Sandbox(scenario, args.port).start()
    except OSError as error:
        print(f"azlogin sandbox: cannot listen on port {args.port}: {error}", file=sys.stderr)
        return ExitStatus.USAGE
    try:
        _serve(sandbox)
    finally:
        sandbox.stop()
    return ExitStatus.OK


def _serve(sandbox: Sandbox) -> None:
    print(f"azlogin sandbox is listening on {sandbox.base_url} (127.0.0.1 only)\n")
    print("Add this profile to ~/.aws/config:\n")
    print(sandbox.config_snippet())
    print("Sandbox users (fake credentials, for this sandbox only):\n")
    print(sandbox.users_text())
    print("Press Ctrl-C to stop.", flush=True)
    stopped = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, on_signal) if in_main else None
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if in_main and previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print("\nazlogin sandbox stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
