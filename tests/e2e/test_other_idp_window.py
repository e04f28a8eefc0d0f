"""Another company IdP's page (not AD FS: Okta, Ping, an AD FS page with its own MFA) in
an interactive run: with a display azlogin offers a visible window there, the person signs
in at that IdP, and azlogin still captures the assertion and writes working keys; without
a display, a clean stop naming the IdP's host (issue 13, item 5). On the browser path and
on the HTTP path handing that page over. Real Chromium (on a private Xvfb display for the
window), the sandbox's Entra and its other IdP on another 127.0.0.1 port, real boto3.
"""

from __future__ import annotations

from pathlib import Path

import pexpect
import pytest
from playwright.sync_api import Page

from azlogin import cli
from azlogin.runtime import Runtime
from azlogin.sandbox import Sandbox
from azlogin.signin.hybrid import HybridSignIn
from azlogin.sts import ClientCache
from azlogin.ui import EnvAnswers
from tests.browser.conftest import xvfb_display  # noqa: F401 - the fixture
from tests.browser.fakes import ScriptedUI

from .conftest import PASSWORD, Home
from .test_hybrid import browser_starts as browser_starts  # the fixture, counting starts
from .test_hybrid import started
from .test_interactive import spawn
from .test_login import caller_arn
from .test_prompts import ANSI

pytestmark = pytest.mark.browser

ROLE = "arn:aws:iam::111111111111:role/Developer"
JUDY = "judy@sandbox.example"  # federated to the sandbox's other IdP (/idp/signin)
SIGNINS = ["browser", "auto"]  # the browser alone; HTTP handing the IdP's page over


def idp_host(sandbox: Sandbox) -> str:
    return sandbox.idp_url.removeprefix("http://")


def person_signs_in_at_the_idp(page: Page) -> None:
    """At the window azlogin opened: the IdP's own form, then Entra's "stay signed in?": No."""
    assert page.locator("#idp-username").input_value() == JUDY  # the page azlogin stopped at
    page.locator("#idp-password").fill(PASSWORD)
    page.locator("#idp-submit").click()
    page.locator("#idBtn_Back").click()


@pytest.mark.parametrize("signin", SIGNINS)
def test_the_person_signs_in_at_the_other_idp_in_the_offered_window(
    home: Home,
    sandbox: Sandbox,
    xvfb_display: str,  # noqa: F811
    signin: str,
) -> None:
    profile = home.profile(JUDY, azure_default_role_arn=ROLE)
    env = {**home.env, "AZLOGIN_SIGNIN": signin, "DISPLAY": xvfb_display}
    env.pop("WAYLAND_DISPLAY", None)
    # As __main__ builds it, but the person is scripted and plays the window through the
    # hook. A password azlogin was given would be answered, and counted, if it were asked.
    ui = ScriptedUI({"password": PASSWORD, "choose": "gui"})
    provider = HybridSignIn(env)
    provider.browser.gui_hook = person_signs_in_at_the_idp
    invocation = cli.parse(["--profile", profile], env)
    assert invocation.module is not None and invocation.ns is not None
    sts_api = ClientCache().get
    runtime = Runtime(env=env, ui=EnvAnswers(ui, env), provider=lambda: provider, sts_api=sts_api)

    assert invocation.module.run(invocation.ns, runtime) == 0

    assert caller_arn(profile) == f"arn:aws:sts::111111111111:assumed-role/Developer/{JUDY}"
    # Asked once, and only the offer: no password, no username, no second offer.
    assert ui.kinds_asked() == ["choose"]
    assert ui.asked[0][1].startswith("Finish the sign-in yourself?")
    (why,) = ui.warnings  # its one line of explanation names the IdP's host
    assert idp_host(sandbox) in why and "\n" not in why
    log = sandbox.request_log
    assert log.count(("POST", "/idp/signin")) == 1  # the person's, in the window
    assert log.count(("POST", "/login.srf")) == 1
    assert sandbox.sign_ins_by_user == {JUDY: 1}
    first = next(r for r in sandbox.client_requests if r.path.endswith("/saml2"))
    assert ("Headless" in first.user_agent) == (signin == "browser")  # which path began


@pytest.mark.parametrize("signin", SIGNINS)
def test_an_interactive_terminal_without_a_display_stops_naming_the_idp_host(
    home: Home, sandbox: Sandbox, browser_starts: Path, signin: str
) -> None:
    profile = home.profile(JUDY, azure_default_role_arn=ROLE)
    home.env["AZLOGIN_SIGNIN"] = signin
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        home.env.pop(name, None)
    child = spawn(home, "--profile", profile)
    offered = child.expect([pexpect.EOF, r"Finish the sign-in yourself\?"])
    shown = ANSI.sub("", child.before or "")
    child.close(force=True)
    assert offered == 0, shown  # no window to offer
    assert child.exitstatus not in (0, None), shown
    host = idp_host(sandbox)
    stop = f"azlogin: error: The sign-in moved to your organisation's own sign-in page ({host})"
    assert stop in shown, shown
    assert "Traceback" not in shown
    assert ("POST", "/idp/signin") not in sandbox.request_log
    assert sandbox.sign_ins == 0
    # No window to offer: the HTTP path stops as the browser would, without starting one.
    assert started(browser_starts) == (1 if signin == "browser" else 0)
