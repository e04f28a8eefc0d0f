"""The sandbox's Entra ID: its routes, and how a request reaches its handler.

Handlers are plain functions ``(state, request, url_args) -> Response`` in
``entra_signin``, ``entra_login``, ``entra_mfa`` and ``entra_finish``; the gallery's pages
add a route per form they declare (``gallery.py``), all answered by
``entra_finish.answer``. A handler that raises ``EntraError`` ends the sign-in on the error
page (or, for background calls, a JSON error the page shows).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azlogin.sandbox import (
    disguise,
    entra_federation,
    entra_finish,
    entra_login,
    entra_mfa,
    entra_signin,
    gallery,
)
from azlogin.sandbox.entra_errors import REQUEST_ERRORS, EntraError
from azlogin.sandbox.entra_pages import (
    URL_BEGIN_AUTH,
    URL_END_AUTH,
    URL_GET_CREDENTIAL_TYPE,
    URL_LOGOUT,
    URL_MSA,
    URL_PHONE_SIGN_IN_POLL,
    URL_PROCESS_AUTH,
    error_page,
    json_error,
)
from azlogin.sandbox.entra_state import FLOW_COOKIE, EntraState
from azlogin.sandbox.scenario import User

Handler = Callable[[EntraState, Request, Mapping[str, str]], Response]


@dataclass(frozen=True)
class Route:
    path: str
    method: str
    handler: Handler
    kind: Literal["page", "json"]  # pages feel faults.page_delay_seconds; JSON errors stay JSON


ROUTES: tuple[Route, ...] = (
    Route("/<tenant>/saml2", "GET", entra_signin.start, "page"),
    Route("/<tenant>/login", "POST", entra_login.login, "page"),
    Route(URL_GET_CREDENTIAL_TYPE, "POST", entra_signin.credential_type, "json"),
    Route(URL_PHONE_SIGN_IN_POLL, "POST", entra_signin.phone_sign_in_poll, "json"),
    Route(URL_MSA, "GET", entra_signin.personal_account, "page"),
    Route(URL_LOGOUT, "GET", entra_signin.logout, "page"),
    Route(URL_BEGIN_AUTH, "POST", entra_mfa.begin_auth, "json"),
    Route(URL_END_AUTH, "POST", entra_mfa.end_auth, "json"),
    Route(URL_PROCESS_AUTH.format(tenant="<tenant>"), "POST", entra_mfa.process_auth, "page"),
    Route("/login.srf", "POST", entra_federation.login_srf, "page"),  # a company IdP's answer
)


def gallery_routes() -> tuple[Route, ...]:
    """Every form of every gallery page, answered by one handler that asks the flow which
    page it waits on (several pages may post to one path, as Entra's do)."""
    return tuple(
        Route(path, method, entra_finish.answer, "page") for path, method in gallery.routes()
    )


class Entra:
    """Serves ``ROUTES`` against one ``EntraState``."""

    def __init__(self, state: EntraState, sleep: Callable[[float], None] = time.sleep) -> None:
        self.state = state
        self._sleep = sleep
        routes = (*ROUTES, *gallery_routes())
        taken = [(route.path, route.method) for route in routes]
        if len(set(taken)) != len(taken):
            raise gallery.GalleryError("a gallery form takes a path the sign-in already uses")
        self._routes = {f"entra:{i}": route for i, route in enumerate(routes)}

    def rules(self) -> list[Rule]:
        return [
            Rule(route.path, endpoint=name, methods=[route.method])
            for name, route in self._routes.items()
        ]

    def handles(self, endpoint: str) -> bool:
        return endpoint in self._routes

    def dispatch(self, endpoint: str, request: Request, args: Mapping[str, str]) -> Response:
        route = self._routes[endpoint]
        if route.kind == "page":
            delay = self.state.scenario.faults.page_delay_seconds
            if delay > 0:
                self._sleep(delay)  # outside the lock: a slow page must not stall the others
        with self.state.lock:
            try:
                return route.handler(self.state, request, args)
            except EntraError as error:
                return self._refuse(route, request, error)

    def _refuse(self, route: Route, request: Request, error: EntraError) -> Response:
        """An error ends the sign-in; the entry point has no flow of its own yet."""
        user = None if route.handler is entra_signin.start else self._flow_user(request)
        if route.handler is not entra_signin.start:
            self.state.flows.discard_id(request.cookies.get(FLOW_COOKIE))
        if route.kind == "json":
            return json_error(error)  # any non-2xx: the page script shows the error
        status = 400 if error.code in REQUEST_ERRORS else 200
        hidden = disguise.hides(self.state.scenario, "error", [user])
        return error_page(error, now=self.state.clock(), status=status, hidden=hidden)

    def _flow_user(self, request: Request) -> User | None:
        """Who the request's flow signs in, if it knows yet (for a disguised error page)."""
        flow = self.state.flows.find(request.cookies.get(FLOW_COOKIE))
        tenant = self.state.scenario.tenant(flow.tenant_id) if flow is not None else None
        return tenant.user(flow.username or "") if flow is not None and tenant else None
