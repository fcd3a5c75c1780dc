"""A catalog of two files (a.cit imports b.cit) in a temp folder, through
pytest-lsp: diagnostics follow unsaved edits across files, navigation and
rename cross the import."""

from __future__ import annotations

import json
import pathlib
import subprocess

import pytest
from lsprotocol import types

from conftest import CITC, apply_edits, change, close_doc, diagnostics, find, hover_text, open_doc, replace_all

B = '''import "std/kubevirt"

// Shared by every preference of a.cit.
mixin shared {
  vendor = "example.org"
}

let home = "https://example.org"

table distros (distro, title, cpu) {
  alpine  "Alpine Linux"  1
  debian  "Debian"        2
}
'''

A = '''import "b.cit"
import "std/kubevirt"

abstract preference linux {
  use shared
  osType = "linux"
  spec.annotations."example.org/home" = "${home}"
}

preference "${distro}" : linux for distros {
  displayName = title
  spec.requirements.cpu.guest = cpu
}

preference custom : linux {
  use shared
}
'''


@pytest.fixture
def catalog(tmp_path: pathlib.Path):
    (tmp_path / "a.cit").write_text(A, encoding="utf-8")
    (tmp_path / "b.cit").write_text(B, encoding="utf-8")
    return tmp_path


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def check_json(path: pathlib.Path) -> list[tuple[str, int, int]]:
    run = subprocess.run([CITC, "check", path.name, "--message-format", "json", "--quiet"], cwd=path.parent, capture_output=True, text=True)
    out = []
    for d in map(json.loads, run.stdout.splitlines()):
        if d["file"] == path.name:
            out.append((d["code"], d["line"] - 1, d["column"] - 1))
    return sorted(out)


def keys(diags) -> list[tuple[str, int, int]]:
    return sorted((str(d.code), d.range.start.line, d.range.start.character) for d in diags)


async def test_the_two_files_are_clean(client, catalog):
    a = open_doc(client, catalog / "a.cit")
    b = open_doc(client, catalog / "b.cit")
    assert await diagnostics(client, a, version=1) == []
    assert await diagnostics(client, b, version=1) == []
    assert check_json(catalog / "a.cit") == []


async def test_an_unsaved_edit_of_b_is_reported_in_a(client, catalog):
    a = open_doc(client, catalog / "a.cit")
    b = open_doc(client, catalog / "b.cit")
    await diagnostics(client, a, version=1)
    await diagnostics(client, b, version=1)
    at = find(B, "mixin shared", offset=len("mixin shared"))
    before = len(client.published.by_uri[a])
    change(client, b, 2, (at.line, at.character - 1), (at.line, at.character), "")  # shared → share
    await diagnostics(client, b, version=2)
    diags = await diagnostics(client, a, count=before + 1)
    assert diags and {d.code for d in diags} == {"E0102"}
    # What `citc check` says once b is saved so.
    (catalog / "b.cit").write_text(B.replace("mixin shared", "mixin share"), encoding="utf-8")
    assert keys(diags) == check_json(catalog / "a.cit")
    assert all("`share`" in d.message for d in diags), [d.message for d in diags]
    # Closing a clears its diagnostics.
    count = len(client.published.by_uri[a])
    close_doc(client, a)
    assert await diagnostics(client, a, count=count + 1) == []


async def test_an_edit_of_a_is_checked_against_b(client, catalog):
    a = open_doc(client, catalog / "a.cit")
    await diagnostics(client, a, version=1)
    broken = A.replace("for distros {", "for distros except (ubuntu) {")
    replace_all(client, a, 2, broken)
    diags = await diagnostics(client, a, version=2)
    (catalog / "a.cit").write_text(broken, encoding="utf-8")
    assert keys(diags) == check_json(catalog / "a.cit") != []


async def test_definition_and_hover_cross_the_import(client, catalog):
    a = open_doc(client, catalog / "a.cit")
    await diagnostics(client, a, version=1)
    b_uri = (catalog / "b.cit").resolve().as_uri()
    cases = [
        (find(A, "use shared", offset=5), find(B, "mixin shared", offset=len("mixin "))),
        (find(A, "for distros", offset=len("for ") + 1), find(B, "table distros", offset=len("table "))),
        (find(A, "${home}", offset=3), find(B, "let home", offset=len("let "))),
    ]
    for at, want in cases:
        result = await client.text_document_definition_async(types.DefinitionParams(text_document=doc(a), position=at))
        loc = result[0] if isinstance(result, list) else result
        assert loc is not None, f"no definition at {at}"
        assert (loc.uri, loc.range.start) == (b_uri, want)
    hover = await client.text_document_hover_async(types.HoverParams(text_document=doc(a), position=cases[0][0]))
    assert "mixin shared" in hover_text(hover) and "Shared by every preference" in hover_text(hover)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(a), position=find(A, 'preference "${distro}"', offset=13))
    )
    assert "alpine" in hover_text(hover) and "debian" in hover_text(hover)


async def test_references_and_rename_across_files(client, catalog):
    a = open_doc(client, catalog / "a.cit")
    b = open_doc(client, catalog / "b.cit")
    await diagnostics(client, a, version=1)
    await diagnostics(client, b, version=1)
    at = find(B, "mixin shared", offset=len("mixin ") + 2)
    refs = await client.text_document_references_async(
        types.ReferenceParams(text_document=doc(b), position=at, context=types.ReferenceContext(include_declaration=True))
    )
    assert sorted((r.uri, r.range.start.line) for r in refs) == sorted(
        [(b, find(B, "mixin shared").line), (a, find(A, "use shared").line), (a, find(A, "use shared", nth=2).line)]
    )
    edit = await client.text_document_rename_async(types.RenameParams(text_document=doc(b), position=at, new_name="common"))
    changes = edit.changes or {dc.text_document.uri: dc.edits for dc in edit.document_changes}
    assert set(changes) == {a, b}
    new_a, new_b = apply_edits(A, changes[a]), apply_edits(B, changes[b])
    assert new_a.count("use common") == 2 and "mixin common {" in new_b
    # Apply it as the client would; both stay clean.
    replace_all(client, b, 2, new_b)
    replace_all(client, a, 2, new_a)
    assert await diagnostics(client, a, version=2) == []
    assert await diagnostics(client, b, version=2) == []

    # A table column, from its use in a.
    at = find(new_a, "cpu.guest = cpu", offset=len("cpu.guest = "))
    edit = await client.text_document_rename_async(types.RenameParams(text_document=doc(a), position=at, new_name="vcpus"))
    changes = edit.changes or {dc.text_document.uri: dc.edits for dc in edit.document_changes}
    assert "(distro, title, vcpus)" in apply_edits(new_b, changes[b])
    assert "cpu.guest = vcpus" in apply_edits(new_a, changes[a])


async def test_completion_offers_what_b_defines(client, catalog):
    # Open a.cit as it is, then type a new `use ` line, as an author does.
    a = open_doc(client, catalog / "a.cit")
    await diagnostics(client, a, version=1)
    at = find(A, "preference custom : linux {", offset=len("preference custom : linux {"))
    change(client, a, 2, (at.line, at.character), (at.line, at.character), "\n  use ")
    await diagnostics(client, a, version=2)
    position = types.Position(line=at.line + 1, character=len("  use "))
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=doc(a),
            position=position,
            context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character=" "),
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    labels = {i.label for i in items}
    # b's mixin; not std's `sized`, which sets instance-type fields.
    assert "shared" in labels and "sized" not in labels, sorted(labels)
    assert "distros" not in labels  # a table is no mixin


# A file opened with a syntax error is analysed with the items that parse,
# so completion knows its imports' mixins from the first keystroke.
async def test_completion_in_a_file_opened_half_typed(client, catalog):
    text = A.replace("preference custom : linux {\n  use shared\n", "preference custom : linux {\n  use \n")
    a = open_doc(client, catalog / "a.cit", text)
    await diagnostics(client, a, version=1)
    at = find(text, "  use \n", offset=len("  use "))
    result = await client.text_document_completion_async(types.CompletionParams(text_document=doc(a), position=at))
    items = result.items if isinstance(result, types.CompletionList) else result
    assert items is not None and "shared" in {i.label for i in items}


async def test_symbols_and_formatting_of_b(client, catalog):
    b = open_doc(client, catalog / "b.cit")
    await diagnostics(client, b, version=1)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(b)))
    assert {"shared", "home", "distros"} <= {s.name for s in symbols}
    messy = B.replace("  vendor = ", "vendor   =   ")
    replace_all(client, b, 2, messy)
    await diagnostics(client, b, version=2)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc(b), options=types.FormattingOptions(tab_size=2, insert_spaces=True))
    )
    assert apply_edits(messy, edits) == B
