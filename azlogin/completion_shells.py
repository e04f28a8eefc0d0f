"""The completion script of each shell by name, rendered from :func:`azlogin.completion.verbs`
(which :class:`~.completion_spec.Verb` and :class:`~.completion_spec.Option` describe).

Each script completes the verb, the verb's flags, the values of flags with choices,
files for ``--scenario``, the command after ``exec … --``, and profile names for
``--profile``/``--profiles`` by running ``azlogin completion --profiles`` at TAB time.
Each shell's script is its own module: :mod:`.completion_bash`, :mod:`.completion_zsh`,
:mod:`.completion_fish`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .completion_bash import bash
from .completion_fish import fish
from .completion_spec import Verb
from .completion_zsh import zsh

RENDERERS: dict[str, Callable[[Sequence[Verb]], str]] = {"bash": bash, "zsh": zsh, "fish": fish}
