"""Who may see the keys: the endpoint ``getSigninToken`` sends them to, decided before any
connection. AWS's sign-in hosts, a loopback host, or a configured https endpoint; plain
http only to loopback.

A refused endpoint is shown to make no connection with a recording proxy on 127.0.0.1:
every request urllib makes to a non-loopback host goes through HTTPS_PROXY/HTTP_PROXY, so
a connection attempt would be recorded there (the accepted endpoints are the control).
"""

from __future__ import annotations

import io
import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from azlogin import console, console_endpoints
from azlogin.__main__ import main
from azlogin.errors import AwsError, ConfigError, ExitStatus
from azlogin.models import Credentials

CREDS = Credentials(
    "ASIAEXAMPLEEXAMPLE12",
    "wJalr/K7MDENG+bPxRfiCY=secret",
    "FwoGZXIvYXdzE+/abc==token",
    datetime(2030, 1, 1, 13, 0, tzinfo=timezone.utc),
)
TENANT = "11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("128.0.0.1", False),
        ("0.0.0.0", False),
        ("::ffff:8.8.8.8", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io", False),
        ("", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert console_endpoints.is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("partition", "expected"),
    [
        ("aws", "https://signin.aws.amazon.com/federation"),
        ("aws-us-gov", "https://signin.amazonaws-us-gov.com/federation"),
        ("aws-cn", "https://signin.amazonaws.cn/federation"),
    ],
)
def test_without_settings_the_keys_go_to_aws(partition: str, expected: str) -> None:
    assert console_endpoints.choose_endpoint(partition) == expected


@pytest.mark.parametrize(
    ("acs_url", "expected"),
    [
        ("http://127.0.0.1:8080/saml", "http://127.0.0.1:8080/federation"),  # the sandbox
        ("http://localhost:1/saml", "http://localhost:1/federation"),
        ("http://[::1]:5000/saml", "http://[::1]:5000/federation"),
        ("https://127.0.0.1:8443/saml", "https://127.0.0.1:8443/federation"),
        ("https://signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/federation"),
        (
            "https://eu-west-1.signin.aws.amazon.com/saml",
            "https://eu-west-1.signin.aws.amazon.com/federation",
        ),
        (
            "https://signin.amazonaws-us-gov.com/saml",
            "https://signin.amazonaws-us-gov.com/federation",
        ),
    ],
)
def test_beside_the_acs_url_when_it_is_loopback_or_aws(acs_url: str, expected: str) -> None:
    assert console_endpoints.choose_endpoint("aws", acs_url=acs_url) == expected


@pytest.mark.parametrize(
    "acs_url",
    [
        "https://acs.corp.example/saml",  # a front end: not trusted with the keys
        "http://signin.aws.amazon.com/saml",  # AWS's host, but plain http
        "http://acs.corp.example/saml",
        "https://signin.aws.amazon.com.evil.example/saml",
        "https://evil-signin.aws.amazon.com/saml",
        "https://a.b.signin.aws.amazon.com/saml",
        "https://localhost.evil.example/saml",
        "https://127.0.0.1.nip.io/saml",
        # Defender for Cloud Apps' proxy of AWS's ACS: never trusted with the keys.
        "https://signin.aws.amazon.com.mcas.ms/saml",
        "https://signin.aws.amazon.com.mcas-gov.us/saml",
        "ftp://127.0.0.1/saml",
        "not a url",
    ],
)
def test_any_other_acs_host_gets_nothing_aws_endpoint_instead(acs_url: str) -> None:
    assert console_endpoints.choose_endpoint("aws", acs_url=acs_url) == (
        "https://signin.aws.amazon.com/federation"
    )


@pytest.mark.parametrize(
    "configured",
    [
        "https://federation.corp.example/aws/federation",
        "https://federation.corp.example:8443/federation/",
        "http://127.0.0.1:9/federation",
        "http://localhost:9/federation",
    ],
)
def test_a_configured_endpoint_wins(configured: str) -> None:
    got = console_endpoints.choose_endpoint(
        "aws", configured=configured, acs_url="http://127.0.0.1:8080/saml"
    )
    assert got == configured.rstrip("/")


def test_plain_http_to_another_host_is_refused_naming_it() -> None:
    with pytest.raises(ConfigError) as info:
        console_endpoints.choose_endpoint(
            "aws", configured="http://federation.corp.example/federation"
        )
    assert "federation.corp.example" in info.value.message
    assert "azlogin_federation_url" in info.value.message
    assert "https://federation.corp.example/" in info.value.hint
    assert "AWS's own endpoint" in info.value.hint


@pytest.mark.parametrize(
    "configured",
    [
        "ftp://federation.corp.example/federation",
        "file:///etc/passwd",
        "federation.corp.example",
        "https:///federation",
        "https://federation.corp.example/federation?x=1",
        "https://federation.corp.example/federation#top",
    ],
)
def test_what_is_no_endpoint_is_refused(configured: str) -> None:
    with pytest.raises(ConfigError, match="azlogin_federation_url"):
        console_endpoints.choose_endpoint("aws", configured=configured)


class RecordingProxy(socketserver.ThreadingTCPServer):
    """Answers every request 502 and keeps its request head (e.g. ``CONNECT host:443``)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.heads: list[str] = []

    def requests(self) -> list[str]:
        """Method and target of each request: ``CONNECT host:443``."""
        return [" ".join(head.split()[:2]) for head in self.heads]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            line = self.rfile.readline()
            if not line:
                break
            head += line
        assert isinstance(self.server, RecordingProxy)
        self.server.heads.append(head.decode("latin-1"))
        self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingProxy]:
    server = RecordingProxy()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", server.url)
    monkeypatch.setenv("HTTP_PROXY", server.url)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_proxy_records_a_connection_to_an_accepted_endpoint(proxy: RecordingProxy) -> None:
    """The control: an allowed https endpoint is tried, through the proxy."""
    with pytest.raises(AwsError, match="Could not reach"):
        console.get_signin_token(
            CREDS, "aws", endpoint="https://federation.corp.example/federation"
        )
    assert proxy.requests() == ["CONNECT federation.corp.example:443"]
    assert CREDS.secret_access_key not in "".join(proxy.heads)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://federation.corp.example/federation",
        "http://signin.aws.amazon.com/federation",
        "http://10.0.0.1:8080/federation",
        "file:///tmp/federation",
    ],
)
def test_a_refused_endpoint_makes_no_connection(proxy: RecordingProxy, endpoint: str) -> None:
    with pytest.raises(ConfigError) as info:
        console.signin_link(CREDS, partition="aws", chained=False, endpoint=endpoint)
    with pytest.raises(ConfigError):
        console.get_signin_token(CREDS, "aws", endpoint=endpoint)
    assert proxy.heads == []
    for secret in (CREDS.secret_access_key, CREDS.session_token):
        assert secret not in info.value.message + info.value.hint


def test_an_untrusted_acs_host_gets_no_connection_aws_does(proxy: RecordingProxy) -> None:
    endpoint = console_endpoints.choose_endpoint("aws", acs_url="https://acs.corp.example/saml")
    with pytest.raises(AwsError):
        console.get_signin_token(CREDS, "aws", endpoint=endpoint)
    assert proxy.requests() == ["CONNECT signin.aws.amazon.com:443"]


def test_no_proxy_sends_the_request_around_the_proxy(
    proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """.invalid never resolves (RFC 2606): the direct attempt fails at once."""
    monkeypatch.setenv("NO_PROXY", "federation.invalid")
    with pytest.raises(AwsError, match=re.escape("reach https://federation.invalid/federation")):
        console.get_signin_token(CREDS, "aws", endpoint="https://federation.invalid/federation")
    assert proxy.heads == []


def test_a_loopback_endpoint_is_reached_directly_never_through_the_proxy(
    proxy: RecordingProxy,
) -> None:
    """Over plain http a proxy would read the keys; and its loopback is not ours."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens once the socket is closed
    with pytest.raises(AwsError, match=re.escape(f"reach http://127.0.0.1:{port}/federation")):
        console.get_signin_token(CREDS, "aws", endpoint=f"http://127.0.0.1:{port}/federation")
    assert proxy.heads == []


@pytest.fixture
def cli_env(tmp_path: Path, proxy: RecordingProxy) -> dict[str, str]:
    (tmp_path / "credentials").write_text(
        f"[dev]\naws_access_key_id = {CREDS.access_key_id}\n"
        f"aws_secret_access_key = {CREDS.secret_access_key}\n"
        f"aws_session_token = {CREDS.session_token}\naws_expiration = 2030-01-01T13:00:00Z\n"
    )
    return {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AZLOGIN_STATE_DIR": str(tmp_path / "state"),
        "HTTPS_PROXY": proxy.url,
        "HTTP_PROXY": proxy.url,
    }


def run_console(env: dict[str, str], federation_url: str) -> tuple[int, str, str]:
    Path(env["AWS_CONFIG_FILE"]).write_text(
        f"[profile dev]\nazure_tenant_id = {TENANT}\n"
        "azure_app_id_uri = https://signin.aws.amazon.com/saml\nregion = eu-west-1\n"
        f"azlogin_federation_url = {federation_url}\n"
    )
    out, err = io.StringIO(), io.StringIO()
    code = main(["console", "--profile", "dev", "--print", "--no-prompt"], env, None, err, out)
    return code, out.getvalue(), err.getvalue()


def test_the_cli_refuses_a_plain_http_federation_url(
    cli_env: dict[str, str], proxy: RecordingProxy
) -> None:
    code, out, err = run_console(cli_env, "http://federation.corp.example/federation")
    assert code == ExitStatus.CONFIG
    assert out == ""
    assert "federation.corp.example" in err and "https" in err
    assert proxy.heads == []


def test_the_cli_uses_the_federation_url_of_the_profile(
    cli_env: dict[str, str], proxy: RecordingProxy
) -> None:
    code, _out, err = run_console(cli_env, "https://federation.corp.example/aws/federation")
    assert code == ExitStatus.AWS, err
    assert "https://federation.corp.example/aws/federation" in err
    assert proxy.requests() == ["CONNECT federation.corp.example:443"]
    assert CREDS.secret_access_key not in err and CREDS.session_token not in err
