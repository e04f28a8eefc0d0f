"""Coverage-guided fuzzing of the INI layer with atheris. Run by hand, not by pytest, from
the repository root:

    .venv/bin/pip install atheris
    .venv/bin/python -m tests.security.fuzz_ini -max_total_time=120 [CORPUS_DIR]

A crash is: any exception from ``inifile`` but IniSyntaxError; a file azlogin reads
differently from botocore's parser; or an edit botocore cannot read, or reads elsewhere.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from azlogin import inifile

from tests.security.test_hostile_ini import JUNK, NEW, SEEDS, azlogin_view, botocore_view


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    lines = SEEDS[fdp.ConsumeIntInRange(0, len(SEEDS) - 1)].splitlines(keepends=True)
    for _ in range(fdp.ConsumeIntInRange(0, 6)):
        at = fdp.ConsumeIntInRange(0, len(lines))
        if fdp.ConsumeBool():
            line = JUNK[fdp.ConsumeIntInRange(0, len(JUNK) - 1)] + "\n"
        else:
            line = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 60))
        lines.insert(at, line)
    text = "".join(lines)
    if "[DEFAULT]" in text:  # configparser's magic section; botocore merges it into all
        return
    try:
        ours = azlogin_view(text)
    except inifile.IniSyntaxError:
        return
    if botocore_view(text) != ours:
        raise AssertionError("azlogin and botocore read this file differently")
    target = fdp.PickValueInList([*ours, "brand-new"])
    updated = inifile.set_keys(text, target, NEW)
    seen = botocore_view(updated)
    if seen is None or seen.get(target, {}) | NEW != seen.get(target):
        raise AssertionError("the edit is unreadable for botocore or landed elsewhere")


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
