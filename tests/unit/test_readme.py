"""The README's examples are checked, so it stays true."""

from __future__ import annotations

import re
from pathlib import Path

from azlogin.commands import COMMANDS, COMMON_EPILOG
from azlogin.sandbox.cli import load_scenario
from azlogin.settings import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_scenario_example_loads(tmp_path: Path) -> None:
    block = re.search(r"```toml\n(.*?)```", README, re.S)
    assert block is not None
    path = tmp_path / "scenario.toml"
    path.write_text(block.group(1))
    scenario = load_scenario(path)
    assert scenario.tenants[0].users[0].mfa == ["PhoneAppOTP"]
    assert scenario.chooser_format == "html"
    assert scenario.roles[0].max_session_duration == 3600


def test_every_command_and_config_key_is_documented() -> None:
    for verb in COMMANDS:
        assert f"azlogin {verb}" in README or verb == "login"
    for setting in SETTINGS:
        assert f"`{setting.key}`" in README
    for code in ("| 0 |", "| 2 |", "| 3 |", "| 4 |", "| 5 |", "| 130 |"):
        assert code in README
    assert "130 interrupted" in COMMON_EPILOG
