"""Defaults are offered, not typed for the person; a run with every answer configured asks
nothing to confirm (issue 11, part 4). The real prompts through a prompt_toolkit pipe."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput

from azlogin import roles
from azlogin.commands import configure
from azlogin.commands.login import login
from azlogin.models import Profile, Role
from azlogin.plan import Request
from azlogin.runtime import Runtime
from azlogin.settings import ASKED
from azlogin.terminal import TerminalUI
from azlogin.ui import Settled

from ..fakes import FakeSts, ScriptedUI
from .samlfixtures import response

P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
DEV = "arn:aws:iam::111111111111:role/Developer"
ADMIN = "arn:aws:iam::111111111111:role/Admin"
ROLES = [Role(DEV, P), Role(ADMIN, P)]
ENTER = "\r"
CONFIG = """[profile dev]
azure_tenant_id = contoso.onmicrosoft.com
azure_app_id_uri = https://signin.aws.amazon.com/saml#2
azure_default_username = alice@example.com
"""


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def terminal(pipe: PipeInput) -> TerminalUI:
    return TerminalUI(io.StringIO(), pt_input=pipe, pt_output=DummyOutput())


def test_typing_replaces_the_offered_username(pipe: PipeInput) -> None:
    pipe.send_text("bob@example.com" + ENTER)
    assert terminal(pipe).ask_username("alice@example.com") == "bob@example.com"


def test_enter_takes_the_offered_username(pipe: PipeInput) -> None:
    pipe.send_text(ENTER)
    assert terminal(pipe).ask_username("alice@example.com") == "alice@example.com"


def test_a_username_is_required_when_none_is_offered(pipe: PipeInput) -> None:
    pipe.send_text(ENTER + "  bob@example.com " + ENTER)  # the empty answer is refused
    assert terminal(pipe).ask_username(None) == "bob@example.com"


def test_text_default_is_checked_typed_text_replaces_it(pipe: PipeInput) -> None:
    seen: list[str] = []

    def check(text: str) -> str | None:
        seen.append(text)
        return None if text.isdigit() else "a number"

    ui = terminal(pipe)
    pipe.send_text(ENTER)
    assert ui.ask_text("Hours:", "8", check) == "8"
    assert seen[-1] == "8"  # the check saw the default it takes
    pipe.send_text("x" + ENTER + "\x7f" + "2" + ENTER)  # refused, erased, retyped
    assert ui.ask_text("Hours:", "8", check) == "2"


def test_settled_answers_the_first_username_question_only() -> None:
    inner = ScriptedUI(username="bob@example.com")
    ui = Settled(inner, "alice@example.com")
    assert ui.ask_username("alice@example.com") == "alice@example.com"
    assert inner.asked == []  # nobody was asked
    assert ui.ask_username(None) == "bob@example.com"  # Entra refused alice: ask
    assert inner.asked == ["username"]


def test_a_settled_run_takes_a_granted_default_role() -> None:
    ui = ScriptedUI()
    assert roles.choose(ROLES, ui, flag=None, default=ADMIN, settled=True) == ROLES[1]
    assert ui.choices == []


def test_an_unsettled_run_offers_the_default_role() -> None:
    ui = ScriptedUI(choice="<default>")
    assert roles.choose(ROLES, ui, flag=None, default=ADMIN) == ROLES[1]
    assert [(q, d) for q, _, d in ui.choices] == [("Role to assume:", ADMIN)]


def test_a_settled_run_whose_default_is_not_granted_asks() -> None:
    ui = ScriptedUI(choice=DEV)
    gone = "arn:aws:iam::111111111111:role/Gone"
    assert roles.choose(ROLES, ui, flag=None, default=gone, settled=True) == ROLES[0]
    assert any("not among the roles" in s for s in ui.said)


def _world(tmp_path: Path, ui: ScriptedUI, config: str) -> Runtime:
    (tmp_path / "config").write_text(config)
    env = {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }
    raw = response([f"{DEV},{P}", f"{ADMIN},{P}"])

    class AsksUsername:
        def get_assertion(self, profile: Profile, ui: Any, options: Any) -> str:
            ui.ask_username(profile.username)
            return raw

    return Runtime(env=env, ui=ui, provider=AsksUsername, sts_api=lambda *a: FakeSts())


@pytest.mark.parametrize("role", ["config", "flag"])
def test_everything_configured_asks_nothing_and_says_who(tmp_path: Path, role: str) -> None:
    ui = ScriptedUI()  # interactive, with no answer to give
    config = CONFIG + (f"azure_default_role_arn = {ADMIN}\n" if role == "config" else "")
    request = Request("dev", role=ADMIN if role == "flag" else None)
    assert login(request, _world(tmp_path, ui, config)) == 0
    assert ui.asked == [] and ui.choices == []
    assert "Signing in as alice@example.com" in ui.said


def test_without_a_default_role_the_username_is_offered_too(tmp_path: Path) -> None:
    ui = ScriptedUI(username="bob@example.com", choice=DEV)
    assert login(Request("dev"), _world(tmp_path, ui, CONFIG)) == 0
    assert ui.asked == ["username", "choice"]
    assert not any("Signing in as" in s for s in ui.said)
    config = (tmp_path / "config").read_text()
    assert "azure_default_username = bob@example.com\n" in config  # the typed one


def _setting(key: str) -> Any:
    return next(s for s in ASKED if s.key == key)


def test_wizard_questions_say_how_to_unset() -> None:
    username = _setting("azure_default_username")
    assert configure.question(username) == "Default username (empty: ask each time):"
    assert configure.question(username, "a@b.c") == "Default username (-: ask each time):"
    assert configure.question(username, flag=True) == "Default username (empty: ask each time)"
    tenant = _setting("azure_tenant_id")
    assert configure.question(tenant, "x") == "Azure tenant ID (GUID or domain):"


def test_wizard_keeps_on_enter_replaces_on_typing_clears_on_dash(pipe: PipeInput) -> None:
    keys = [
        ENTER,  # tenant: kept
        "https://signin.aws.amazon.com/saml#3" + ENTER,  # app: replaced, not appended
        "-" + ENTER,  # username: removed
        ENTER,  # role: none, still none
        ENTER,  # duration: none
        "n",  # remember me
        ENTER,  # region: none
    ]
    pipe.send_text("".join(keys))
    current = {
        "azure_tenant_id": "contoso.onmicrosoft.com",
        "azure_app_id_uri": "https://signin.aws.amazon.com/saml#2",
        "azure_default_username": "alice@example.com",
    }
    answers = configure.ask(ASKED, current, terminal(pipe))
    assert answers == {
        "azure_tenant_id": "contoso.onmicrosoft.com",
        "azure_app_id_uri": "https://signin.aws.amazon.com/saml#3",
        "azure_default_username": None,
        "azure_default_role_arn": None,
        "azure_default_duration_hours": None,
        "azure_default_remember_me": "false",
        "region": None,
    }


def test_wizard_dash_does_not_clear_a_required_setting(pipe: PipeInput) -> None:
    pipe.send_text("-" + ENTER + "\x7f" + "contoso.onmicrosoft.com" + ENTER)  # refused
    tenant = _setting("azure_tenant_id")
    assert configure.ask([tenant], {"azure_tenant_id": "x.onmicrosoft.com"}, terminal(pipe)) == {
        "azure_tenant_id": "contoso.onmicrosoft.com"
    }
