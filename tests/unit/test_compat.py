"""aws-azure-login's command line translated to azlogin's: pure, then checked against
azlogin's own parser, then through ``compat.main`` in-process (no sign-in)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from azlogin import cli, compat
from azlogin.errors import ExitStatus, UsageError

IGNORED = (
    "--no-sandbox",
    "--enable-chrome-network-service",
    "--enable-chrome-seamless-sso",
    "--no-disable-extensions",
    "--disable-gpu",
)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ["login"]),
        (["--profile=dev", "--no-prompt"], ["login", "--profile=dev", "--no-prompt"]),
        (
            ["-p", "dev", "-f", "-m", "gui"],
            ["login", "--profile=dev", "--force-refresh", "--mode=gui"],
        ),
        (["-fp", "dev"], ["login", "--profile=dev", "--force-refresh"]),
        (["--mode=cli"], ["login", "--mode=headless"]),
        (["--mode", "debug", "--no-verify-ssl"], ["login", "--no-verify-ssl", "--mode=debug"]),
        (["-c", "-p", "dev"], ["configure", "--profile=dev"]),
        (["--configure", "--no-prompt", "-f", "-m", "gui"], ["configure", "--no-prompt"]),
        (
            ["-a", "--no-prompt", "-f"],
            ["login", "--all-profiles", "--no-prompt", "--force-refresh"],
        ),
        (["--all-profiles", "--configure", "-p", "x"], ["login", "--all-profiles"]),
        (["--credential-process", "-p", "dev"], ["credential-process", "--profile=dev"]),
        (["--profile=-odd-"], ["login", "--profile=-odd-"]),
        (["--debug", "-p", "dev"], ["login", "--profile=dev", "--debug"]),
        ([*IGNORED, "-p", "dev"], ["login", "--profile=dev"]),
    ],
)
def test_flags_become_azlogins(argv: list[str], expected: list[str]) -> None:
    translation = compat.translate(argv, {})
    assert list(translation.argv) == expected
    # ...and azlogin's own parser takes every translation as it stands.
    assert cli.parse(translation.argv, {}).command == expected[0]


def test_azlogin_reads_the_translation_as_meant() -> None:
    ns = cli.parse(
        compat.translate(["-p", "dev", "-m", "cli", "-f", "--no-prompt"], {}).argv, {}
    ).ns
    assert ns is not None
    assert (ns.profile, ns.mode, ns.force_refresh, ns.no_prompt) == ("dev", "headless", True, True)
    ns = cli.parse(compat.translate(["-a", "--mode=gui"], {}).argv, {"AWS_PROFILE": "x"}).ns
    assert ns is not None and ns.all_profiles and ns.mode == "gui"
    # No --profile: AWS_PROFILE, then "default", as aws-azure-login.
    ns = cli.parse(compat.translate(["-c"], {}).argv, {"AWS_PROFILE": "work"}).ns
    assert ns is not None and ns.profile == "work"
    assert cli.parse(compat.translate([], {}).argv, {}).ns.profile == "default"  # type: ignore[union-attr]


def test_each_ignored_flag_gets_a_note_saying_why() -> None:
    notes = compat.translate([*IGNORED, "-p", "dev"], {}).notes
    assert len(notes) == len(IGNORED)
    for flag, note in zip(IGNORED, notes, strict=True):
        assert note.startswith(f"{flag} is ignored: ") and len(note) > len(flag) + 20
    assert compat.translate(["-p", "dev"], {}).notes == ()


@pytest.mark.parametrize(
    "argv",
    [["--mode", "headless"], ["--role", "Admin"], ["dev"], ["--profile"], ["--nope"]],
)
def test_what_aws_azure_login_does_not_take_is_a_usage_error(argv: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        compat.translate(argv, {})
    assert "aws-azure-login --help" in caught.value.hint


def test_browser_chrome_bin_becomes_azlogin_browser() -> None:
    env = {"BROWSER_CHROME_BIN": "/opt/chrome/chrome", "HOME": "/home/me"}
    translation = compat.translate([], env)
    assert translation.env == {**env, "AZLOGIN_BROWSER": "/opt/chrome/chrome"}
    assert env == {"BROWSER_CHROME_BIN": "/opt/chrome/chrome", "HOME": "/home/me"}  # untouched
    assert any("BROWSER_CHROME_BIN" in note for note in translation.notes)


def test_azlogin_browser_comes_before_browser_chrome_bin() -> None:
    env = {"BROWSER_CHROME_BIN": "/opt/chrome/chrome", "AZLOGIN_BROWSER": "msedge"}
    translation = compat.translate([], env)
    assert translation.env == env
    assert any("BROWSER_CHROME_BIN is ignored" in note for note in translation.notes)


def test_chromium_profile_variables_are_ignored_with_a_note() -> None:
    env = {"BROWSER_USER_DATA_DIR": "/x", "BROWSER_PROFILE_DIR": "Default"}
    translation = compat.translate([], env)
    assert translation.env == env
    assert [n.split(" ")[0] for n in translation.notes] == list(env)


@pytest.mark.parametrize(
    ("pattern", "wanted"),
    [
        ("aws-azure-login", True),
        ("*", True),
        ("aws-*", True),
        ("express:*, aws-azure-login", True),
        ("*,-aws-azure-login", False),
        ("aws", False),
        ("aws-azure-login-extra", False),
        ("", False),
    ],
)
def test_debug_variable_as_nodes_debug_module_reads_it(pattern: str, wanted: bool) -> None:
    assert compat.debug_wanted(pattern) is wanted
    argv = compat.translate(["-p", "dev"], {"DEBUG": pattern}).argv
    assert ("--debug" in argv) is wanted


def _main(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    err = io.StringIO()
    return compat.main(argv, env, io.StringIO(), err, io.StringIO()), err.getvalue()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "HOME": str(tmp_path),
        "AZLOGIN_STATE_DIR": str(tmp_path / "state"),
    }


def test_notes_are_debug_level(env: dict[str, str]) -> None:
    # An unknown profile fails before any sign-in: azlogin's error and status, not 0.
    code, err = _main(["--no-sandbox", "-p", "nope", "--no-prompt"], env)
    assert code == ExitStatus.CONFIG
    assert "azlogin: error:" in err and "nope" in err
    assert "ignored" not in err
    code, err = _main(["--no-sandbox", "-p", "nope", "--no-prompt"], {**env, "DEBUG": "*"})
    assert code == ExitStatus.CONFIG
    assert "debug: aws-azure-login: --no-sandbox is ignored: " in err
    assert "debug: aws-azure-login: runs as azlogin login --profile=nope" in err


def test_usage_errors_help_and_version(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _main(["--mode", "fast"], env)
    assert code == ExitStatus.USAGE
    assert err.startswith("aws-azure-login: error: argument -m/--mode: invalid choice")
    assert compat.main(["--version"], env) == 0
    assert "aws-azure-login (azlogin " in capsys.readouterr().out
    assert compat.main(["--help"], env) == 0
    out = capsys.readouterr().out
    for flag in (*IGNORED, "--configure", "--all-profiles", "--force-refresh", "--no-prompt"):
        assert flag in out


def test_starting_it_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from azlogin import compat\n"
        "compat.translate(['-p', 'dev', '--no-sandbox'], {})\n"
        "assert compat.main(['--version']) == 0\n"
        "heavy = ('boto3', 'botocore', 'playwright', 'httpx', 'lxml', 'questionary')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.splitlines()[-1] == "[]"


def test_readme_section_names_every_flag() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = readme.index("### `aws-azure-login` — a drop-in for scripts and Granted")
    section = readme[start : readme.index("\n### ", start + 1)]
    for action in compat.parser()._actions:
        for option in action.option_strings:
            assert f"`{option}" in section, option
    for name in ("BROWSER_CHROME_BIN", "DEBUG=aws-azure-login", *compat.IGNORED_VARIABLES):
        assert f"`{name}" in section, name
    assert "#aws-azure-login--a-drop-in-for-scripts-and-granted" in readme
