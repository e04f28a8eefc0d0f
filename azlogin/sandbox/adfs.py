"""The federated users' own identity providers, on a loopback port of their own.

``/adfs/ls/`` is a standard AD FS forms sign-in page (no ``$Config``: ``form#loginForm``,
``#userNameInput``, ``#passwordInput``, hidden ``AuthMethod=FormsAuthentication``, the
``#submitButton`` span, ``#errorText``) for users whose ``federation`` is ``"adfs"``;
``/idp/signin`` is another company IdP's page (not AD FS: azlogin hands it to a person)
for ``"other"``. Both answer a good password with AD FS's auto-posting WS-Federation form
(``hiddenform``: ``wa``, ``wresult``, ``wctx``) to Entra's ``/login.srf``, which checks the
token (``wsfed.py``) and the single-use ``wctx`` (``entra_federation.py``).
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from azlogin.sandbox import wsfed
from azlogin.sandbox.scenario import Scenario, User
from azlogin.sandbox.server_log import QuietHandler, RequestLog
from azlogin.sandbox.templating import render

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

PATHS = {"adfs": "/adfs/ls/", "other": "/idp/signin"}
ORGANISATION = "Sandbox Corp"
WRONG_PASSWORD = (
    "Incorrect user ID or password. Type the correct user ID and password, and try again."
)
MAX_BODY_BYTES = 1 << 16


class Idp:
    """The WSGI app of both pages."""

    def __init__(
        self,
        scenario: Scenario,
        trust: wsfed.Trust,
        entra_url: str,
        clock: Callable[[], datetime],
        log: RequestLog,
    ) -> None:
        self.scenario, self.trust, self.entra_url = scenario, trust, entra_url
        self.clock, self.log = clock, log

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = request.max_form_memory_size = MAX_BODY_BYTES
        self.log.record(request)
        kind = next((k for k, path in PATHS.items() if request.path == path), None)
        if kind is None or request.method not in ("GET", "POST"):
            return Response("Not found", status=404)(environ, start_response)
        return self._page(kind, request)(environ, start_response)

    def _page(self, kind: str, request: Request) -> Response:
        query = request.args
        if query.get("wa") != "wsignin1.0" or query.get("wtrealm") != wsfed.AUDIENCE:
            return Response("Not a WS-Federation sign-in request.", status=400)
        wctx = query.get("wctx", "")
        if request.method == "GET":
            return self._form(kind, request, query.get("username", ""), "")
        username, password = self._credentials(kind, request)
        user = self._user(kind, username)
        if user is None or not hmac.compare_digest(password.encode(), user.password.encode()):
            return self._form(kind, request, username, WRONG_PASSWORD)
        wresult = wsfed.issue(self.trust, user.username, self.clock())
        action = f"{self.entra_url}/login.srf"
        return _html(render("wsfed_return.html", action=action, wresult=wresult, wctx=wctx))

    def _credentials(self, kind: str, request: Request) -> tuple[str, str]:
        form = request.form
        if kind == "adfs":
            if form.get("AuthMethod") != "FormsAuthentication":
                return "", ""  # another method posted to the forms page: refused as AD FS does
            return form.get("UserName", "").strip(), form.get("Password", "")
        return form.get("identifier", "").strip(), form.get("credentials.passcode", "")

    def _user(self, kind: str, username: str) -> User | None:
        for tenant in self.scenario.tenants:
            user = tenant.user(username) if username else None
            if user is not None and user.federation == kind:
                return user
        return None

    def _form(self, kind: str, request: Request, username: str, error: str) -> Response:
        action = f"{request.path}?{urlencode(list(request.args.items(multi=True)))}"
        template = "adfs_signin.html" if kind == "adfs" else "other_idp.html"
        page = render(template, organisation=ORGANISATION, action=action, username=username,
                      error=error)  # fmt: skip
        return _html(page)


def _html(text: str) -> Response:
    response = Response(text, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


class IdpServer:
    """``Idp`` served on its own 127.0.0.1 port (another host, as far as the browser and
    azlogin's foreign-host checks go)."""

    def __init__(self, app: Idp, host: str) -> None:
        self._server: BaseWSGIServer = make_server(
            host, 0, app, threaded=True, request_handler=QuietHandler
        )
        self.base_url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"azlogin-sandbox-idp-{self._server.server_port}", daemon=True,
        )  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
