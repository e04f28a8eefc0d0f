"""A sign-in host that takes the connection and never answers: the page limit
(AZLOGIN_PAGE_TIMEOUT) ends the wait with an error naming the host, not the whole
sign-in timeout."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from azlogin.errors import ExitStatus

from ..e2e.conftest import PASSWORD, Home
from ..e2e.test_login import run
from .support import Azlogin


class SilentServer:
    """Accepts every connection on 127.0.0.1 and never sends a byte."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = threading.Event()
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            self.connections.append(connection)  # held open, unread, unanswered
            self.accepted.set()

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (Linux)
        self.listener.close()
        self._thread.join(timeout=10)
        for connection in self.connections:
            connection.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@pytest.mark.parametrize("signin", ["auto", "browser"])
def test_a_silent_sign_in_host_is_named_after_the_page_limit(
    home: Home, silent: SilentServer, signin: str
) -> None:
    name = home.profile("bob@sandbox.example")
    host = f"127.0.0.1:{silent.port}"
    text = home.config.read_text()
    home.config.write_text(
        text.replace(
            f"azlogin_authority_host = {home.sandbox.base_url}",
            f"azlogin_authority_host = http://{host}",
        )
    )
    assert f"http://{host}" in home.config.read_text()
    # The whole sign-in may take 120 s: only the page limit can end it with this message.
    run = Azlogin(
        home,
        "--profile",
        name,
        "--timeout",
        "120",
        AZURE_DEFAULT_PASSWORD=PASSWORD,
        AZLOGIN_PAGE_TIMEOUT="2",
        AZLOGIN_SIGNIN=signin,
    )
    try:
        code, err = run.finish()
    finally:
        run.close()

    assert silent.accepted.is_set()  # the sign-in did reach it
    assert code == ExitStatus.SIGN_IN, err
    assert err.splitlines()[-2:] == [
        f"azlogin: error: The sign-in host {host} did not answer within 2 s.",
        "hint: It took the connection but sent nothing back: check the network, the VPN and "
        "the proxy (HTTPS_PROXY, NO_PROXY); AZLOGIN_PAGE_TIMEOUT sets how long each page may "
        "take.",
    ], err
    assert "Traceback" not in err


def test_a_page_limit_that_never_ends_is_refused_by_the_cli(home: Home) -> None:
    name = home.profile("bob@sandbox.example")
    code, err = run(
        home, "--profile", name, AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_PAGE_TIMEOUT="nan"
    )
    assert code == ExitStatus.CONFIG, err
    assert err.splitlines() == [
        "azlogin: error: AZLOGIN_PAGE_TIMEOUT='nan' is not a number of seconds.",
        "hint: Unset AZLOGIN_PAGE_TIMEOUT, or use e.g. 30.",
    ]
    assert home.sandbox.sign_ins_by_user == {}
