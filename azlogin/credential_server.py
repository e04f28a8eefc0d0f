"""A credential server on the ECS container-credentials protocol, on 127.0.0.1 only.

The AWS SDKs and CLI read ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` and send
``AWS_CONTAINER_AUTHORIZATION_TOKEN`` as the ``Authorization`` header; the answer is JSON
with ``AccessKeyId``, ``SecretAccessKey``, ``Token`` and ``Expiration``. botocore accepts a
plain-HTTP full URI only on a loopback address, which is where this server binds, on a
port the kernel picks. The SDKs fetch again when fewer than 15 minutes remain, so the
credentials the server holds are refreshed before that (see :mod:`refresher`).

:func:`answer` decides every response (pure); :class:`CredentialServer` is the socket.
The log names method, path and status, never a header: the token is a key to the keys.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .credentials import format_time
from .models import Credentials
from .redact import SECRETS

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
PATH = "/"


@dataclass(frozen=True)
class Held:
    """What the server hands out: credentials, or why there are none (a one-line cause)."""

    credentials: Credentials | None
    problem: str = ""


@dataclass(frozen=True)
class Answer:
    status: int
    body: Mapping[str, str]


def answer(
    method: str,
    path: str,
    headers: Mapping[str, str],
    token: str,
    hosts: tuple[str, ...],
    held: Held,
    now: datetime,
) -> Answer:
    """The response to one request: the protocol and its refusals, in one place."""
    if method != "GET":
        return _error(405, "MethodNotAllowed", "Only GET is served.")
    # A web page the browser was tricked into sending here (DNS rebinding) names its own
    # host; the SDKs name the address they were given.
    if headers.get("host", "").lower() not in hosts:
        return _error(403, "AccessDenied", "Unexpected Host header.")
    given = headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return _error(403, "AccessDenied", "Missing or wrong authorization token.")
    if path.split("?", 1)[0] != PATH:
        return _error(404, "NotFound", "Credentials are served at /.")
    creds = held.credentials
    if creds is None or creds.expiration <= now:
        return _error(503, "CredentialsUnavailable", held.problem or "No valid credentials yet.")
    return Answer(
        200,
        {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "Token": creds.session_token,
            "Expiration": format_time(creds.expiration),
        },
    )


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message})


class CredentialServer:
    """Serves ``held()`` on 127.0.0.1 at a random port, to requests carrying ``token``."""

    def __init__(
        self, held: Callable[[], Held], now: Callable[[], datetime], port: int = 0
    ) -> None:
        self.token = secrets.token_urlsafe(32)
        SECRETS.add(self.token)  # printed once for the user to use, never in a log
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the SDKs reuse the connection
            # Headers and body go out as two writes; with Nagle's algorithm the second
            # waits for the client's delayed ACK, 40 ms on Linux, on every request.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                self._reply()

            def do_POST(self) -> None:
                self._reply()

            def do_PUT(self) -> None:
                self._reply()

            def _reply(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                got = answer(
                    self.command, self.path, headers, outer.token, outer.hosts, held(), now()
                )
                body = json.dumps(got.body).encode()
                self.send_response(got.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                log.debug("credential server: %s %s -> %s", self.command, self.path[:64], code)

            def log_message(self, format: str, *args: object) -> None:
                pass  # errors the library would print to stderr; requests logged above

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = False

        self._server = Server((HOST, port), Handler)
        self.port = int(self._server.server_address[1])
        self.hosts = (f"{HOST}:{self.port}", f"localhost:{self.port}")
        self.url = f"http://{HOST}:{self.port}{PATH}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="azlogin-serve", daemon=True
        )

    def variables(self) -> dict[str, str]:
        """What a client's environment needs to use this server."""
        return {
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": self.url,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": self.token,
        }

    def start(self) -> CredentialServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
