"""Helpers for the AWS-side sandbox tests: a settable clock, a local WSGI server, assertions."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from azlogin.sandbox.assertion import SigningKey, build_saml_response
from azlogin.sandbox.scenario import RoleSpec, Scenario

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
ACS_URL = "https://signin.aws.amazon.com/saml"


class Clock:
    """The sandbox's "now", moved by tests instead of waiting."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Swappable:
    """A WSGI app whose target each test sets, so one server can serve a whole module."""

    def __init__(self) -> None:
        self.target: WSGIApplication | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        assert self.target is not None, "no app mounted for this test"
        return self.target(environ, start_response)


@contextmanager
def serving(mounts: dict[str, Any]) -> Iterator[str]:
    """Serve the apps under their path prefixes on 127.0.0.1; yields the base URL."""
    root = DispatcherMiddleware(_not_found, mounts)
    server = make_server("127.0.0.1", 0, root, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _not_found(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


def saml_for(
    key: SigningKey,
    scenario: Scenario,
    username: str,
    *,
    roles: Sequence[RoleSpec] | None = None,
    now: datetime = NOW,
    tenant_id: str | None = None,
    app_id_uri: str | None = None,
    acs_url: str = ACS_URL,
    **extra: Any,
) -> str:
    """A signed SAMLResponse for a scenario user (their own roles unless ``roles`` given)."""
    tenant = scenario.tenants[0]
    user = tenant.user(username)
    assert user is not None
    if roles is None:
        found = [scenario.role(arn) for arn in user.roles]
        roles = [r for r in found if r is not None]
    return build_saml_response(
        key=key,
        tenant_id=tenant_id or tenant.tenant_id,
        user=user,
        roles=roles,
        app_id_uri=app_id_uri or tenant.apps[0].app_id_uri,
        acs_url=acs_url,
        in_response_to="_request-1",
        now=now,
        **extra,
    )


def decode(saml_b64: str) -> bytes:
    return base64.b64decode(saml_b64)


def encode(xml: bytes) -> str:
    return base64.b64encode(xml).decode("ascii")
