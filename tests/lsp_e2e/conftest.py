"""End-to-end tests of `citc lsp` through a real LSP client library
(pytest-lsp on pygls and lsprotocol): the server runs as a subprocess over
stdio, as an editor starts it. The binary is $CITC, else target/debug/citc.

Expected diagnostics come from `citc check` and tests/ui, never from the
server itself."""

from __future__ import annotations

import asyncio
import os
import pathlib
import sys
import tempfile

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pygls.protocol import default_converter

REPO = pathlib.Path(__file__).resolve().parents[2]
CITC = os.environ.get("CITC") or str(REPO / "target" / "debug" / "citc")
TIMEOUT = float(os.environ.get("CITC_LSP_TIMEOUT", "30"))

if not os.access(CITC, os.X_OK):
    sys.exit(f"tests/lsp_e2e: no citc binary at {CITC} (cargo build, or set CITC)")

# The std copies the server writes go to a cache folder of the test run.
CACHE = tempfile.mkdtemp(prefix="citc-lsp-e2e-cache-")


class Published:
    """Every publishDiagnostics, with its version, as it arrived."""

    def __init__(self) -> None:
        self.by_uri: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.changed = asyncio.Event()


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    default_publish = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    client.published = Published()  # type: ignore[attr-defined]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams):
        default_publish(client, params)
        client.published.by_uri.setdefault(params.uri, []).append(params)
        client.published.changed.set()

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    register_lsp_features(client, features)
    return client


def server_env(cache: str) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = cache
    return env


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[CITC, "lsp"],
        client_factory=make_client,
        server_env=server_env(CACHE),
    ),
)
async def client(lsp_client: LanguageClient):
    """A server started per test, initialised with VS Code's capabilities."""
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=REPO.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=REPO.as_uri(), name="citc")],
            initialization_options={"debounceMs": 5},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=[CITC, "lsp"],
        client_factory=make_client,
        server_env=server_env(CACHE),
    ),
)
async def shared_client(lsp_client: LanguageClient):
    """One server for a whole module (tests/ui: 140 cases), VS Code's
    capabilities; each test closes what it opened."""
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=REPO.as_uri(),
            initialization_options={"debounceMs": 5},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[CITC, "lsp"],
        client_factory=make_client,
        server_env=server_env(CACHE),
    ),
)
async def nvim_client(lsp_client: LanguageClient):
    """A server initialised with Neovim 0.7's capabilities (no debounce option)."""
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("neovim@v0.7.0"),
            root_uri=REPO.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()


# ------------------------------------------------------------------ helpers


def uri_of(path: pathlib.Path | str) -> str:
    return pathlib.Path(path).resolve().as_uri()


def open_doc(client: LanguageClient, path: pathlib.Path, text: str | None = None, version: int = 1) -> str:
    uri = uri_of(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="cit",
                version=version,
                # The file as it is: read_text would turn a lone CR into LF.
                text=path.read_bytes().decode("utf-8") if text is None else text,
            )
        )
    )
    return uri


def close_doc(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


def change(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    """An incremental edit, as editors send them."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=start[0], character=start[1]),
                        end=types.Position(line=end[0], character=end[1]),
                    ),
                    text=text,
                )
            ],
        )
    )


def replace_all(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics(client: LanguageClient, uri: str, version: int | None = None, count: int = 1) -> list[types.Diagnostic]:
    """The latest diagnostics published for `uri` once at least `count`
    publishes for it (of `version`, when given) have arrived."""
    published: Published = client.published  # type: ignore[attr-defined]

    def ready():
        got = [p for p in published.by_uri.get(uri, []) if version is None or p.version in (None, version)]
        return got[-1] if len(got) >= count else None

    async def wait():
        while (p := ready()) is None:
            published.changed.clear()
            await published.changed.wait()
        return p

    try:
        params = await asyncio.wait_for(wait(), TIMEOUT)
    except TimeoutError:
        seen = {u: [(p.version, len(p.diagnostics)) for p in ps] for u, ps in published.by_uri.items()}
        raise AssertionError(f"no diagnostics for {uri} (version {version}) in {TIMEOUT}s; published: {seen}") from None
    return list(params.diagnostics)


def find(text: str, needle: str, nth: int = 1, offset: int = 0) -> types.Position:
    """The position (UTF-16 columns) of the nth occurrence of `needle`, plus
    `offset` characters."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    character = len(text[start:index].encode("utf-16-le")) // 2
    return types.Position(line=line, character=character)


def hover_text(hover: types.Hover | None) -> str:
    if hover is None:
        return ""
    contents = hover.contents
    if isinstance(contents, types.MarkupContent):
        return contents.value
    if isinstance(contents, str):
        return contents
    if isinstance(contents, list):
        return "\n".join(c if isinstance(c, str) else c.value for c in contents)
    return contents.value


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Applies text edits (UTF-16 positions) as a client does: last first."""
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        before = sum(len(l) + 1 for l in lines[: pos.line])
        line = lines[pos.line] if pos.line < len(lines) else ""
        units = 0
        for i, ch in enumerate(line):
            if units >= pos.character:
                return before + i
            units += len(ch.encode("utf-16-le")) // 2
        return before + len(line)

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
