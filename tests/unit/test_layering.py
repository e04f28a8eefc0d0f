"""The product's modules depend one way: no import cycle, counting imports made inside
functions too (only ``if TYPE_CHECKING:`` blocks are left out: they never run)."""

from __future__ import annotations

import ast
from pathlib import Path

import azlogin

PACKAGE = Path(azlogin.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("azlogin"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            if base.startswith("azlogin"):
                found.add(base)
                found.update(f"{base}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def graph() -> dict[str, set[str]]:
    paths = [p for p in PACKAGE.rglob("*.py") if "sandbox" not in p.relative_to(PACKAGE).parts]
    names = {module_name(p) for p in paths}
    edges = {module_name(p): (imports(p) & names) - {module_name(p)} for p in paths}
    # A package's __init__ is imported with any of its modules; it is not a dependency.
    return {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in edges.items()}


def test_no_module_imports_one_that_imports_it_back() -> None:
    edges = graph()
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(edges.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(" -> ".join([*path[path.index(dep) :], dep]))
            elif dep not in state:
                walk(dep, [*path, dep])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            walk(node, [node])
    assert cycles == []


def test_the_command_line_is_built_one_way() -> None:
    edges = graph()
    assert "azlogin.cli" not in set().union(*(edges[m] for m in edges if "commands" in m))
    assert "azlogin.completion" not in edges["azlogin.completion_shells"]
    verbs = [m for m in edges if m.startswith("azlogin.commands.")]
    for verb in verbs:  # a verb reaches the recipe only inside its run()
        tree = ast.parse((PACKAGE / "commands" / f"{verb.rsplit('.', 1)[1]}.py").read_text())
        top = {ast.unparse(n) for n in tree.body if isinstance(n, ast.ImportFrom)}
        assert not any(".run import" in line or ".grants import" in line for line in top), verb
