"""Two runs of one identity take turns with its remembered session over HTTP, as they do
with the browser profile: the second waits for the first, then uses the session the first
one left (no password of its own)."""

from __future__ import annotations

import json

from azlogin.sandbox import Sandbox

from ..e2e.conftest import PASSWORD, TOTP_SECRET, Home
from .conftest import HeldRequests
from .support import LIMIT, Azlogin

ROLE = "arn:aws:iam::111111111111:role/Developer"


def test_two_runs_of_one_identity_take_turns_with_the_cookie_store(
    home: Home, sandbox: Sandbox, held: HeldRequests
) -> None:
    home.profile("alice@sandbox.example", "first", azure_default_role_arn=ROLE,
                 azure_default_remember_me="true")  # fmt: skip
    home.profile("alice@sandbox.example", "second", azure_default_role_arn=ROLE,
                 azure_default_remember_me="true")  # fmt: skip
    sandbox.update_faults(page_delay_seconds=LIMIT)  # the first run's first page is held
    secrets = {"AZURE_DEFAULT_PASSWORD": PASSWORD, "AZLOGIN_TOTP_SECRET": TOTP_SECRET}
    first = Azlogin(home, "--profile", "first", "--no-prompt", **secrets)
    second = None
    try:
        assert held.held.wait(LIMIT), "the sandbox never saw the first run's request"
        second = Azlogin(home, "--profile", "second", "--no-prompt", "--debug", **secrets)
        second.wait_for("Waiting for another azlogin signing in as alice@sandbox.example")
        sandbox.update_faults(page_delay_seconds=0)
        held.release.set()
        code_first, err_first = first.finish()
        code_second, err_second = second.finish()
    finally:
        first.close()
        if second is not None:
            second.close()
    assert code_first == 0, err_first
    assert code_second == 0, err_second
    assert "signed in over HTTP (remembered session)" in err_second
    logins = [
        r for r in sandbox.client_requests if r.method == "POST" and r.path.endswith("/login")
    ]
    assert len(logins) == 1  # only the first run gave a password
    assert sandbox.sign_ins_by_user["alice@sandbox.example"] == 2
    (store,) = (home.root / ".azlogin" / "sessions").glob("*.json")
    assert json.loads(store.read_text())["cookies"]
