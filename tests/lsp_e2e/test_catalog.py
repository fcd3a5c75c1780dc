"""`citc lsp` on the real catalog.cit, through pytest-lsp: every feature an
editor uses, after the edits an author makes."""

from __future__ import annotations

import json
import subprocess

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from conftest import (
    CITC,
    REPO,
    apply_edits,
    change,
    diagnostics,
    find,
    hover_text,
    open_doc,
    replace_all,
)

CATALOG = REPO / "catalog.cit"
USE_LINE = "use common-series, dedicated-cpu"  # in series cx1


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


@pytest.fixture
def text() -> str:
    return CATALOG.read_text(encoding="utf-8")


async def test_open_is_clean_and_an_edit_brings_e0102_with_help_and_a_fix(client, text):
    uri = open_doc(client, CATALOG)
    assert await diagnostics(client, uri, version=1) == []

    # Type an `s`: `dedicated-cpu` becomes the unknown `dedicated-cpus`.
    at = find(text, USE_LINE, offset=len(USE_LINE))
    change(client, uri, 2, (at.line, at.character), (at.line, at.character), "s")
    diags = await diagnostics(client, uri, version=2)
    assert [(d.code, d.range.start.line, d.range.start.character, d.range.end.character) for d in diags] == [
        ("E0102", at.line, at.character - len("dedicated-cpu"), at.character + 1)
    ]
    e0102 = diags[0]
    assert e0102.severity == types.DiagnosticSeverity.Error
    assert e0102.source == "citc"
    assert "dedicated-cpus" in e0102.message
    assert "help: " in e0102.message and "`dedicated-cpu`" in e0102.message

    # The quick fix applies the did-you-mean and gives back the original text.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=e0102.range,
            context=types.CodeActionContext(diagnostics=[e0102], only=[types.CodeActionKind.QuickFix]),
        )
    )
    assert actions, "no code action for E0102"
    action = actions[0]
    assert isinstance(action, types.CodeAction)
    assert action.kind == types.CodeActionKind.QuickFix
    assert "dedicated-cpu" in action.title
    edited = text[: text.index(USE_LINE) + len(USE_LINE)] + "s" + text[text.index(USE_LINE) + len(USE_LINE):]
    assert apply_edits(edited, action.edit.changes[uri]) == text

    # Undo the edit: the diagnostic goes away.
    change(client, uri, 3, (at.line, at.character), (at.line, at.character + 1), "")
    assert await diagnostics(client, uri, version=3) == []


async def test_a_half_typed_file_gets_what_citc_check_says(client, text, tmp_path):
    uri = open_doc(client, CATALOG)
    await diagnostics(client, uri, version=1)
    at = find(text, "series u1 {")
    typed = "series u2 { use common-"
    change(client, uri, 2, (at.line, at.character), (at.line, at.character), typed)
    diags = await diagnostics(client, uri, version=2)
    # `citc check` on the same text (catalog.cit imports only std).
    half = tmp_path / "catalog.cit"
    half.write_text(text.replace("series u1 {", typed + "series u1 {", 1), encoding="utf-8")
    run = subprocess.run([CITC, "check", str(half), "--message-format", "json", "--quiet"], capture_output=True, text=True)
    want = sorted((d["code"], d["line"] - 1, d["column"] - 1) for d in map(json.loads, run.stdout.splitlines()))
    assert want, "citc check finds nothing wrong with a half-typed series?"
    assert sorted((d.code, d.range.start.line, d.range.start.character) for d in diags) == want
    # The server still answers.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=find(text, "mixin dedicated-cpu", offset=8))
    )
    assert hover is None or hover_text(hover) is not None
    replace_all(client, uri, 3, text)
    assert await diagnostics(client, uri, version=3) == []


async def test_hover(client, text):
    uri = open_doc(client, CATALOG)
    await diagnostics(client, uri, version=1)

    async def hover(needle, offset, nth=1):
        result = await client.text_document_hover_async(
            types.HoverParams(text_document=doc(uri), position=find(text, needle, nth, offset))
        )
        return hover_text(result)

    # A mixin in a `use`: its definition and doc comment.
    h = await hover(USE_LINE, len("use common-series, ") + 2)
    line = text[: text.index("mixin dedicated-cpu {")].count("\n") + 1
    assert "mixin dedicated-cpu {" in h and f"catalog.cit:{line}" in h
    # A std mixin: its definition in std/kubevirt.
    h = await hover("use sized", 5)
    assert "mixin sized {" in h and "std/kubevirt" in h
    # A preference's name: the YAML that citc build writes.
    h = await hover("preference linux.efi", len("preference ") + 2)
    assert "kind: VirtualMachineClusterPreference" in h and "name: linux.efi" in h
    # A series: the resources it makes.
    h = await hover("series u1 {", len("series ") + 1)
    assert "u1.nano" in h and "u1.8xlarge" in h and "kind: VirtualMachineClusterInstancetype" in h
    # A field: schema type, and its value in each resource.
    h = await hover("spec.memory.overcommitPercent = 50", len("spec.memory.") + 2)
    assert "spec.memory.overcommitPercent" in h and "int(0..100)" in h and "o1.medium" in h
    # A quantity: its exact amount.
    h = await hover("memory.guest = 1.5Gi", len("memory.guest = ") + 1)
    assert "1610612736" in h
    # A table.
    h = await hover("for windows_versions", len("for ") + 2)
    assert "table windows_versions" in h


async def test_hover_on_a_diagnostic_code_explains_it(client, text):
    uri = open_doc(client, CATALOG, text + "\n// see E0102\n")
    await diagnostics(client, uri, version=1)
    lines = (text + "\n// see E0102\n").split("\n")
    line = len(lines) - 2
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=types.Position(line=line, character=len("// see ") + 2))
    )
    explain = subprocess.run([CITC, "explain", "E0102"], capture_output=True, text=True, check=True).stdout
    h = hover_text(result)
    # Every line of `citc explain` is in the hover (its title in bold).
    for line in explain.splitlines()[1:]:
        assert line.strip() in h, (line, h)
    assert "E0102" in h and "unknown mixin" in h


async def test_definition(client, text):
    uri = open_doc(client, CATALOG)
    await diagnostics(client, uri, version=1)

    async def definition(needle, offset, nth=1):
        result = await client.text_document_definition_async(
            types.DefinitionParams(text_document=doc(uri), position=find(text, needle, nth, offset))
        )
        if isinstance(result, list):
            assert len(result) == 1, result
            result = result[0]
        return result

    # A mixin of the catalog.
    loc = await definition(USE_LINE, len("use common-series, ") + 2)
    assert (loc.uri, loc.range.start) == (uri, find(text, "mixin dedicated-cpu", offset=len("mixin ")))
    # A parent.
    loc = await definition("series o1 : u1", len("series o1 : "))
    assert (loc.uri, loc.range.start) == (uri, find(text, "series u1 {", offset=len("series ")))
    # A table of a matrix.
    loc = await definition("for windows_versions", len("for "))
    assert loc.range.start == find(text, "table windows_versions", offset=len("table "))
    # A std mixin: a read-only copy of the embedded std file.
    loc = await definition("use sized", 5)
    assert loc.uri.startswith("file://") and loc.uri.endswith("/std/kubevirt.cit")
    from urllib.parse import unquote, urlparse
    import os

    path = unquote(urlparse(loc.uri).path)
    std = open(path, encoding="utf-8").read()
    assert std.split("\n")[loc.range.start.line][loc.range.start.character:].startswith("sized")
    assert not os.access(path, os.W_OK) or os.geteuid() == 0, "the std copy should be read-only"


async def test_references(client, text):
    uri = open_doc(client, CATALOG)
    await diagnostics(client, uri, version=1)
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(uri),
            position=find(text, "mixin common-series", offset=len("mixin ") + 1),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    uses = text.count("use common-series")
    assert len(refs) == uses + 1
    assert all(r.uri == uri for r in refs)
    lines = text.split("\n")
    for r in refs:
        assert lines[r.range.start.line][r.range.start.character : r.range.end.character] == "common-series"
    without = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(uri),
            position=find(text, "mixin common-series", offset=len("mixin ") + 1),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert len(without) == uses


async def test_rename(client, text):
    uri = open_doc(client, CATALOG)
    await diagnostics(client, uri, version=1)
    at = find(text, "mixin dedicated-cpu", offset=len("mixin ") + 3)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc(uri), position=at)
    )
    rng = prepared.range if hasattr(prepared, "range") else prepared
    assert text.split("\n")[rng.start.line][rng.start.character : rng.end.character] == "dedicated-cpu"

    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=doc(uri), position=at, new_name="pinned-cpu")
    )
    edits = edit.changes[uri] if edit.changes else [e for dc in edit.document_changes for e in dc.edits]
    renamed = apply_edits(text, edits)
    assert "dedicated-cpu" not in renamed.replace("dedicatedCPUPlacement", "")
    assert renamed.count("pinned-cpu") == text.count("dedicated-cpu")
    # The renamed catalog is still a clean catalog, for the server.
    replace_all(client, uri, 2, renamed)
    assert await diagnostics(client, uri, version=2) == []

    # A name that is taken is refused.
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_rename_async(
            types.RenameParams(text_document=doc(uri), position=find(renamed, "mixin pinned-cpu", offset=7), new_name="low-latency")
        )
    assert "low-latency" in str(refused.value)


async def test_completion(client, text):
    uri = open_doc(client, CATALOG)
    await diagnostics(client, uri, version=1)

    async def labels(position):
        result = await client.text_document_completion_async(
            types.CompletionParams(text_document=doc(uri), position=position)
        )
        items = result.items if isinstance(result, types.CompletionList) else result or []
        return {i.label: i for i in items}

    # Mixins in scope after `use` in a series: the catalog's and std's that
    # set instance-type fields, not the preference-only ones (efi, tpm).
    items = await labels(find(text, USE_LINE, offset=len("use ")))
    assert {"common-series", "dedicated-cpu", "low-latency", "sized"} <= set(items)
    assert not {"efi", "tpm"} & set(items), sorted(items)
    # In a preference: the preference mixins, not `sized`.
    items = await labels(find(text, "  use efi\n  displayName = \"Linux EFI Guest\"", offset=len("  use ")))
    assert {"efi", "tpm"} <= set(items) and "sized" not in items, sorted(items)
    # Field paths from the schema, on an empty line of a preference.
    at = find(text, "preference linux.efi : linux {", offset=len("preference linux.efi : linux {"))
    change(client, uri, 2, (at.line, at.character), (at.line, at.character), "\n  spec.devices.")
    await diagnostics(client, uri, version=2)
    items = await labels(types.Position(line=at.line + 1, character=len("  spec.devices.")))
    assert "preferredDiskBus" in items or any(l.endswith("preferredDiskBus") for l in items), sorted(items)[:40]


async def test_document_symbols(client, text):
    uri = open_doc(client, CATALOG)
    await diagnostics(client, uri, version=1)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(uri)))
    names = {s.name: s for s in symbols}
    assert {"common-series", "u1", "o1", "linux.efi", "distributions", "windows_versions"} <= set(names)
    assert names["common-series"].kind != names["u1"].kind != names["distributions"].kind
    u1 = names["u1"]
    assert u1.selection_range.start == find(text, "series u1 {", offset=len("series "))


async def test_formatting_is_citc_fmt(client, text, tmp_path):
    uri = open_doc(client, CATALOG)
    await diagnostics(client, uri, version=1)
    options = types.FormattingOptions(tab_size=2, insert_spaces=True)
    # catalog.cit is formatted: nothing to change.
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(text_document=doc(uri), options=options))
    assert apply_edits(text, edits or []) == text

    messy = text.replace("series u1 {\n  use common-series", "series   u1{\n      use    common-series", 1)
    messy = messy.replace("  spec.memory.overcommitPercent = 50", "spec.memory.overcommitPercent=50", 1)
    assert messy != text
    replace_all(client, uri, 2, messy)
    await diagnostics(client, uri, version=2)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(text_document=doc(uri), options=options))
    assert edits
    # The same as `citc fmt` on the same text.
    copy = tmp_path / "catalog.cit"
    copy.write_text(messy, encoding="utf-8")
    subprocess.run([CITC, "fmt", str(copy)], check=True, capture_output=True)
    assert apply_edits(messy, edits) == copy.read_text(encoding="utf-8") == text


async def test_folding_ranges(client, text):
    uri = open_doc(client, CATALOG)
    await diagnostics(client, uri, version=1)
    ranges = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc(uri)))
    start = find(text, "series u1 {").line
    assert any(r.start_line == start and r.end_line > start + 5 for r in ranges)


async def test_neovim_07_capabilities(nvim_client, text):
    """Neovim 0.7's capabilities, the server's default debounce: the same
    diagnostics after the same edit."""
    client = nvim_client
    uri = open_doc(client, CATALOG)
    assert await diagnostics(client, uri, version=1) == []
    at = find(text, USE_LINE, offset=len(USE_LINE))
    change(client, uri, 2, (at.line, at.character), (at.line, at.character), "s")
    diags = await diagnostics(client, uri, version=2)
    assert [d.code for d in diags] == ["E0102"]
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=find(text, "use sized", offset=5))
    )
    assert "mixin sized" in hover_text(hover)
