"""A fake STS on 127.0.0.1 that answers whatever the test in progress has set: any status,
headers and bytes (a body may be streamed, so 30 MB never sit in the test's memory), or no
answer at all (the connection closed, or held open until the server stops).

Real botocore reaches it through ``AWS_ENDPOINT_URL_STS``. Every socket is closed on the
way out: pytest turns an unraisable ResourceWarning into an error.
"""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.client import responses

from .netfixtures import LOOPBACK, MAX_HEAD, _Running

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
FILL_CHUNK = 64 * 1024

# Values planted in the answers: none may ever reach stdout, stderr or a log line.
ACCESS_KEY = "ASIAHOSTILECANARY7Q2"
SECRET = "cnryHostileSecret/9Q7ZxWv3abKmNpQrStUvWx"
TOKEN = "CnryHostileToken//" + "IQoJb3JpZ2luX2VjEFoaCXVzLWVhc3QtMSJHMEUCIQ" * 8 + "Zz=="


@dataclass(frozen=True)
class Answer:
    """What the fake STS does with the next requests."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/xml"
    headers: tuple[tuple[str, str], ...] = ()
    act: str = "answer"  # "close": close the connection unanswered; "hang": never answer
    fill: tuple[int, bytes] | None = None  # (n, suffix): n filler bytes streamed after body
    planted: tuple[str, ...] = field(default=(SECRET, TOKEN, ACCESS_KEY))


def when(offset: timedelta) -> str:
    """A time ``offset`` from the moment the answer is sent (filled in by the server)."""
    return f"@@now{int(offset.total_seconds()):+d}@@"


def _timed(data: bytes) -> bytes:
    def fill(match: re.Match[bytes]) -> bytes:
        moment = datetime.now(timezone.utc) + timedelta(seconds=int(match.group(1)))
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    return _WHEN.sub(fill, data)


_WHEN = re.compile(rb"@@now([+-]\d+)@@")


def credentials_xml(
    action: str = "AssumeRoleWithSAML",
    *,
    access_key: str = ACCESS_KEY,
    secret: str = SECRET,
    token: str = TOKEN,
    expiration: str | None = None,  # None: an hour from now
    credentials: bool = True,
    omit: tuple[str, ...] = (),
) -> str:
    """An STS success answer; fields named in ``omit`` are left out, values are not escaped."""
    fields = {
        "AccessKeyId": access_key,
        "SecretAccessKey": secret,
        "SessionToken": token,
        "Expiration": when(timedelta(hours=1)) if expiration is None else expiration,
    }
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items() if k not in omit)
    creds = f"<Credentials>{inner}</Credentials>" if credentials else ""
    return (
        f'<{action}Response xmlns="{STS_NS}"><{action}Result>{creds}'
        "<AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/Developer/alice</Arn>"
        "<AssumedRoleId>AROAEXAMPLE:alice</AssumedRoleId></AssumedRoleUser>"
        f"</{action}Result><ResponseMetadata><RequestId>0c1d2e3f</RequestId>"
        f"</ResponseMetadata></{action}Response>"
    )


def error_xml(code: str, message: str) -> str:
    return (
        f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>0c1d2e3f</RequestId></ErrorResponse>"
    )


def _read_request(sock: socket.socket) -> bool:
    """Read one request (head and Content-Length body); False if the client went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > MAX_HEAD:
            return False
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return False
        rest += chunk
    return True


class _StsHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        owner: HostileSts = self.server.owner  # type: ignore[attr-defined]
        sock: socket.socket = self.request
        sock.settimeout(60)
        with contextlib.suppress(OSError, ValueError):
            if not _read_request(sock):
                return
            answer = owner.count_and_get()
            if answer.act == "close":
                return
            if answer.act == "hang":
                owner.release.wait()
                return
            filler, suffix = answer.fill or (0, b"")
            body, suffix = _timed(answer.body), _timed(suffix)
            head = [
                f"HTTP/1.1 {answer.status} {responses.get(answer.status, 'Whatever')}",
                f"Content-Type: {answer.content_type}",
                f"Content-Length: {len(body) + filler + len(suffix)}",
                "Connection: close",
                *(f"{k}: {v}" for k, v in answer.headers),
            ]
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
            block = b"A" * FILL_CHUNK
            for start in range(0, filler, FILL_CHUNK):
                sock.sendall(block[: min(FILL_CHUNK, filler - start)])
            sock.sendall(suffix)


class HostileSts(_Running):
    """``with HostileSts() as sts: sts.answer = Answer(...)``; ``sts.url`` is the endpoint."""

    def __init__(self) -> None:
        super().__init__(_StsHandler)
        self.answer = Answer()
        self.release = threading.Event()  # ends every held ("hang") request
        self._lock = threading.Lock()
        self._requests = 0

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/"

    def count_and_get(self) -> Answer:
        with self._lock:
            self._requests += 1
            return self.answer

    @property
    def requests(self) -> int:
        with self._lock:
            return self._requests

    def serve(self, answer: Answer) -> None:
        """Answer ``answer`` from now on, with the request count back at zero."""
        with self._lock:
            self.answer, self._requests = answer, 0

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        super().__exit__(*exc)


@contextlib.contextmanager
def hostile_sts() -> Iterator[HostileSts]:
    with HostileSts() as server:
        yield server
