"""``Sandbox``: the local Entra tenant and AWS endpoints on one 127.0.0.1 port.

Entra's pages and background calls (``entra``), STS at ``/sts``, the ACS role chooser at
``/saml`` and console federation at ``/federation`` (``aws_wsgi``). Tests drive it with a
small control API; nothing here listens anywhere but the loopback address.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from azlogin.sandbox import adfs, disguise
from azlogin.sandbox.assertion import generate_signing_key
from azlogin.sandbox.aws_wsgi import acs_wsgi_app, federation_wsgi_app, sts_wsgi_app
from azlogin.sandbox.entra import Entra
from azlogin.sandbox.entra_state import EntraState
from azlogin.sandbox.scenario import Scenario, default_scenario
from azlogin.sandbox.server_control import Controls
from azlogin.sandbox.server_log import ClientRequest, QuietHandler, RequestLog
from azlogin.sandbox.snippet import config_snippet, users_text
from azlogin.sandbox.sts import StsService

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

HOST = "127.0.0.1"  # never anything else: the sandbox's users and keys are public
MAX_BODY_BYTES = 1 << 20


class Sandbox(Controls):
    """A running sandbox: ``with Sandbox() as sandbox: ...`` or ``start()``/``stop()``."""

    def __init__(
        self,
        scenario: Scenario | None = None,
        port: int = 0,
        *,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._scenario = scenario if scenario is not None else default_scenario()
        self._requested_port = port
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        # How the page and STS delays of ``Faults`` wait: tests pass one that also tells
        # them a request is being held, so they act at that moment instead of after a sleep.
        self._sleep = sleep
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._idp: adfs.IdpServer | None = None
        self._state: EntraState | None = None
        self._entra: Entra | None = None
        self._aws: dict[str, WSGIApplication] = {}
        self._map = Map()
        self._log = RequestLog()
        self._base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        disguise.check(self._scenario)
        key = generate_signing_key()
        server = make_server(
            HOST, self._requested_port, self._wsgi, threaded=True, request_handler=QuietHandler
        )
        self._base_url = f"http://{HOST}:{server.server_port}"
        self._state = EntraState(self._scenario, key, self.acs_url, self._clock)
        # The federated users' company IdP, on a port of its own (another host to a browser).
        idp = adfs.Idp(self._scenario, self._state.trust, self._base_url, self._clock, self._log)
        self._idp = adfs.IdpServer(idp, HOST)
        self._state.idp_url = self._idp.base_url
        self._entra = Entra(self._state, self._sleep)
        sts = StsService(
            self._scenario, key.certificate_pem, self.acs_url, self._clock, sleep=self._sleep
        )
        self._aws = {
            "sts": sts_wsgi_app(sts),
            "acs": acs_wsgi_app(
                self._scenario,
                certificate_pem=key.certificate_pem,
                acs_url=self.acs_url,
                clock=self._clock,
            ),
            "federation": federation_wsgi_app(sts),
        }
        self._map = Map(
            [
                *self._entra.rules(),
                Rule("/", endpoint="index", methods=["GET"]),
                Rule("/sts", endpoint="sts", methods=["GET", "POST"]),
                Rule("/saml", endpoint="acs", methods=["GET", "POST"]),
                Rule("/federation", endpoint="federation", methods=["GET", "POST"]),
            ]
        )
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"azlogin-sandbox-{server.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if self._idp is not None:
            self._idp.stop()
            self._idp = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Sandbox:
        return self.start() if self._server is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- where it is -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("the sandbox has not been started")
        return self._base_url

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def authority_host(self) -> str:
        """What azlogin's ``azlogin_authority_host`` takes: scheme and host, no path."""
        return self.base_url

    @property
    def idp_url(self) -> str:
        """The federated users' company IdP (``adfs.py``): scheme, host and port."""
        return self._running_state().idp_url

    @property
    def acs_url(self) -> str:
        return f"{self.base_url}/saml"

    @property
    def sts_endpoint(self) -> str:
        return f"{self.base_url}/sts"

    @property
    def scenario(self) -> Scenario:
        """The live scenario: changes apply from the next request on."""
        return self._scenario

    @property
    def certificate_pem(self) -> bytes:
        """The IdP signing certificate (new at every start)."""
        return self._running_state().key.certificate_pem

    def config_snippet(self, profile: str = "sandbox") -> str:
        return config_snippet(self._scenario, self.base_url, profile)

    def users_text(self) -> str:
        return users_text(self._scenario)

    # -- what happened -----------------------------------------------------------------------

    @property
    def request_log(self) -> list[tuple[str, str]]:
        """(method, path) of every request so far; never a query string or a form value."""
        return [(entry.method, entry.path) for entry in self._log.entries()]

    @property
    def client_requests(self) -> list[ClientRequest]:
        """(method, path, user_agent) of every request so far: which client asked what."""
        return self._log.entries()

    @property
    def sign_ins(self) -> int:
        """SAMLResponses issued so far."""
        return sum(self._running_state().sign_ins.values())

    @property
    def sign_ins_by_user(self) -> dict[str, int]:
        return dict(self._running_state().sign_ins)

    def reset(self) -> None:
        """Forget flows, sessions, pushes, lockouts, counters and the request log."""
        self._running_state().reset()
        self._log.clear()

    # -- WSGI --------------------------------------------------------------------------------

    def _wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = MAX_BODY_BYTES
        request.max_form_memory_size = MAX_BODY_BYTES
        self._log.record(request)
        try:
            endpoint, args = self._map.bind_to_environ(environ).match()
            if endpoint in self._aws:
                return self._aws[endpoint](environ, start_response)
            if endpoint == "index":
                response = self._index()
            else:
                assert self._entra is not None
                response = self._entra.dispatch(endpoint, request, args)
        except HTTPException as error:
            return error(environ, start_response)
        return response(environ, start_response)

    def _index(self) -> Response:
        tenants = "\n".join(
            f"tenant {t.tenant_id} ({t.domain}): {self.base_url}/{t.tenant_id}/saml2"
            for t in self._scenario.tenants
        )
        text = f"azlogin sandbox\n{tenants}\nSTS: {self.sts_endpoint}\nACS: {self.acs_url}\n"
        return Response(text, mimetype="text/plain")
