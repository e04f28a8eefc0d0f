"""What the sandbox's server writes down: which client made which request, and nothing of
what it sent (request lines carry session keys in ``/federation``'s query)."""

from __future__ import annotations

import threading
from typing import Any, NamedTuple

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request


class ClientRequest(NamedTuple):
    method: str
    path: str  # never the query string
    user_agent: str  # "" when the client sent none


class RequestLog:
    """Every request so far, in arrival order; thread-safe (the server is threaded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[ClientRequest] = []

    def record(self, request: Request) -> None:
        entry = ClientRequest(request.method, request.path, request.user_agent.string)
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[ClientRequest]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class QuietHandler(WSGIRequestHandler):
    """Werkzeug logs every request line, query included, and ``/federation`` carries session
    keys in its query; so request lines are never logged (``RequestLog`` has paths only)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        super().log_error("%s", "malformed HTTP request")
