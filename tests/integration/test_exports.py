"""The exports evaluated by real shells: hostile values arrive byte for byte, nothing runs,
and the unset output clears every variable again.

bash is always there; zsh and fish are used when installed (``apt-get install zsh fish``),
otherwise those tests are skipped and only the pure checks in tests/unit cover them.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from azlogin.exports import VARIABLES, render, render_unset
from azlogin.models import Credentials

NASTY = Credentials(
    access_key_id="ASIA'$(touch INJECTED)'",
    secret_access_key="a b'c\"d$HOME`touch INJECTED`\\e!f*g;h&i|j",
    session_token="FwoG+/==\n'\\''${PATH}%s\u2019 ' \\",
    expiration=datetime(2030, 1, 1, 13, 0, tzinfo=timezone.utc),
)
REGION = "eu-west-1 $(touch INJECTED)"
EXPECTED = [
    NASTY.access_key_id,
    NASTY.secret_access_key,
    NASTY.session_token,
    "2030-01-01T13:00:00Z",
    REGION,
    REGION,
]

# Each shell: argv reading the script at "$1", then the snippet run after it.
POSIX_PRINT = " ".join(f'"${name}"' for name in VARIABLES)
POSIX_SET = " ".join(f"${{{name}+x}}" for name in VARIABLES)
FISH_PRINT = " ".join(f"${name}" for name in VARIABLES)
SHELLS = {
    "bash": (["bash", "--noprofile", "--norc", "-c"], 'eval "$(cat "$1")"', ["sh"]),
    "zsh": (["zsh", "-f", "-c"], 'eval "$(cat "$1")"', ["sh"]),
    "fish": (["fish", "--no-config", "-c"], "source $argv[1]", []),  # no $0 slot
}
PRINT = {
    "bash": f"printf '%s\\0' {POSIX_PRINT}",
    "zsh": f"printf '%s\\0' {POSIX_PRINT}",
    "fish": f"printf '%s\\0' {FISH_PRINT}",
}
SET_FLAGS = {
    "bash": f"printf '%s' {POSIX_SET}",
    "zsh": f"printf '%s' {POSIX_SET}",
    "fish": "; ".join(f"set -q {name}; and printf x" for name in VARIABLES) + "; true",
}


def run(shell: str, script: str, after: str, cwd: Path, env: dict[str, str]) -> bytes:
    argv, load, zero = SHELLS[shell]
    path = cwd / "exports.txt"
    path.write_text(script, encoding="utf-8")
    command = [*argv, f"{load}; {after}", *zero, str(path)]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True)
    return done.stdout


def needs(shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "LANG": "C.UTF-8",
    }


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_hostile_values_arrive_unchanged_and_nothing_runs(
    shell: str, tmp_path: Path, env: dict[str, str]
) -> None:
    needs(shell)
    out = run(shell, render(NASTY, REGION, shell), PRINT[shell], tmp_path, env)
    assert out.decode("utf-8").split("\0")[:-1] == EXPECTED
    assert not (tmp_path / "INJECTED").exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_unset_clears_what_render_set_and_what_was_inherited(
    shell: str, tmp_path: Path, env: dict[str, str]
) -> None:
    needs(shell)
    inherited = {**env, "AWS_SESSION_TOKEN": "old", "AWS_REGION": "old", "AWS_PROFILE": "keep"}
    script = render(NASTY, REGION, shell) + render_unset(shell)
    flags = run(shell, script, SET_FLAGS[shell], tmp_path, inherited)
    assert flags == b""
    profile = "printf %s $AWS_PROFILE"
    assert run(shell, render_unset(shell), profile, tmp_path, inherited) == b"keep"


def test_exports_reach_child_processes(tmp_path: Path, env: dict[str, str]) -> None:
    """``export`` (not a plain assignment): the AWS CLI run next must see the values."""
    out = run("bash", render(NASTY, None, "bash"), "env -0", tmp_path, env)
    children = dict(item.split("=", 1) for item in out.decode().split("\0") if "=" in item)
    assert children["AWS_SESSION_TOKEN"] == NASTY.session_token
    assert "AWS_REGION" not in children
