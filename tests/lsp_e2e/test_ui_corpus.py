"""tests/ui is the single source of expected diagnostics: for every case,
what the server publishes (through pytest-lsp, for the case and for any other
file its .stderr names, all opened as an editor would) has the same codes and
start positions as `citc check` (tests/ui/<case>.stderr, short format
`file:line:col: severity[CODE]: message`, paths relative to tests/ui, columns
in characters)."""

from __future__ import annotations

import pathlib
import re

import pytest
from lsprotocol import types

from conftest import REPO, close_doc, diagnostics, open_doc, uri_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

UI = REPO / "tests" / "ui"
CASES = sorted(UI.glob("*.cit"))
SHORT = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)\[(?P<code>[A-Z]\d{4})\]: ")


def expected(case: pathlib.Path) -> dict[pathlib.Path, list[tuple[str, str, int, int]]]:
    """(code, severity, 0-based line, UTF-16 column) per file, from the .stderr."""
    out: dict[pathlib.Path, list[tuple[str, str, int, int]]] = {}
    stderr = case.with_suffix(".stderr")
    for raw in stderr.read_text(encoding="utf-8").splitlines():
        m = SHORT.match(raw)
        if not m:
            continue  # a continuation line of a multi-line message
        path = (UI / m["file"]).resolve()
        line, col = int(m["line"]) - 1, int(m["col"]) - 1
        # Lines as `citc check` counts them (a lone CR is E0007, never a line end).
        text_line = path.read_bytes().decode("utf-8").split("\n")[line] if line >= 0 else ""
        utf16 = len(text_line[:col].encode("utf-16-le")) // 2
        out.setdefault(path, []).append((m["code"], m["sev"], line, utf16))
    out.setdefault(case.resolve(), [])
    return out


async def test_the_corpus_is_there():
    assert len(CASES) > 100, f"tests/ui has {len(CASES)} cases"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
async def test_same_diagnostics_as_citc_check(shared_client, case: pathlib.Path):
    client = shared_client
    client.published.by_uri.clear()
    want = expected(case)
    # The case first, then the files it imports that carry diagnostics.
    files = [case.resolve()] + sorted(p for p in want if p != case.resolve())
    for path in files:
        open_doc(client, path)
    for path in files:
        await diagnostics(client, uri_of(path), version=1)
    # Let every queued analysis finish: a request is answered only after it.
    await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri_of(case)))
    )
    severities = {1: "error", 2: "warning"}
    for path in files:
        last = client.published.by_uri[uri_of(path)][-1].diagnostics
        have = sorted(
            (str(d.code), severities.get(d.severity, str(d.severity)), d.range.start.line, d.range.start.character)
            for d in last
        )
        assert have == sorted(want[path]), f"{path.relative_to(REPO)}: server {have} != citc check {sorted(want[path])}"
        for d in last:
            assert d.source == "citc"
            assert d.message.strip(), "a diagnostic without a message"
    for path in files:
        close_doc(client, uri_of(path))
