"""WSGI adapters for the AWS side: STS (``/sts``), the ACS page (``/saml``), ``/federation``.

Each adapter reads the request once, keeps the raw bytes (the STS needs them to check
SigV4 signatures), and hands plain values to the service. Mount them under any prefix
(e.g. werkzeug's ``DispatcherMiddleware``): the path the client signed is rebuilt from
``SCRIPT_NAME`` + ``PATH_INFO``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from azlogin.sandbox.aws_signin import HTML, federation, saml_acs
from azlogin.sandbox.scenario import Scenario
from azlogin.sandbox.sigv4 import HttpRequest
from azlogin.sandbox.sts import StsService

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MAX_BODY_BYTES = 1 << 20  # a 100,000-char assertion is ~140 kB once form-encoded
XML = "text/xml"


def sts_wsgi_app(service: StsService) -> WSGIApplication:
    """STS's Query API: POST form (or GET query) -> XML."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = read_request(environ)
        if request is None:
            return _send(start_response, 413, XML, "<Error>Request too large</Error>")
        status, body = service.handle(params_of(request), request)
        return _send(start_response, status, XML, body)

    return app


def federation_wsgi_app(sts: StsService) -> WSGIApplication:
    """``/federation?Action=getSigninToken|login`` (GET, or POST form)."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = read_request(environ)
        if request is None:
            return _send(start_response, 413, HTML, "Request too large")
        return _send(start_response, *federation(params_of(request), sts))

    return app


def acs_wsgi_app(
    scenario: Scenario,
    *,
    certificate_pem: bytes,
    acs_url: str,
    clock: Callable[[], datetime],
) -> WSGIApplication:
    """The ACS URL the Entra hand-off page posts ``SAMLResponse`` (+ ``RelayState``) to."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = read_request(environ)
        if request is None:
            return _send(start_response, 413, HTML, "Request too large")
        if request.method != "POST":
            return _send(start_response, 405, HTML, "POST the SAMLResponse here")
        answer = saml_acs(
            params_of(request),
            scenario,
            certificate_pem=certificate_pem,
            acs_url=acs_url,
            now=clock(),
        )
        return _send(start_response, *answer)

    return app


def read_request(environ: WSGIEnvironment) -> HttpRequest | None:
    """The request as the client sent it; None when the body exceeds the limit."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return None
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = str(environ[key])
    path = f"{environ.get('SCRIPT_NAME', '')}{environ.get('PATH_INFO', '')}" or "/"
    # WSGI hands paths over as latin-1 decoded bytes; undo that to get the UTF-8 text.
    path = path.encode("latin-1").decode("utf-8", errors="replace")
    return HttpRequest(
        method=str(environ.get("REQUEST_METHOD", "GET")),
        path=path,
        query=str(environ.get("QUERY_STRING", "")),
        headers=headers,
        body=body,
    )


def params_of(request: HttpRequest) -> dict[str, str]:
    """Query-string parameters, overridden by a form-encoded body's."""
    params = dict(parse_qsl(request.query, keep_blank_values=True))
    content_type = request.header("Content-Type") or ""
    if content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def _send(start_response: StartResponse, status: int, content_type: str, body: str) -> list[bytes]:
    data = body.encode("utf-8")
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", content_type), ("Content-Length", str(len(data)))],
    )
    return [data]
