from __future__ import annotations

import pytest

from azlogin import roles
from azlogin.errors import ConfigError
from azlogin.models import Role

from ..fakes import ScriptedUI

P1 = "arn:aws:iam::111111111111:saml-provider/AzureAD"
P2 = "arn:aws:iam::222222222222:saml-provider/AzureAD"
DEV = Role("arn:aws:iam::111111111111:role/Developer", P1)
ADMIN = Role("arn:aws:iam::111111111111:role/team/platform/Admin", P1)
RO = Role("arn:aws:iam::222222222222:role/ReadOnly", P2)
ALL = [DEV, ADMIN, RO]


def test_single_role_is_taken_without_asking() -> None:
    ui = ScriptedUI()
    assert roles.choose([DEV], ui, flag=None, default=None) == DEV
    assert ui.asked == []


@pytest.mark.parametrize(
    ("flag", "expected"),
    [(DEV.role_arn, DEV), ("Admin", ADMIN), ("platform/Admin", ADMIN), ("ReadOnly", RO)],
)
def test_flag_matches_arn_name_or_suffix(flag: str, expected: Role) -> None:
    assert roles.choose(ALL, ScriptedUI(interactive=False), flag=flag, default=None) == expected


def test_flag_matching_nothing_lists_the_roles() -> None:
    with pytest.raises(ConfigError, match="matches no role") as info:
        roles.choose(ALL, ScriptedUI(), flag="Nope", default=None)
    assert RO.role_arn in info.value.hint


def test_ambiguous_flag_is_an_error() -> None:
    twin = Role("arn:aws:iam::222222222222:role/Developer", P2)
    with pytest.raises(ConfigError, match="matches several"):
        roles.choose([DEV, twin], ScriptedUI(), flag="Developer", default=None)


def test_picker_shows_readable_grouped_labels_and_preselects_default() -> None:
    ui = ScriptedUI(choice="<default>")
    chosen = roles.choose(
        ALL, ui, flag=None, default=ADMIN.role_arn, aliases={"111111111111": "dev-account"}
    )
    assert chosen == ADMIN
    _question, options, default = ui.choices[0]
    assert default == ADMIN.role_arn
    labels = [o.label for o in options]
    assert "dev-account (111111111111) › team/platform/Admin" in labels
    assert "222222222222 › ReadOnly" in labels
    assert {o.group for o in options} == {"dev-account (111111111111)", "222222222222"}


def test_non_interactive_uses_default() -> None:
    assert roles.choose(ALL, ScriptedUI(interactive=False), flag=None, default=RO.role_arn) == RO


def test_non_interactive_without_default_lists_roles() -> None:
    with pytest.raises(ConfigError, match="no default role") as info:
        roles.choose(ALL, ScriptedUI(interactive=False), flag=None, default=None)
    assert DEV.role_arn in info.value.hint and RO.role_arn in info.value.hint


def test_default_not_granted_is_error_without_prompt_and_warning_with() -> None:
    missing = "arn:aws:iam::999999999999:role/Gone"
    with pytest.raises(ConfigError, match="not among"):
        roles.choose(ALL, ScriptedUI(interactive=False), flag=None, default=missing)
    ui = ScriptedUI(choice=RO.role_arn)
    assert roles.choose(ALL, ui, flag=None, default=missing) == RO
    assert any("not among" in s for s in ui.said)


def test_a_single_granted_role_does_not_hide_a_wrong_default() -> None:
    with pytest.raises(ConfigError, match="not among"):
        roles.choose([DEV], ScriptedUI(interactive=False), flag=None, default=RO.role_arn)
    ui = ScriptedUI()
    assert roles.choose([DEV], ui, flag=None, default=RO.role_arn) == DEV
    assert ui.asked == [] and "not among" in ui.said[0]


def test_a_hint_names_a_few_roles_and_counts_the_rest() -> None:
    many = [
        Role(f"arn:aws:iam::{i:012d}:role/R", f"arn:aws:iam::{i:012d}:saml-provider/P")
        for i in range(4000)
    ]
    with pytest.raises(ConfigError) as caught:
        roles.choose(many, ScriptedUI(interactive=False), flag="Nope", default=None)
    hint = caught.value.hint
    assert hint.count("arn:aws:iam::") == 5
    assert "and 3995 more" in hint
    assert len(hint) < 600
