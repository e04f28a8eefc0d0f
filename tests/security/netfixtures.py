"""Small network fakes on 127.0.0.1 for the security tests: a self-signed certificate, a
TLS terminator in front of the sandbox, a recording HTTP forward proxy (absolute-URI
requests and CONNECT), and a recording HTTP server that XXE payloads may try to reach.

Each one is a ``socketserver`` thread; every socket is closed on the way out, because
pytest turns unraisable ResourceWarnings into errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOOPBACK = "127.0.0.1"
MAX_HEAD = 64 * 1024
R = TypeVar("R", bound="_Running")


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no trust store knows: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOOPBACK)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _shut(*socks: socket.socket) -> None:
    for sock in socks:
        with contextlib.suppress(OSError, ValueError):
            sock.shutdown(socket.SHUT_RDWR)


def relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until either side stops; then shut both (waking the other copy)."""

    def pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            _shut(src, dst)

    other = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    other.start()
    pump(client, upstream)
    other.join()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Running:
    """Owns one server thread; ``with`` it to start and stop."""

    def __init__(self, handler: type[socketserver.BaseRequestHandler]) -> None:
        self.server = _Server((LOOPBACK, 0), handler)
        self.server.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def __enter__(self: R) -> R:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


# --- TLS terminator ---------------------------------------------------------------------


class _TlsHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        owner: TlsTerminator = self.server.owner  # type: ignore[attr-defined]
        raw: socket.socket = self.request
        raw.settimeout(30)
        try:
            tls = owner.context.wrap_socket(raw, server_side=True)
        except (OSError, ValueError) as exc:
            # A client that distrusts the certificate says so with a TLS alert; a socket
            # opened speculatively and closed unused is no refusal.
            reason = str(getattr(exc, "reason", "") or "")
            if "CERTIFICATE" in reason or "UNKNOWN_CA" in reason:
                owner.refused.append(reason)
                owner.refusal.set()
            raw.close()
            return
        with tls, socket.create_connection((LOOPBACK, owner.upstream_port), timeout=30) as up:
            owner.accepted.append(1)
            relay(tls, up)


class TlsTerminator(_Running):
    """https://127.0.0.1:PORT in front of an http://127.0.0.1 server, with a cert nobody trusts."""

    def __init__(self, upstream_port: int, cert: Path, key: Path) -> None:
        super().__init__(_TlsHandler)
        self.upstream_port = upstream_port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.refused: list[str] = []  # TLS alerts of clients that distrusted the certificate
        self.refusal = threading.Event()  # set by the server thread at the first such alert
        self.accepted: list[int] = []

    @property
    def base_url(self) -> str:
        return f"https://{LOOPBACK}:{self.port}"

    def was_refused(self) -> bool:
        """Whether a client refused the certificate (waiting for the server thread to say)."""
        return self.refusal.wait(timeout=30)


# --- forward proxy ----------------------------------------------------------------------


@dataclass(frozen=True)
class Proxied:
    method: str
    authority: str  # host:port asked for
    path: str  # "" for CONNECT
    user_agent: str


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > MAX_HEAD:
            raise ConnectionError("no request head")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    return head, rest


class _ProxyHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        owner: ForwardProxy = self.server.owner  # type: ignore[attr-defined]
        client: socket.socket = self.request
        client.settimeout(30)
        try:
            head, rest = _read_head(client)
        except (OSError, ConnectionError):
            return
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, version = request_line.split(" ", 2)
        headers = [h for h in header_lines if h]
        agent = next(
            (h.split(":", 1)[1].strip() for h in headers if h.lower().startswith("user-agent:")),
            "",
        )
        if method == "CONNECT":
            authority, path = target, ""
        else:
            parts = urlsplit(target)
            authority = parts.netloc
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        owner.record(Proxied(method, authority, path.split("?", 1)[0], agent))
        host, _, port = authority.rpartition(":")
        if host != LOOPBACK:  # this proxy never reaches beyond the machine
            client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        try:
            upstream = socket.create_connection((host, int(port)), timeout=30)
        except OSError:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return
        with upstream:
            if method == "CONNECT":
                client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            else:
                hop = ("connection:", "proxy-connection:", "keep-alive:", "proxy-authorization:")
                kept = [h for h in headers if not h.lower().startswith(hop)]
                # One request per connection keeps this proxy a byte pipe.
                lines = [f"{method} {path or '/'} {version}", *kept, "Connection: close"]
                upstream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            if rest:
                upstream.sendall(rest)
            relay(client, upstream)


class ForwardProxy(_Running):
    """An HTTP proxy on 127.0.0.1 that records what it was asked for."""

    def __init__(self) -> None:
        super().__init__(_ProxyHandler)
        self._lock = threading.Lock()
        self._seen: list[Proxied] = []

    def record(self, item: Proxied) -> None:
        with self._lock:
            self._seen.append(item)

    @property
    def seen(self) -> list[Proxied]:
        with self._lock:
            return list(self._seen)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


# --- a server that only counts ----------------------------------------------------------


class _CountingHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        owner: CountingServer = self.server.owner  # type: ignore[attr-defined]
        owner.hits.append(1)
        sock: socket.socket = self.request
        with contextlib.suppress(OSError):
            sock.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nleaked-over-http")


class CountingServer(_Running):
    """Anything that connects is counted: an XXE payload's http:// target."""

    def __init__(self) -> None:
        super().__init__(_CountingHandler)
        self.hits: list[int] = []

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


@contextlib.contextmanager
def tls_front(upstream_port: int, directory: Path) -> Iterator[TlsTerminator]:
    cert, key = self_signed_certificate(directory)
    with TlsTerminator(upstream_port, cert, key) as front:
        yield front
