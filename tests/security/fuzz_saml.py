"""Coverage-guided fuzzing of ``saml.parse_assertion`` with atheris. Run by hand, not by
pytest, from the repository root:

    .venv/bin/pip install atheris
    .venv/bin/python -m tests.security.fuzz_saml -max_total_time=120 [CORPUS_DIR]

Any exception but SamlError, or a SamlError message over one line, is a crash: libFuzzer
stops and writes the input to ./crash-*. Inputs are spliced into real-shaped responses
(signed, from the sandbox IdP, and unsigned) so the fuzzer starts past the base64 and XML
layers, plus raw strings and raw bytes for those layers themselves.
"""

from __future__ import annotations

import base64
import sys

import atheris

with atheris.instrument_imports():
    from azlogin import saml
    from azlogin.errors import SamlError

from tests.security.test_hostile_saml import SEED_XML, TOKENS


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    how = fdp.ConsumeIntInRange(0, 3)
    if how == 0:  # a raw string, as a hostile page could post it
        raw = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    elif how == 1:  # any bytes, well encoded
        raw = base64.b64encode(fdp.ConsumeBytes(fdp.remaining_bytes())).decode()
    else:  # a real response with fuzz (and known-nasty fragments) spliced in
        xml = bytearray(SEED_XML[fdp.ConsumeIntInRange(0, len(SEED_XML) - 1)])
        for _ in range(fdp.ConsumeIntInRange(1, 4)):
            at = fdp.ConsumeIntInRange(0, len(xml))
            cut = fdp.ConsumeIntInRange(0, 64)
            if fdp.ConsumeBool():
                piece = TOKENS[fdp.ConsumeIntInRange(0, len(TOKENS) - 1)]
            else:
                piece = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))
            xml[at : at + cut] = piece
        if how == 3:
            text = xml.decode("utf-8", errors="replace")
            xml = bytearray(('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16"))
        raw = base64.b64encode(bytes(xml)).decode()
    try:
        parsed = saml.parse_assertion(raw)
    except SamlError as exc:
        if "\n" in exc.message:
            raise AssertionError(f"multi-line message: {exc.message!r}") from None
        return
    if not parsed.roles or parsed.raw != raw:
        raise AssertionError("an assertion without roles, or with a changed raw value")


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
