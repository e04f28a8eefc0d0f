"""Pages an HTTP client cannot read, while a browser sees exactly the same page.

A scenario names pages in ``User.disguise`` (that user's sign-ins, from the moment the
flow knows who signs in) or ``Faults.disguise`` (every sign-in, the first page included);
``"*"`` names them all. A disguised page has the same DOM, the same ids and the same
runtime ``window.$Config`` as the plain one; only its HTML source differs: ``$Config`` is
decoded by script (``window.$Config=JSON.parse(atob("…"))``) instead of being a JSON
literal, and the hand-off builds its ``hiddenform`` in script (no ``<form>`` in the
source, not even the words ``hiddenform`` or ``SAMLResponse``). This is how azlogin's
tests make any page kind unknown to its HTTP path, to test the hand-over to the browser.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from azlogin.sandbox import gallery
from azlogin.sandbox.scenario import Scenario, User

ALL = "*"
# The pages that are not the gallery's; the gallery's go by their own names.
FIXED_PAGES = ("sign-in", "pick-an-account", "tfa", "error", "hand-off")


def page_names() -> frozenset[str]:
    return frozenset((*FIXED_PAGES, *(page.name for page in gallery.pages())))


def hides(scenario: Scenario, name: str, users: Iterable[User | None] = ()) -> bool:
    """Whether page ``name`` is disguised for a flow of these users (none known: [])."""
    lists = [scenario.faults.disguise, *(user.disguise for user in users if user is not None)]
    return any(name in names or ALL in names for names in lists)


def check(scenario: Scenario) -> None:
    """Refuse a name no page has: a typo would silently test nothing."""
    check_names("faults", scenario.faults.disguise)
    for user in (user for tenant in scenario.tenants for user in tenant.users):
        check_names(user.username, user.disguise)


def check_names(where: str, names: Iterable[str]) -> None:
    known = page_names() | {ALL}
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(
            f"disguise of {where}: no page named {', '.join(unknown)} "
            f"(pages: {', '.join(sorted(known))})"
        )


def config_script(config_json: str, hidden: bool) -> str:
    """The statement that defines ``$Config``: a JSON literal, or the same JSON in base64."""
    if not hidden:
        return f"$Config={config_json};"
    return f'window.$Config=JSON.parse(atob("{encode(config_json)}"));'


def encode(text: str) -> str:
    """``text`` (ASCII JSON) as base64, for a disguised page's script to decode."""
    return base64.b64encode(text.encode("ascii")).decode("ascii")
