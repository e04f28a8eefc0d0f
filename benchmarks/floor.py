"""What the libraries of a sign-in over HTTP cost before azlogin does anything: a fresh
interpreter that only imports them and makes the calls every such sign-in makes, with no
azlogin code at all. azlogin's own figures (``run.py``) can only be above these.

    .venv/bin/python benchmarks/floor.py [--runs 10] [--json FILE]

Each step adds to the one before; each run is a new process, timed from outside, and its
peak RSS (VmHWM) is read at its end. The HTTP request goes to a closed port on 127.0.0.1,
so it costs a connection attempt and nothing else.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

HTTP = """
import ssl, httpx, lxml.html
context = ssl.create_default_context()  # the system trust store, as every HTTPS sign-in
with httpx.Client(verify=context) as client:
    try:
        client.get("http://127.0.0.1:9/")
    except httpx.TransportError:
        pass
"""
# botocore, boto3's core, as azlogin builds its client (a boto3 session adds only imports).
BOTO3 = """
from botocore.session import Session
Session().create_client("sts", region_name="us-east-1")
"""
RSS = """
import re
with open("/proc/self/status", encoding="ascii") as status:
    print(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
"""
STEPS = {
    "Python, nothing imported": "",
    "+ httpx, a TLS context, lxml, one request": HTTP,
    "+ boto3's STS client": HTTP + BOTO3,
    "boto3's STS client alone": BOTO3,
}


def run(code: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (KiB) of one interpreter running ``code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code + RSS], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, int(out.stdout.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    with open("/proc/loadavg", encoding="ascii") as load:
        print(f"load average before: {load.read().split()[0]}")
    figures = {}
    for name, code in STEPS.items():
        runs = [run(code) for _ in range(args.runs)]
        figures[name] = {
            "wall_ms": round(statistics.median(r[0] for r in runs) * 1000),
            "cpu_ms": round(statistics.median(r[1] for r in runs) * 1000),
            "rss_mib": round(statistics.median(r[2] for r in runs) / 1024, 1),
        }
    print(f"\n{args.runs} runs per step, medians\n")
    print("| step | wall | CPU | peak RSS |\n|---|---|---|---|")
    for name, f in figures.items():
        print(f"| {name} | {f['wall_ms']} ms | {f['cpu_ms']} ms | {f['rss_mib']} MiB |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
