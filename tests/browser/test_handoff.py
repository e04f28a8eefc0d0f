"""The hand-off page, served by a bare local IdP: capture by host suffix, values kept exact."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from azlogin.browser import BrowserSignIn
from azlogin.errors import SignInError
from azlogin.models import Profile, SignInOptions
from azlogin.sandbox.scenario import DEFAULT_TENANT_ID

from .conftest import chromium_for_tests
from .fakes import ScriptedUI

pytestmark = pytest.mark.browser

ProfileMaker = Callable[..., Profile]
SignInMaker = Callable[..., BrowserSignIn]
# Characters that urlencoding changes: the capture must hand back exactly what was posted.
ASSERTION = "PHNhbWxwOlJlc3BvbnNlLz4+Pz8/+/=="
# Entra's hand-off, without the onload script (as with scripts blocked): azlogin submits it.
HANDOFF = """<!DOCTYPE html><html><head><title>Working...</title></head><body>
<form method="POST" name="hiddenform" action="{action}">{fields}
<input type="hidden" name="RelayState" value="" /></form></body></html>"""


class _Pages(BaseHTTPRequestHandler):
    body = ""

    def do_GET(self) -> None:
        data = self.body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def idp() -> Iterator[tuple[str, type[_Pages]]]:
    pages = type("Pages", (_Pages,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), pages)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", pages
    finally:
        server.shutdown()
        server.server_close()


def profile_for(base: str) -> Profile:
    return Profile(
        name="t",
        tenant_id=DEFAULT_TENANT_ID,
        app_id_uri="https://signin.aws.amazon.com/saml",
        username="bob@example.com",
        authority_host=base,
        browser=chromium_for_tests(),
    )


@pytest.mark.parametrize(
    "action",
    [
        "https://signin.aws.amazon.com/saml",
        "https://us-east-1.signin.aws.amazon.com/saml",
        "https://signin.aws.amazon.com.mcas.ms/saml",
    ],
)
def test_hand_off_without_script_is_submitted_and_captured_exactly(
    idp: tuple[str, type[_Pages]], make_signin: SignInMaker, action: str
) -> None:
    base, pages = idp
    field = f'<input type="hidden" name="SAMLResponse" value="{ASSERTION}" />'
    pages.body = HANDOFF.format(action=action, fields=field)
    ui = ScriptedUI(interactive=False)
    assertion = make_signin().get_assertion(
        profile_for(base), ui, SignInOptions(timeout_seconds=30)
    )
    assert assertion == ASSERTION  # and no network: the POST was answered inside the browser


def test_hand_off_without_assertion_is_an_error(
    idp: tuple[str, type[_Pages]], make_signin: SignInMaker
) -> None:
    base, pages = idp
    pages.body = HANDOFF.format(
        action="https://signin.aws.amazon.com/saml",
        fields='<input type="hidden" name="SAMLResponse" value="" />',
    )
    with pytest.raises(SignInError, match="without a SAMLResponse"):
        make_signin().get_assertion(
            profile_for(base), ScriptedUI(interactive=False), SignInOptions(timeout_seconds=30)
        )
