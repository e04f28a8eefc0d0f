"""Failures a person can act on: timeouts with a redacted dump, unknown pages, Ctrl-C."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from azlogin.browser import BrowserSignIn
from azlogin.errors import Interrupted, SignInError
from azlogin.models import Profile, SignInOptions
from azlogin.sandbox.server import Sandbox

from .conftest import PASSWORD
from .fakes import ScriptedUI, alive, chromium_processes

pytestmark = pytest.mark.browser

ProfileMaker = Callable[..., Profile]
SignInMaker = Callable[..., BrowserSignIn]


def dump_files(state_dir: Path) -> list[Path]:
    folder = state_dir / "diagnostics"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    return sorted(folder.iterdir())


def test_timeout_saves_a_redacted_dump(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox, state_dir: Path
) -> None:
    # The password is typed, then every page stalls: the sign-in times out on the password page
    # with the password still in its field.
    def password() -> str:
        fresh_sandbox.update_faults(page_delay_seconds=20)
        return PASSWORD

    ui = ScriptedUI({"password": password})
    options = SignInOptions(timeout_seconds=5)
    with pytest.raises(SignInError) as caught:
        make_signin().get_assertion(make_profile("bob@sandbox.example"), ui, options)
    assert "did not finish within 5 s" in caught.value.message
    files = dump_files(state_dir)
    assert {f.suffix for f in files} == {".png", ".html"}
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert str(file) in caught.value.hint
        assert PASSWORD.encode() not in file.read_bytes()
    html = next(f for f in files if f.suffix == ".html").read_text()
    assert 'name="passwd"' in html  # it is the password page, with its value gone
    assert "SAMLResponse" not in html
    assert PASSWORD not in f"{caught.value} {caught.value.hint}"


def test_a_server_that_stops_answering_is_named(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox, state_dir: Path
) -> None:
    def password() -> str:
        fresh_sandbox.update_faults(page_delay_seconds=20)
        return PASSWORD

    signin = make_signin(AZLOGIN_PAGE_TIMEOUT="2")
    with pytest.raises(SignInError) as caught:
        signin.get_assertion(
            make_profile("bob@sandbox.example"),
            ScriptedUI({"password": password}),
            SignInOptions(timeout_seconds=60),
        )
    assert "did not answer within 2 s" in caught.value.message
    assert len(dump_files(state_dir)) == 2


def test_unknown_page_is_dumped_and_named(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox, state_dir: Path
) -> None:
    # A wrong authority path: the server answers with a page azlogin has never seen.
    profile = make_profile("bob@sandbox.example", authority_host=fresh_sandbox.base_url + "/typo")
    signin = make_signin(AZLOGIN_PAGE_TIMEOUT="2")
    ui = ScriptedUI()  # interactive, but no display: nothing to offer
    with pytest.raises(SignInError) as caught:
        signin.get_assertion(profile, ui, SignInOptions(timeout_seconds=30))
    assert "does not recognise" in caught.value.message
    assert "--mode gui" in caught.value.hint
    assert len(dump_files(state_dir)) == 2
    assert ui.asked == []


def test_ctrl_c_closes_the_browser(make_profile: ProfileMaker, make_signin: SignInMaker) -> None:
    running: dict[int, str] = {}

    def interrupt() -> str:
        running.update(chromium_processes())
        raise KeyboardInterrupt

    with pytest.raises(Interrupted):
        make_signin().get_assertion(
            make_profile("bob@sandbox.example"),
            ScriptedUI({"password": interrupt}),
            SignInOptions(timeout_seconds=30),
        )
    assert running, "the browser should have been running when Ctrl-C came"
    assert not [pid for pid in running if alive(pid)]
    assert chromium_processes() == {}
