"""``azlogin completion``: the scripts, loaded into real bash, zsh and fish, complete what
the CLI accepts; profile names come from ~/.aws/config at TAB time."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from azlogin import completion
from azlogin.__main__ import main
from azlogin.commands import COMMANDS, load, parser_for
from azlogin.errors import ExitStatus

HERE = Path(__file__).resolve().parent
VERBS = set(COMMANDS)

# command line (the cursor at its end) -> the candidates every shell must offer exactly
EXPECTED: dict[str, set[str]] = {
    "azlogin ": VERBS,
    "azlogin e": {"env", "exec"},
    "azlogin --mo": {"--mode"},
    "azlogin --mode ": {"headless", "debug", "gui"},
    "azlogin --profile d": {"default", "dev"},
    "azlogin env -p pr": {"prod", "prod-eu"},
    "azlogin env --profile=prod-": {"prod-eu"},
    "azlogin --profiles p": {"prod", "prod-eu"},
    "azlogin env --shell f": {"fish"},
    "azlogin env --j": {"--json"},
    "azlogin list --": {"--help", "--json", "--debug", "--version"},
    "azlogin console --s": {"--service"},
    "azlogin completion ": {"bash", "zsh", "fish"},
    "azlogin configure --no-": {"--no-prompt", "--no-remember-me"},
    "azlogin sandbox --p": {"--port", "--print-config"},
}
# Lines whose candidates must include these (the shell adds its own, e.g. every command).
INCLUDES: dict[str, set[str]] = {
    "azlogin exec -p dev -- ech": {"echo"},
    "azlogin sandbox --scenario SCEN": {"scenario.toml"},
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment with a config of four profiles and azlogin first on PATH."""
    root = tmp_path_factory.mktemp("completion")
    (root / "config").write_text(
        "[default]\nregion = eu-west-1\n\n[profile dev]\nazure_tenant_id = t\n\n"
        "[profile prod]\nazure_tenant_id = t\n\n[profile prod-eu]\nrole_arn = x\n"
        "source_profile = prod\n\n[sso-session corp]\nsso_region = eu-west-1\n"
    )
    (root / "scenario.toml").write_text("")
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {
        "PATH": path,
        "HOME": str(root),
        "AWS_CONFIG_FILE": str(root / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(root / "credentials"),
        "ROOT": str(root),
    }


def script(shell: str, directory: Path) -> Path:
    out = io.StringIO()
    assert main(["completion", shell], {}, stdout=out) == 0
    path = directory / f"azlogin.{shell}"
    path.write_text(out.getvalue())
    return path


def lines() -> list[str]:
    return [*EXPECTED, *INCLUDES]


def check(results: dict[str, set[str]]) -> None:
    for line, wanted in EXPECTED.items():
        assert results[line] == wanted, line
    for line, wanted in INCLUDES.items():
        assert wanted <= results[line], line


def _line(line: str, world: dict[str, str]) -> str:
    return line.replace("SCEN", world["ROOT"] + "/scen")


def _name(candidate: str) -> str:
    """A candidate as the person reads it: fish repeats the option of --opt=value, and file
    candidates are compared by their name."""
    candidate = candidate.split("\t", 1)[0].split("=", 1)[-1]
    return candidate.rsplit("/", 1)[-1] if "/" in candidate.rstrip("/") else candidate


def test_profiles_lists_every_profile_once(world: dict[str, str]) -> None:
    out = subprocess.run(
        ["azlogin", "completion", "--profiles"],
        env=world,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.splitlines() == ["default", "dev", "prod", "prod-eu"]


def test_no_shell_is_a_usage_error() -> None:
    err = io.StringIO()
    assert main(["completion"], {}, stderr=err) == ExitStatus.USAGE
    assert "azlogin completion bash" in err.getvalue()
    assert main(["completion", "tcsh"], {}, stderr=io.StringIO()) == ExitStatus.USAGE


def test_every_verb_flag_and_choice_is_in_the_spec() -> None:
    verbs = {verb.name: verb for verb in completion.verbs()}
    assert set(verbs) == VERBS
    for name in COMMANDS:
        parser = parser_for(name, load(name))
        spec = {n: o for o in verbs[name].options for n in o.names}
        for action in parser._actions:
            for flag in action.option_strings:
                assert flag in spec, (name, flag)
                assert spec[flag].choices == tuple(action.choices or ()), (name, flag)


def test_the_sandbox_verb_is_registered_like_any_other() -> None:
    """The product names the sandbox once, in the verb registry; nothing else imports it."""
    package = Path(completion.__file__).resolve().parent
    mentions = []
    for path in package.rglob("*.py"):
        if "sandbox" in path.relative_to(package).parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "sandbox" in line and ("import" in line or "azlogin.sandbox" in line):
                mentions.append(f"{path.relative_to(package)}:{number}")
    assert mentions == [f"commands{os.sep}__init__.py:{registry_line()}"]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from azlogin.__main__ import main; "
            "main(['completion', 'bash']); print(sorted(m for m in sys.modules if 'sandbox' in m))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    # Building every verb's parser loads only the sandbox's small verb module.
    assert done.stdout.splitlines()[-1] == "['azlogin.sandbox', 'azlogin.sandbox.verb']"


def registry_line() -> int:
    from azlogin import commands

    lines = Path(commands.__file__).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if '"azlogin.sandbox.verb"' in line)


def test_help_text_is_one_safe_line() -> None:
    long = "a (b); c: d " * 20
    assert completion.short(long) == "a"
    assert completion.short("Sign in [x]: now") == "sign in (x)"
    assert completion.short("AWS things") == "AWS things"
    assert len(completion.short("word " * 40)) == 70
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["a", "b"], help="a (default): b")
    (option,) = completion.from_parser("x", "", parser).options[1:]
    assert option.help == "one of a, b"


def test_bash(world: dict[str, str], tmp_path: Path) -> None:
    path = script("bash", tmp_path)
    probe = ['source "$1"; shift', "for line; do"]
    probe += [
        '  read -ra COMP_WORDS <<< "$line"',
        '  [[ $line == *" " ]] && COMP_WORDS+=("")',
        "  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()",
        "  _azlogin",
        '  printf "%s\\t" "$line" "${COMPREPLY[@]}"; echo',
        "done",
    ]
    # bash splits --opt=value into three words, as COMP_WORDBREAKS says.
    words = [_line(line, world).replace("=", " = ") for line in lines()]
    out = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", "\n".join(probe), "bash", str(path), *words],
        env=world,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    got = {}
    for row, line in zip(out.stdout.splitlines(), lines(), strict=True):
        got[line] = {_name(c) for c in row.split("\t")[1:] if c}
    check(got)
    assert "complete -F _azlogin azlogin" in path.read_text()


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
@pytest.mark.parametrize("mode", ["source", "fpath"])
def test_zsh(world: dict[str, str], tmp_path: Path, mode: str) -> None:
    path = script("zsh", tmp_path)
    target = path
    if mode == "fpath":  # saved as _azlogin in a directory of $fpath: autoloaded
        target = tmp_path / "functions"
        target.mkdir()
        path.rename(target / "_azlogin")
    capture = [str(HERE / "zsh_capture.zsh"), mode, str(target)]
    out = subprocess.run(
        ["zsh", "-f", *capture, *(_line(line, world) for line in lines())],
        env=world,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    check(by_line(out.stdout, world))


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish(world: dict[str, str], tmp_path: Path) -> None:
    path = script("fish", tmp_path)
    probe = 'source $argv[1]; for line in $argv[2..-1]; echo "==$line"; complete -C $line; end'
    out = subprocess.run(
        ["fish", "--no-config", "-c", probe, str(path), *(_line(li, world) for li in lines())],
        env={**world, "XDG_CONFIG_HOME": world["ROOT"], "XDG_DATA_HOME": world["ROOT"]},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    check(by_line(out.stdout, world))


def by_line(output: str, world: dict[str, str]) -> dict[str, set[str]]:
    """``==LINE`` rows, each followed by its candidates, as {line as in lines(): names}."""
    got: dict[str, set[str]] = {}
    current = None
    for row in output.splitlines():
        if row.startswith("=="):
            current = row[2:]
            got[current] = set()
        elif current is not None:
            got[current].add(_name(row))
    return {line: got[_line(line, world)] for line in lines()}
