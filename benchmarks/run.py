"""azlogin's benchmarks, against the sandbox on 127.0.0.1. Anyone can rerun them:

    .venv/bin/python benchmarks/run.py [--runs 5] [--only NAME ...]

Each case runs the real CLI as a subprocess, several times; the table shows the median
wall time and the peak RSS of the azlogin (Python) process itself, not of Chromium.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from azlogin.sandbox import Sandbox

PASSWORD = "Passw0rd!"
TOTP = "JBSWY3DPEHPK3PXP"
DEV = "arn:aws:iam::111111111111:role/Developer"
# Runs azlogin's main() and reports this process's own peak RSS on the last stderr line.
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the
# forking parent's peak; VmHWM belongs to the new address space.
WRAPPER = (
    "import re, sys\n"
    "from azlogin.__main__ import main\n"
    "code = main(sys.argv[1:])\n"
    "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
    "print(f'maxrss_kb={hwm}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@dataclass
class Result:
    name: str
    seconds: list[float]
    rss_kb: list[int]


class Bench:
    def __init__(self, sandbox: Sandbox, root: Path) -> None:
        self.sandbox = sandbox
        self.root = root

    def home(self, profiles: dict[str, dict[str, str]]) -> dict[str, str]:
        """A fresh AWS config dir with ``profiles`` (name -> extra keys)."""
        home = Path(tempfile.mkdtemp(dir=self.root))
        (home / ".aws").mkdir(mode=0o700)
        snippet = self.sandbox.config_snippet("template")
        head, services = snippet.split("\n\n", 1)
        text = ""
        for name, keys in profiles.items():
            body = head.replace("[profile template]", f"[profile {name}]")
            for key, value in keys.items():
                body += f"\n{key} = {value}"
            text += body + "\n\n"
        (home / ".aws" / "config").write_text(text + services)
        return {
            **os.environ,
            "HOME": str(home),
            "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
            "AZLOGIN_STATE_DIR": str(home / ".azlogin"),
            "AZURE_DEFAULT_PASSWORD": PASSWORD,
            "AZLOGIN_TOTP_SECRET": TOTP,
        }

    def azlogin(self, env: dict[str, str], *argv: str) -> tuple[float, int]:
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", WRAPPER, *argv],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        if out.returncode != 0:
            raise RuntimeError(f"azlogin {' '.join(argv)} failed:\n{out.stderr}")
        rss = int(out.stderr.strip().rsplit("maxrss_kb=", 1)[1])
        return elapsed, rss


def cases(bench: Bench) -> dict[str, Callable[[], tuple[float, int]]]:
    def full() -> tuple[float, int]:
        env = bench.home({"p": {"azure_default_role_arn": DEV}})
        return bench.azlogin(env, "--profile", "p")

    remembered_env = bench.home(
        {"p": {"azure_default_role_arn": DEV, "azure_default_remember_me": "true"}}
    )
    bench.azlogin(remembered_env, "--profile", "p")  # leaves a remembered session

    def remembered() -> tuple[float, int]:
        return bench.azlogin(remembered_env, "--profile", "p", "--force-refresh")

    noop_env = bench.home({"p": {"azure_default_role_arn": DEV}})
    bench.azlogin(noop_env, "--profile", "p")

    def noop() -> tuple[float, int]:
        return bench.azlogin(noop_env, "--profile", "p")

    process_env = bench.home({"p": {"azure_default_role_arn": DEV}})
    bench.azlogin(process_env, "credential-process", "--profile", "p")

    def cached_process() -> tuple[float, int]:
        return bench.azlogin(process_env, "credential-process", "--profile", "p")

    def all_profiles(count: int) -> Callable[[], tuple[float, int]]:
        def run() -> tuple[float, int]:
            env = bench.home({f"p{i}": {"azure_default_role_arn": DEV} for i in range(count)})
            return bench.azlogin(env, "--all-profiles")

        return run

    return {
        "full sign-in (password + TOTP)": full,
        "remembered-session sign-in": remembered,
        "no-op (credentials valid)": noop,
        "credential-process, cached": cached_process,
        "--all-profiles, 1 profile": all_profiles(1),
        "--all-profiles, 5 profiles": all_profiles(5),
        "--all-profiles, 20 profiles": all_profiles(20),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="substrings of the case names to run")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="azlogin-bench-") as tmp, Sandbox().start() as sandbox:
        bench = Bench(sandbox, Path(tmp))
        for name, case in cases(bench).items():
            if args.only and not any(o in name for o in args.only):
                continue
            runs = [case() for _ in range(args.runs)]
            results.append(Result(name, [r[0] for r in runs], [r[1] for r in runs]))
            print(f"  measured: {name}", file=sys.stderr)
    cpu = platform.processor() or platform.machine()
    print(
        f"machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
        f"{args.runs} runs each\n"
    )
    print("| case | median | min | max | peak RSS of azlogin |")
    print("|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.name} | {statistics.median(r.seconds) * 1000:.0f} ms | "
            f"{min(r.seconds) * 1000:.0f} ms | {max(r.seconds) * 1000:.0f} ms | "
            f"{max(r.rss_kb) / 1024:.0f} MiB |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
