"""The wheel, as a user gets it: built by the standard tool (``python -m build``) from a
clean copy of the tree, installed with its dependencies into a fresh virtual environment,
and run from there, far from this checkout: the CLI, the sandbox, a real sign-in."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from azlogin import __version__
from azlogin.commands import COMMANDS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
TEMPLATES = sorted(p.name for p in (ROOT / "azlogin" / "sandbox" / "templates").iterdir())
DEV = "arn:aws:iam::111111111111:role/Developer"


def copy_tree(destination: Path) -> None:
    """The files git would ship (tracked, and new ones not ignored): no caches, no .venv."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file may be deleted in the working tree
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout to know which files to build from")
    source = tmp_path_factory.mktemp("source")
    copy_tree(source)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
        capture_output=True,
        check=True,
    )
    (built,) = dist.glob("azlogin-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel and its dependencies from the index."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    # This environment's pip installs into the new one (--python): no pip bootstrap needed,
    # and its download cache serves the dependencies.
    pip = [sys.executable, "-m", "pip", "--python", str(root / "bin" / "python")]
    subprocess.run(
        [*pip, "install", "--quiet", "--disable-pip-version-check", f"{wheel}[sandbox]"],
        check=True,
    )
    return root


@pytest.fixture
def clean_env(venv: Path, tmp_path: Path) -> dict[str, str]:
    """Only the new environment on PATH, a throwaway home, nothing of this checkout."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": os.pathsep.join([str(venv / "bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AZLOGIN_STATE_DIR": str(home / ".azlogin"),
    }


def run(env: dict[str, str], cwd: Path, *argv: str) -> str:
    out = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_wheel_holds_the_package_its_data_and_metadata(wheel: Path) -> None:
    assert wheel.name == f"azlogin-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"azlogin-{__version__}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode()
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert "azlogin/py.typed" in names
    assert {f"azlogin/sandbox/templates/{t}" for t in TEMPLATES} <= names
    shipped = {n for n in names if n.startswith("azlogin/") and n.endswith(".py")}
    in_tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "azlogin").rglob("*.py")}
    assert shipped == in_tree
    assert not any(n.startswith(("tests/", "benchmarks/", "scripts/")) for n in names)
    assert "azlogin = azlogin.__main__:run" in entry_points
    assert f"Version: {__version__}" in metadata
    for requirement in PYPROJECT["project"]["dependencies"]:
        assert f"Requires-Dist: {requirement}\n" in metadata
    assert "Provides-Extra: sandbox" in metadata


def test_installed_cli_runs_from_its_own_environment(
    venv: Path, clean_env: dict[str, str], tmp_path: Path
) -> None:
    assert run(clean_env, tmp_path, "azlogin", "--version").strip() == f"azlogin {__version__}"
    helptext = run(clean_env, tmp_path, "azlogin", "--help")
    for verb in [*COMMANDS, "sandbox"]:
        assert verb in helptext
    where = run(
        clean_env,
        tmp_path,
        "python",
        "-c",
        "import azlogin, azlogin.sandbox, azlogin.sandbox.server, importlib.resources as r;"
        "print(azlogin.__file__);"
        "print(r.files('azlogin').joinpath('py.typed').is_file());"
        "print(sorted(p.name for p in r.files('azlogin.sandbox').joinpath('templates').iterdir()))",
    ).splitlines()
    assert Path(where[0]).is_relative_to(venv), where[0]  # not this checkout
    assert where[1:] == ["True", str(TEMPLATES)]
    snippet = run(clean_env, tmp_path, "azlogin", "sandbox", "--print-config", "--port", "8765")
    assert "azlogin_authority_host = http://127.0.0.1:8765" in snippet
    assert "complete -F _azlogin azlogin" in run(
        clean_env, tmp_path, "azlogin", "completion", "bash"
    )


@pytest.fixture
def installed_sandbox(clean_env: dict[str, str], tmp_path: Path) -> Iterator[int]:
    """The installed wheel's own sandbox (its templates, its STS), on a free port."""
    server = subprocess.Popen(
        ["azlogin", "sandbox", "--port", "0"],
        env={**clean_env, "PYTHONUNBUFFERED": "1"},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()  # "azlogin sandbox is listening on http://…:PORT …"
        assert "listening on http://127.0.0.1:" in first, first
        yield int(first.split("127.0.0.1:", 1)[1].split()[0])
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hang guard, not a check
            server.kill()
            server.communicate()


@pytest.mark.browser
def test_installed_wheel_signs_in_against_its_sandbox(
    installed_sandbox: int, clean_env: dict[str, str], tmp_path: Path
) -> None:
    port = str(installed_sandbox)
    config = run(clean_env, tmp_path, "azlogin", "sandbox", "--print-config", "--port", port)
    aws = Path(clean_env["HOME"]) / ".aws"
    aws.mkdir(mode=0o700)
    (aws / "config").write_text(config[config.index("[profile sandbox]") :])
    env = {
        **clean_env,
        "AZURE_DEFAULT_PASSWORD": "Passw0rd!",
        "AZLOGIN_TOTP_SECRET": "JBSWY3DPEHPK3PXP",
    }
    run(env, tmp_path, "azlogin", "--profile", "sandbox", "--no-prompt", "--role", DEV)
    arn = run(
        env,
        tmp_path,
        "python",
        "-c",
        "import boto3; print(boto3.Session(profile_name='sandbox')"
        ".client('sts').get_caller_identity()['Arn'])",
    )
    assert arn.strip() == "arn:aws:sts::111111111111:assumed-role/Developer/alice@sandbox.example"
