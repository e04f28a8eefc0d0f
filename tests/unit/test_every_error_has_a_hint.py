"""Every error azlogin raises tells the user what to do: a hint, as well as a cause.

Read from the source: each ``raise SomeAzloginError(...)`` in the product (not the sandbox)
must pass a hint, positionally or by name. An error re-raised from a variable is checked
where it was made.
"""

from __future__ import annotations

import ast
from pathlib import Path

from azlogin import errors

PACKAGE = Path(errors.__file__).resolve().parent
ERRORS = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.AzloginError)
}


def _made_without_hint(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in ERRORS or name == "Interrupted":
            continue
        has_hint = len(node.args) >= 2 or any(k.arg == "hint" for k in node.keywords)
        has_spread = any(isinstance(a, ast.Starred) for a in node.args)
        if not (has_hint or has_spread):
            lines.append(node.lineno)
    return lines


def test_every_error_the_product_makes_has_a_hint() -> None:
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "sandbox" in path.relative_to(PACKAGE).parts:
            continue
        for line in _made_without_hint(ast.parse(path.read_text(encoding="utf-8"))):
            missing.append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    assert missing == []
