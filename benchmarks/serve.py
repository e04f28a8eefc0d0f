"""``azlogin serve`` under load: how long a request for cached keys takes, and whether the
server's memory stays flat over many requests. Against the sandbox on 127.0.0.1:

    .venv/bin/python benchmarks/serve.py [--requests 10000] [--json FILE]

The server is the real CLI (``azlogin serve``), signed in once; the client is one
keep-alive connection (``http.client``), as an SDK keeps one. Latency is measured from
sending the request to reading the whole JSON answer; the server's RSS is read from
/proc after every tenth of the requests. Then a tenth as many requests again, each on a
new connection.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from azlogin.sandbox import Sandbox, default_scenario

PASSWORD = "Passw0rd!"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def measure(requests: int) -> dict[str, object]:
    with Sandbox(default_scenario()) as sandbox, tempfile.TemporaryDirectory() as root:
        home = Path(root)
        (home / ".aws").mkdir()
        snippet = sandbox.config_snippet("p").replace(
            "azure_default_username = alice@sandbox.example",
            "azure_default_username = bob@sandbox.example",
        )
        (home / ".aws" / "config").write_text(snippet)
        env = {
            **os.environ,
            "HOME": root,
            "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
            "AZLOGIN_STATE_DIR": str(home / ".azlogin"),
            "AZURE_DEFAULT_PASSWORD": PASSWORD,
            "SHELL": "/bin/bash",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "azlogin", "serve", "-p", "p", "--no-prompt"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert server.stdout is not None
            variables = {}
            for _ in range(2):
                name, _, value = shlex.split(server.stdout.readline())[1].partition("=")
                variables[name] = value
            url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
            token = variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
            host, port = url.split("//")[1].strip("/").split(":")
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            headers = {"Authorization": token}
            latencies: list[float] = []
            memory: list[tuple[int, int]] = []
            step = max(requests // 10, 1)
            for index in range(requests + 1):
                if index % step == 0:
                    memory.append((index, rss_kib(server.pid)))
                if index == requests:
                    break
                started = time.perf_counter()
                connection.request("GET", "/", headers=headers)
                response = connection.getresponse()
                body = response.read()
                latencies.append(time.perf_counter() - started)
                if response.status != 200 or b"AccessKeyId" not in body:
                    raise RuntimeError(f"request {index}: {response.status}")
            connection.close()
            # Clients that open a connection per request (curl, some SDKs' first fetch).
            fresh: list[float] = []
            for _ in range(max(requests // 10, 1)):
                started = time.perf_counter()
                one = http.client.HTTPConnection(host, int(port), timeout=10)
                one.request("GET", "/", headers=headers)
                one.getresponse().read()
                one.close()
                fresh.append(time.perf_counter() - started)
        finally:
            server.terminate()
            server.wait(timeout=30)
    latencies.sort()
    return {
        "requests": requests,
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "max_ms": latencies[-1] * 1000,
        "rss_kib": memory,
        "new_connection_median_ms": statistics.median(fresh) * 1000,
        "new_connections": len(fresh),
    }


def report(result: dict[str, object]) -> str:
    memory = result["rss_kib"]
    assert isinstance(memory, list)
    first, last = memory[0][1], memory[-1][1]
    lines = [
        "| requests | median | p99 | max | server RSS after the first | after the last | growth |",
        "|---|---|---|---|---|---|---|",
        f"| {result['requests']} | {result['median_ms']:.2f} ms | {result['p99_ms']:.2f} ms | "
        f"{result['max_ms']:.2f} ms | {first / 1024:.1f} MiB | {last / 1024:.1f} MiB | "
        f"{(last - first) / 1024:+.1f} MiB |",
        "",
        f"A new connection per request ({result['new_connections']} requests): median "
        f"{result['new_connection_median_ms']:.2f} ms.",
        "",
        "RSS by requests served: "
        + ", ".join(f"{count}: {kib / 1024:.1f} MiB" for count, kib in memory),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = measure(args.requests)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
