"""azlogin's benchmarks, against the sandbox on 127.0.0.1. Anyone can rerun them:

    .venv/bin/python benchmarks/run.py [--runs 5] [--only NAME ...] [--json FILE]
    .venv/bin/python benchmarks/run.py --only "full sign-in" --profile /tmp/azlogin-prof
    .venv/bin/python benchmarks/run.py --compare before.json after.json
    .venv/bin/python benchmarks/run.py --against /tmp/old-tree   # A/B, run by run

Each case runs the real CLI as a subprocess (through ``probe.py``), several times. The
tables show the median wall time, the CPU time of the azlogin process and of everything
it started (Playwright's driver and Chromium), the peak RSS of the azlogin (Python)
process itself, and where a sign-in's time goes. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from azlogin.sandbox import Sandbox

PASSWORD = "Passw0rd!"
TOTP = "JBSWY3DPEHPK3PXP"
HEIDI = "heidi@sandbox.example"
DEV = "arn:aws:iam::111111111111:role/Developer"
PROBE = Path(__file__).with_name("probe.py")
REPO = Path(__file__).resolve().parents[1]  # the azlogin package of this checkout is in here
REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-central-1", "eu-north-1", "eu-south-1", "ap-south-1", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
    "sa-east-1", "me-south-1", "af-south-1",
)  # fmt: skip
# Phases shown for the cases that open a browser, in the order they happen.
PHASES = (
    "sign-in over HTTP", "browser start", "sign-in pages", "browser close", "STS client build",
    "STS call",
)  # fmt: skip


@dataclass
class Run:
    seconds: float  # wall time seen from outside, interpreter start to exit
    cpu_self: float  # the azlogin process
    cpu_all: float  # azlogin and every process it started and reaped (driver, Chromium)
    rss_kb: int  # peak RSS of the azlogin process
    phases: dict[str, list[float]] = field(default_factory=dict)  # name -> [start, end, sum]
    inside: float = 0.0  # from the probe's start to main()'s return, as the phases count


@dataclass
class Result:
    name: str
    runs: list[Run]

    def median(self, pick: Callable[[Run], float]) -> float:
        return statistics.median(pick(r) for r in self.runs)


class Bench:
    def __init__(self, sandbox: Sandbox, root: Path, profile_prefix: str | None = None) -> None:
        self.sandbox = sandbox
        self.root = root
        self.profile_prefix = profile_prefix
        self.profile_next: str | None = None  # the case name to profile on its next run
        self.tree: str | None = None  # measure the azlogin in this directory (PYTHONPATH)

    def home(self, profiles: dict[str, dict[str, str]]) -> dict[str, str]:
        """A fresh AWS config dir with ``profiles`` (name -> extra or replaced keys)."""
        home = Path(tempfile.mkdtemp(dir=self.root))
        (home / ".aws").mkdir(mode=0o700)
        snippet = self.sandbox.config_snippet("template")
        head, services = snippet.split("\n\n", 1)
        text = ""
        for name, keys in profiles.items():
            lines = head.replace("[profile template]", f"[profile {name}]").splitlines()
            lines = [line for line in lines if line.split(" =")[0] not in keys]
            text += "\n".join([*lines, *(f"{k} = {v}" for k, v in keys.items())]) + "\n\n"
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

    def azlogin(self, env: dict[str, str], *argv: str) -> Run:
        if self.profile_next and self.profile_prefix:
            slug = re.sub(r"[^a-z0-9]+", "-", self.profile_next.lower()).strip("-")
            env = {**env, "AZLOGIN_BENCH_PROFILE": f"{self.profile_prefix}-{slug}"}
            self.profile_next = None
        if self.tree:
            env = {**env, "PYTHONPATH": self.tree}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, str(PROBE), *argv],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if out.returncode != 0:
            raise RuntimeError(f"azlogin {' '.join(argv)} failed:\n{out.stderr}")
        report = json.loads(out.stderr.strip().rsplit("probe: ", 1)[1])
        cpu_all = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return Run(
            elapsed,
            report["cpu_s"],
            cpu_all,
            report["rss_kb"],
            report["phases"],
            report["inside_s"],
        )


def cases(bench: Bench) -> dict[str, Callable[[], Run]]:
    """Each case's setup runs on its first call, so ``--only`` pays for its cases alone."""

    def full(signin: str = "auto", user: str | None = None) -> Callable[[], Run]:
        def run() -> Run:
            keys = {"azure_default_role_arn": DEV, "azlogin_signin": signin}
            if user:
                keys["azure_default_username"] = user
            return bench.azlogin(bench.home({"p": keys}), "--profile", "p")

        return run

    def handed_over_at_mfa() -> Run:
        # Heidi is Alice with pages disguised from HTTP clients; here only the MFA page.
        bench.sandbox.update_user(HEIDI, disguise=["tfa"])
        return full(user=HEIDI)()

    def prepared(keys: dict[str, str], *argv: str) -> Callable[..., Run]:
        """A home whose profile ``p`` was signed in once by ``argv``; each run repeats it."""
        homes: list[dict[str, str]] = []

        def run(*extra: str) -> Run:
            if not homes:
                homes.append(bench.home({"p": {"azure_default_role_arn": DEV, **keys}}))
                bench.azlogin(homes[0], *argv)
            return bench.azlogin(homes[0], *argv, *extra)

        return run

    def big_file(*argv: str) -> Callable[[], Run]:
        """The same with a 50 MB credentials file of 60,000 other profiles around ``p``."""
        homes: list[dict[str, str]] = []

        def run() -> Run:
            if not homes:
                homes.append(bench.home({"p": {"azure_default_role_arn": DEV}}))
                bench.azlogin(homes[0], "--profile", "p")
                path = Path(homes[0]["AWS_SHARED_CREDENTIALS_FILE"])
                path.write_text(path.read_text() + fifty_megabytes())
            return bench.azlogin(homes[0], *argv)

        return run

    remembered = prepared({"azure_default_remember_me": "true"}, "--profile", "p")
    remembered_browser = prepared(
        {"azure_default_remember_me": "true", "azlogin_signin": "browser"}, "--profile", "p"
    )
    process_remembered = prepared(
        {"azure_default_remember_me": "true"}, "credential-process", "--profile", "p"
    )
    noop = prepared({}, "--profile", "p")
    cached_process = prepared({}, "credential-process", "--profile", "p")

    def all_profiles(count: int, distinct: bool = False) -> Callable[[], Run]:
        def run() -> Run:
            keys = [{"azure_default_role_arn": DEV} for _ in range(count)]
            if distinct:  # a region each: no two profiles can share an STS client
                keys = [{**k, "region": REGIONS[i]} for i, k in enumerate(keys)]
            env = bench.home({f"p{i}": k for i, k in enumerate(keys)})
            return bench.azlogin(env, "--all-profiles")

        return run

    homes_remembered: list[dict[str, str]] = []

    def all_remembered() -> Run:
        """20 profiles of one identity whose session is remembered: one round trip to Entra."""
        if not homes_remembered:
            keys = {"azure_default_role_arn": DEV, "azure_default_remember_me": "true"}
            homes_remembered.append(bench.home({f"p{i}": keys for i in range(20)}))
            bench.azlogin(homes_remembered[0], "--all-profiles")
        return bench.azlogin(homes_remembered[0], "--all-profiles", "--force-refresh")

    return {
        "full sign-in (password + TOTP)": full(),
        "full sign-in (password + TOTP), browser": full("browser"),
        "remembered-session sign-in": lambda: remembered("--force-refresh"),
        "remembered-session sign-in, browser": lambda: remembered_browser("--force-refresh"),
        "hand-over to the browser at the MFA page": handed_over_at_mfa,
        "credential-process, refresh, remembered session": lambda: process_remembered(
            "--force-refresh"
        ),
        "--all-profiles, 20 profiles, remembered session": all_remembered,
        "no-op (credentials valid)": noop,
        "credential-process, cached": cached_process,
        "--all-profiles, 1 profile": all_profiles(1),
        "--all-profiles, 5 profiles": all_profiles(5),
        "--all-profiles, 20 profiles": all_profiles(20),
        "--all-profiles, 20 profiles, 20 regions": all_profiles(20, distinct=True),
        "no-op, 50 MB credentials file": big_file("--profile", "p"),
        "full sign-in, 50 MB credentials file": big_file("--profile", "p", "--force-refresh"),
    }


def fifty_megabytes() -> str:
    """Nobody has such a file; cost must still grow linearly and modestly with it."""
    token = "T" * 700  # a session token's size
    sections, size, index = [], 0, 0
    while size < 50 * 1024 * 1024:
        section = (
            f"\n[other-{index}]\naws_access_key_id = ASIA{index:016d}\n"
            f"aws_secret_access_key = {'s' * 40}\naws_session_token = {token}\n"
            "aws_expiration = 2099-01-01T00:00:00Z\n"
        )
        sections.append(section)
        size, index = size + len(section), index + 1
    return "".join(sections)


def machine(runs: int, load_before: float, load_after: float) -> str:
    model = platform.processor() or platform.machine()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    return (
        f"machine: {os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {browser_version()}; {runs} runs per case; "
        f"load average {load_before:.1f} before, {load_after:.1f} after"
    )


def browser_version() -> str:
    """The browser azlogin picks here (without Playwright's own, which needs its import)."""
    from azlogin.browser.discovery import find_browser
    from azlogin.errors import AzloginError

    try:
        choice = find_browser(os.environ, shutil.which, os.path.exists, sys.platform)
    except AzloginError:
        return "no browser found"
    if not choice.executable_path:
        return str(choice)
    out = subprocess.run(
        [choice.executable_path, "--version"], capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or str(choice)


def tables(results: list[Result]) -> str:
    out = [
        "| case | median | min | max | CPU, azlogin | CPU, all processes | peak RSS of azlogin |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        seconds = [run.seconds for run in r.runs]
        out.append(
            f"| {r.name} | {_ms(r.median(lambda x: x.seconds))} | {_ms(min(seconds))} | "
            f"{_ms(max(seconds))} | {_ms(r.median(lambda x: x.cpu_self))} | "
            f"{_ms(r.median(lambda x: x.cpu_all))} | "
            f"{max(run.rss_kb for run in r.runs) / 1024:.0f} MiB |"
        )
    signing = [
        r
        for r in results
        if any({"browser start", "sign-in over HTTP"} & set(run.phases) for run in r.runs)
    ]
    if signing:
        out += [
            "",
            "Where a sign-in's time goes (medians of each phase's span, from its first start "
            "to its last end; the STS client is built in a background thread while the browser "
            "starts, and --all-profiles makes its STS calls side by side):",
            "",
            "| case | until browser start | "
            + " | ".join(PHASES)
            + " | after the browser closed |",
            "|---|---|" + "---|" * len(PHASES) + "---|",
        ]
        for r in signing:
            browser = "browser start" in r.runs[0].phases
            first = r.median(lambda x: x.phases.get("browser start", [0.0])[0])
            cells = [_ms(first) if browser else "-"]
            for phase in PHASES:
                seen = any(phase in run.phases for run in r.runs)
                cells.append(_ms(r.median(functools.partial(_phase_span, phase))) if seen else "-")
            cells.append(_ms(r.median(_after_browser)) if browser and r.runs[0].inside else "-")
            out.append(f"| {r.name} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def compare(before: list[Result], after: list[Result]) -> str:
    """Before/after medians of the cases both runs measured."""
    out = [
        "| case | before | after | change | CPU, all processes: before → after "
        "| peak RSS: before → after |",
        "|---|---|---|---|---|---|",
    ]
    earlier = {r.name: r for r in before}
    for r in after:
        b = earlier.get(r.name)
        if b is None:
            continue
        was, now = b.median(lambda x: x.seconds), r.median(lambda x: x.seconds)
        cpu_was, cpu_now = b.median(lambda x: x.cpu_all), r.median(lambda x: x.cpu_all)
        rss_was = max(x.rss_kb for x in b.runs) / 1024
        rss_now = max(x.rss_kb for x in r.runs) / 1024
        out.append(
            f"| {r.name} | {_ms(was)} | {_ms(now)} | {(now - was) / was:+.0%} | "
            f"{_ms(cpu_was)} → {_ms(cpu_now)} | {rss_was:.0f} → {rss_now:.0f} MiB |"
        )
    return "\n".join(out)


def load(path: Path) -> tuple[str, list[Result]]:
    """The machine line and the results of a ``--json`` file."""
    data = json.loads(path.read_text())
    results = [Result(c["name"], [Run(**run) for run in c["runs"]]) for c in data["cases"]]
    return data["report"].split("\n", 1)[0], results


def _after_browser(run: Run) -> float:
    """From the browser's close to the end: the role, STS, the file (and waiting for the
    background STS client, if it is not ready yet)."""
    return run.inside - run.phases.get("browser close", [0.0, 0.0, 0.0])[1]


def _phase_span(phase: str, run: Run) -> float:
    start, end, _ = run.phases.get(phase, [0.0, 0.0, 0.0])
    return end - start


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default: 5)")
    parser.add_argument("--only", nargs="*", help="substrings of the case names to run")
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    parser.add_argument(
        "--profile",
        metavar="PREFIX",
        help="after each case, profile one more run with pyinstrument: PREFIX-<case>.html/.txt",
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("BEFORE", "AFTER"),
        help="measure nothing: print the before/after table of two --json files",
    )
    parser.add_argument(
        "--show", type=Path, metavar="FILE", help="measure nothing: print a --json file's tables"
    )
    parser.add_argument(
        "--against",
        metavar="TREE",
        help="also measure the azlogin package in TREE (e.g. an older commit's, from git "
        "archive), alternating run by run so both see the same load; prints the comparison",
    )
    args = parser.parse_args()
    if args.show:
        machine_line, shown = load(args.show)
        print(f"{machine_line}\n\n{tables(shown)}")
        return 0
    if args.compare:
        (machine_before, before), (machine_after, after) = map(load, args.compare)
        print(f"before: {machine_before}\nafter: {machine_after}\n\n{compare(before, after)}")
        return 0
    if args.profile:
        try:
            import pyinstrument  # noqa: F401
        except ImportError:
            parser.error("--profile needs pyinstrument: .venv/bin/pip install pyinstrument")
    results: list[Result] = []
    against: list[Result] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="azlogin-bench-") as tmp, Sandbox().start() as sandbox:
        bench = Bench(sandbox, Path(tmp), args.profile)
        for name, case in cases(bench).items():
            if args.only and not any(o in name for o in args.only):
                continue
            ours: list[Run] = []
            theirs: list[Run] = []
            for index in range(args.runs):
                # Alternate which goes first, so neither always meets the other's leftovers.
                # Both through PYTHONPATH when comparing: an entry ahead of the standard
                # library costs every import a lookup, and only one side paying it would skew.
                turns = [(str(REPO) if args.against else None, ours)]
                if args.against:
                    turns.append((args.against, theirs))
                for tree, runs in turns[:: 1 if index % 2 == 0 else -1]:
                    bench.tree = tree
                    runs.append(case())
            bench.tree = None
            results.append(Result(name, ours))
            if args.against:
                against.append(Result(name, theirs))
            if args.profile:  # one more run, not counted: the profiler slows it down
                bench.profile_next = name
                case()
            print(f"  measured: {name}", file=sys.stderr)
    report = machine(args.runs, load_before, os.getloadavg()[0]) + "\n\n" + tables(results)
    print(report)
    if args.against:
        print(
            f"\nCompared with {args.against} (before), run by run:\n\n{compare(against, results)}"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"report": report, "cases": [asdict(r) for r in results]}, indent=2)
        )
        if args.against:
            other = args.json.with_name(args.json.stem + "-against" + args.json.suffix)
            other.write_text(
                json.dumps({"report": report, "cases": [asdict(r) for r in against]}, indent=2)
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
