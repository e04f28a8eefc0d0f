"""The HTTP path picks the proxy per request, as a browser does: a company's AD FS host in
NO_PROXY is reached directly although Entra's host goes through HTTPS_PROXY/HTTP_PROXY.

Real sockets on 127.0.0.1: a server that answers, and a "proxy" that records who knocked.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from azlogin.errors import ConfigError
from azlogin.signin.http_client import client, new_jar


class Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"direct"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def proxy() -> Iterator[tuple[int, list[bytes]]]:
    """Accepts connections, records the first bytes, answers 502."""
    seen: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                seen.append(conn.recv(4096))
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], seen
    stop.set()
    listener.close()


def make(env: dict[str, str]):  # type: ignore[no-untyped-def]
    return client(
        env=env,
        base_url="http://login.entra.example/",
        user_agent="UA",
        verify=True,
        read_seconds=10,
        jar=new_jar(),
    )


def test_a_host_in_no_proxy_is_reached_directly_and_others_through_the_proxy(
    server: int, proxy: tuple[int, list[bytes]]
) -> None:
    port, seen = proxy
    env = {"HTTP_PROXY": f"http://127.0.0.1:{port}", "NO_PROXY": "adfs.internal,127.0.0.1"}
    with make(env) as http:
        direct = http.get(f"http://127.0.0.1:{server}/adfs/ls/")
        assert (direct.status_code, direct.text) == (200, "direct")
        assert seen == []
        proxied = http.get("http://login.entra.example/common/login")
        assert proxied.status_code == 502
    assert len(seen) == 1 and b"login.entra.example" in seen[0]


@pytest.mark.parametrize("url", ["http://user:s3cret@[::1", "ftp://user:s3cret@proxy"])
def test_an_unusable_proxy_url_is_a_clean_error_without_the_url(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        make({"HTTP_PROXY": url})
    assert "s3cret" not in caught.value.message + caught.value.hint
