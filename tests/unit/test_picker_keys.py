"""The real questionary prompts, driven by keystrokes through a prompt_toolkit pipe."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput

from azlogin import roles
from azlogin.models import Role
from azlogin.terminal import TerminalUI

P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
ROLES = [
    Role("arn:aws:iam::111111111111:role/Developer", P),
    Role("arn:aws:iam::111111111111:role/team/platform/Admin", P),
    Role(
        "arn:aws:iam::222222222222:role/ReadOnly", "arn:aws:iam::222222222222:saml-provider/AzureAD"
    ),
]
DOWN, ENTER = "\x1b[B", "\r"


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def terminal(pipe: PipeInput) -> TerminalUI:
    return TerminalUI(io.StringIO(), pt_input=pipe, pt_output=DummyOutput())


def test_typing_filters_the_roles(pipe: PipeInput) -> None:
    pipe.send_text("ReadOnly" + ENTER)
    assert roles.choose(ROLES, terminal(pipe), flag=None, default=None) == ROLES[2]


def test_enter_takes_the_preselected_default(pipe: PipeInput) -> None:
    pipe.send_text(ENTER)
    chosen = roles.choose(ROLES, terminal(pipe), flag=None, default=ROLES[1].role_arn)
    assert chosen == ROLES[1]


def test_arrow_keys_move_the_selection(pipe: PipeInput) -> None:
    pipe.send_text(DOWN + ENTER)
    # Listed by account, then ARN: Developer, team/platform/Admin, ReadOnly.
    assert roles.choose(ROLES, terminal(pipe), flag=None, default=None) == ROLES[1]


def test_username_default_and_masked_password(pipe: PipeInput) -> None:
    ui = terminal(pipe)
    pipe.send_text(ENTER)
    assert ui.ask_username("alice@example.com") == "alice@example.com"
    pipe.send_text("s3cret!" + ENTER)
    assert ui.ask_password("alice@example.com") == "s3cret!"
    pipe.send_text("12a" + "\x7f" + "3456" + ENTER)
    assert ui.ask_code("Enter the code from your app") == "123456"
