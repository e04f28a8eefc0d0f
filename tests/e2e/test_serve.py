"""``azlogin serve`` and ``exec --server``: the real CLI serving the ECS credentials
protocol on 127.0.0.1 to real clients (boto3, the AWS CLI), across a renewal.

The sandbox cuts the STS session short (SessionNotOnOrAfter, as Entra may), so keys are
renewed within a minute; the tests move on when the server says it renewed, never after
a fixed wait.
"""

from __future__ import annotations

import json
import queue
import shlex
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import httpx
import pytest

from .conftest import PASSWORD, Home

BOB = "bob@sandbox.example"
BOB_ARN = "arn:aws:sts::111111111111:assumed-role/Developer/bob@sandbox.example"
# seconds: azlogin refuses keys that expire within a minute (a clock-skew guard); these are
# renewed halfway, about 35 s after each sign-in.
LIFETIME = 70
WAIT = 90  # the longest any step may take before the test fails

# A client that calls STS, then again after each line on stdin: one boto3 session all along,
# as a long Terraform run keeps one.
CLIENT = """
import sys, boto3
session = boto3.session.Session()
sts = session.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1")
while True:
    arn = sts.get_caller_identity()["Arn"]
    key = session.get_credentials().get_frozen_credentials().access_key
    print(arn, key, flush=True)
    if not sys.stdin.readline():
        break
"""


class Lines:
    """A stream's lines, read in a thread, waited for by content."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put("")

    def rest(self) -> str:
        """Everything, once the stream has ended."""
        while True:
            line = self._queue.get(timeout=WAIT)
            self.seen.append(line)
            if not line:
                return self.text

    def until(self, text: str) -> str:
        while True:
            line = self._queue.get(timeout=WAIT)
            self.seen.append(line)
            if text in line:
                return line
            assert line, f"ended before {text!r}: {''.join(self.seen)}"

    @property
    def text(self) -> str:
        return "".join(self.seen)


def client_env(tmp: Path, variables: dict[str, str]) -> dict[str, str]:
    """An environment with no AWS files or keys: the server is the only way in."""
    return {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "HOME": str(tmp),
        "AWS_CONFIG_FILE": str(tmp / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **variables,
    }


def served_variables(process: subprocess.Popen[str]) -> dict[str, str]:
    """The two exports ``azlogin serve`` prints first (bash syntax)."""
    assert process.stdout is not None and process.stderr is not None
    variables = {}
    for _ in range(2):
        line = process.stdout.readline()
        if not line:
            process.wait(timeout=WAIT)
            pytest.fail(f"azlogin serve ended ({process.returncode}): {process.stderr.read()}")
        words = shlex.split(line)
        assert words[0] == "export"
        name, _, value = words[1].partition("=")
        variables[name] = value
    return variables


@pytest.fixture
def short_lived(home: Home) -> str:
    home.sandbox.update_faults(session_lifetime_seconds=LIFETIME)
    return home.profile(BOB, azure_default_remember_me="true")


def serve(home: Home, profile: str, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "azlogin", "serve", "-p", profile, "--no-prompt", *flags],
        env={**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD, "SHELL": "/bin/bash"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stopped(server: subprocess.Popen[str], log: Lines) -> str:
    server.terminate()
    server.wait(timeout=WAIT)
    return log.rest()


def test_serve_answers_boto3_and_the_aws_cli_across_a_renewal(
    home: Home, short_lived: str, tmp_path: Path
) -> None:
    with serve(home, short_lived) as server:
        assert server.stderr is not None
        variables = served_variables(server)
        assert set(variables) == {
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        }
        url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        token = variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        assert url.startswith("http://127.0.0.1:")
        log = Lines(server.stderr)
        try:
            log.until("Serving the credentials of profile")
            env = client_env(tmp_path, variables)
            with subprocess.Popen(
                [sys.executable, "-c", CLIENT, home.sandbox.sts_endpoint],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            ) as client:
                assert client.stdin is not None and client.stdout is not None
                arn, first_key = client.stdout.readline().split()
                assert arn == BOB_ARN
                log.until("Renewed profile")
                client.stdin.write("again\n")
                client.stdin.flush()
                arn, key = client.stdout.readline().split()
                assert arn == BOB_ARN  # an expired key would be refused by the sandbox STS
                assert key != first_key, "the same boto3 session took the renewed keys"
                client.stdin.close()
                assert client.wait(timeout=WAIT) == 0

            aws = shutil.which("aws", path=str(Path(sys.executable).parent))
            assert aws, "the dev environment installs the AWS CLI"
            cli = subprocess.run(
                [aws, "sts", "get-caller-identity", "--endpoint-url", home.sandbox.sts_endpoint],
                env={**env, "AWS_DEFAULT_REGION": "us-east-1"},
                capture_output=True,
                text=True,
                timeout=WAIT,
            )
            assert cli.returncode == 0, cli.stderr
            assert json.loads(cli.stdout)["Arn"] == BOB_ARN

            # The renewal signed in again, silently: the remembered session, over HTTP.
            assert home.sandbox.sign_ins_by_user[BOB] == 2
            served = httpx.get(url, headers={"Authorization": token}).json()
        finally:
            rest = stopped(server, log)
    for value in (token, served["SecretAccessKey"], served["Token"], PASSWORD):
        assert value not in rest
    assert not home.credentials.exists(), "serve keeps its keys private"


def test_a_renewal_that_fails_says_why_and_the_old_keys_are_served_until_they_expire(
    home: Home, short_lived: str
) -> None:
    with serve(home, short_lived) as server:
        assert server.stderr is not None
        variables = served_variables(server)
        url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        auth = {"Authorization": variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
        log = Lines(server.stderr)
        try:
            log.until("Serving the credentials of profile")
            before = httpx.get(url, headers=auth).json()
            # Entra now ends every sign-in on an error page: the renewal cannot succeed.
            home.sandbox.update_faults(service_error="50058")
            failed = log.until("Could not renew profile")
            assert "AADSTS50058" in failed and "still serving them until" in failed
            after = httpx.get(url, headers=auth)
            assert after.status_code == 200
            assert after.json()["AccessKeyId"] == before["AccessKeyId"]
        finally:
            rest = stopped(server, log)
    assert before["SecretAccessKey"] not in rest and PASSWORD not in rest


def test_the_server_refuses_without_the_token_and_listens_on_loopback_only(home: Home) -> None:
    with serve(home, home.profile(BOB), "--debug") as server:
        assert server.stderr is not None
        variables = served_variables(server)
        log = Lines(server.stderr)
        try:
            log.until("Serving the credentials of profile")
            url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
            token = variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
            port = int(url.rsplit(":", 1)[1].strip("/"))

            assert httpx.get(url).status_code == 403
            assert httpx.get(url, headers={"Authorization": token[:-1]}).status_code == 403
            assert httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 403
            rebound = {"Authorization": token, "Host": f"evil.example:{port}"}
            assert httpx.get(url, headers=rebound).status_code == 403
            assert httpx.post(url, headers={"Authorization": token}).status_code == 405
            good = httpx.get(url, headers={"Authorization": token})
            assert good.status_code == 200
            body = good.json()
            assert set(body) == {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
            assert listening_on(port) == [f"0100007F:{port:04X}"]
        finally:
            rest = stopped(server, log)
    assert "credential server: GET / -> 403" in rest  # --debug logs each request...
    for value in (token, body["SecretAccessKey"], body["Token"], PASSWORD):
        assert value not in rest  # ...never a header or a key


def listening_on(port: int) -> list[str]:
    """The local addresses of the sockets listening on ``port``, as the kernel lists them."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                found.append(fields[1])
    return found


def test_exec_server_keeps_a_long_command_going_across_a_renewal(
    home: Home, short_lived: str, tmp_path: Path
) -> None:
    script = tmp_path / "child.py"
    script.write_text(
        "import os, sys\n"
        "print(' '.join(sorted(k for k in os.environ if k.startswith('AWS_'))), flush=True)\n"
        + CLIENT
    )
    child = [sys.executable, str(script), home.sandbox.sts_endpoint]
    with subprocess.Popen(
        [sys.executable, "-m", "azlogin", "exec", "--server", "-p", short_lived, "--", *child],
        env={**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD, "AWS_ACCESS_KEY_ID": "AKIASTALE"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as run:
        assert run.stdin is not None and run.stdout is not None and run.stderr is not None
        log = Lines(run.stderr)
        names = run.stdout.readline().split()
        assert "AWS_CONTAINER_CREDENTIALS_FULL_URI" in names
        assert "AWS_CONTAINER_AUTHORIZATION_TOKEN" in names
        assert "AWS_ACCESS_KEY_ID" not in names and "AWS_PROFILE" not in names
        arn, first = run.stdout.readline().split()
        assert arn == BOB_ARN
        log.until("Renewed profile")
        run.stdin.write("again\n")
        run.stdin.flush()
        arn, second = run.stdout.readline().split()
        assert arn == BOB_ARN and second != first
        run.stdin.close()  # the child ends; the server goes with it
        assert run.wait(timeout=WAIT) == 0
        assert PASSWORD not in log.rest()
