#!/usr/bin/env python3
"""Helix's support for .cit (editors/helix), checked against Helix's own
configuration format, as helix-core/src/syntax/config.rs and
helix-loader/src/grammar.rs read languages.toml (Helix itself is not packaged
in Debian): the keys a [[language]] may have (unknown keys are an error in
Helix), the required `name`, `scope` and `file-types`, `comment-token(s)`,
`indent`, the language servers it names and their definitions, the
[[grammar]] and its source; and the queries: made from the grammar's own
(editors/tree-sitter-cit/queries) with Helix's capture names, every name one
of Helix's theme scopes.

    python3 editors/test/helix-test.py            # the tests
    python3 editors/test/helix-test.py --write    # remake the queries

Prints `ok`/`not ok` lines and `helix: N passed, N failed`.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
import tomllib

REPO = pathlib.Path(__file__).resolve().parents[2]
HELIX = REPO / "editors" / "helix"
QUERIES = HELIX / "queries" / "cit"
GRAMMAR = REPO / "editors" / "tree-sitter-cit"

# [[language]] keys (LanguageConfiguration, deny_unknown_fields).
LANGUAGE_KEYS = {
    "name", "language-id", "scope", "file-types", "shebangs", "roots",
    "comment-token", "comment-tokens", "block-comment-tokens", "text-width",
    "soft-wrap", "auto-format", "formatter", "path-completion",
    "word-completion", "diagnostic-severity", "grammar", "injection-regex",
    "language-servers", "indent", "debugger", "auto-pairs", "rulers",
    "workspace-lsp-roots", "persistent-diagnostic-sources",
}
LANGUAGE_REQUIRED = {"name", "scope", "file-types"}
# [language-server.NAME] (LanguageServerConfiguration).
SERVER_KEYS = {"command", "args", "environment", "config", "timeout", "required-root-patterns"}
# [[grammar]] (GrammarConfiguration, deny_unknown_fields) and its source.
GRAMMAR_KEYS = {"name", "source"}
FEATURES = {
    "format", "goto-declaration", "goto-definition", "goto-type-definition",
    "goto-reference", "goto-implementation", "signature-help", "hover",
    "document-highlight", "completion", "code-action", "workspace-command",
    "document-symbols", "workspace-symbols", "diagnostics", "rename-symbol",
    "inlay-hints", "document-colors",
}

# Helix's theme scopes (book/src/themes.md, "Syntax highlighting"): a
# capture is one of these or below one (`keyword.control.import`).
HELIX_SCOPES = {
    "attribute", "type", "type.builtin", "type.parameter", "type.enum",
    "type.enum.variant", "constructor", "constant", "constant.builtin",
    "constant.builtin.boolean", "constant.character",
    "constant.character.escape", "constant.numeric",
    "constant.numeric.integer", "constant.numeric.float", "string",
    "string.regexp", "string.special", "string.special.path",
    "string.special.url", "string.special.symbol", "comment", "comment.line",
    "comment.block", "comment.unused", "variable", "variable.builtin",
    "variable.parameter", "variable.other", "variable.other.member",
    "label", "punctuation", "punctuation.delimiter", "punctuation.bracket",
    "punctuation.special", "keyword", "keyword.control",
    "keyword.control.conditional", "keyword.control.repeat",
    "keyword.control.import", "keyword.control.return",
    "keyword.control.exception", "keyword.operator", "keyword.directive",
    "keyword.function", "keyword.storage", "keyword.storage.type",
    "keyword.storage.modifier", "operator", "function", "function.builtin",
    "function.method", "function.macro", "function.special", "tag",
    "namespace", "special",
}
LOCAL_CAPTURES = {"local.scope", "local.definition", "local.reference"}
INDENT_CAPTURES = {"indent", "outdent", "indent.always", "outdent.always", "align", "anchor", "extend", "extend.prevent-once"}

# The grammar's capture names (nvim-treesitter's) → Helix's.
TO_HELIX = {
    "comment": "comment",
    "keyword": "keyword",
    "keyword.import": "keyword.control.import",
    "keyword.conditional": "keyword.control.conditional",
    "keyword.repeat": "keyword.control.repeat",
    "keyword.modifier": "keyword.storage.modifier",
    "keyword.type": "keyword.storage.type",
    "function": "function",
    "function.call": "function",
    "type": "type",
    "type.definition": "type",
    "type.builtin": "type.builtin",
    "variable": "variable",
    "variable.parameter": "variable.parameter",
    "constant": "constant",
    "property": "variable.other.member",
    "module": "namespace",
    "attribute": "attribute",
    "string": "string",
    "string.escape": "constant.character.escape",
    "string.special": "string.special",
    "number": "constant.numeric.integer",
    "number.float": "constant.numeric.float",
    "boolean": "constant.builtin.boolean",
    "operator": "operator",
    "punctuation.delimiter": "punctuation.delimiter",
    "punctuation.bracket": "punctuation.bracket",
}

CAPTURE = re.compile(r"@([A-Za-z_][\w.-]*)")


def helix_highlights() -> str:
    source = (GRAMMAR / "queries" / "highlights.scm").read_text(encoding="utf-8")

    def rename(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in TO_HELIX:
            raise SystemExit(f"highlights.scm: no Helix name for @{name} (add it to TO_HELIX)")
        return "@" + TO_HELIX[name]

    # The grammar's header comment is replaced; other comments are kept.
    body = source.split("\n\n", 1)[1]
    lines = [line if line.lstrip().startswith(";") else CAPTURE.sub(rename, line) for line in body.splitlines()]
    header = (
        "; Highlighting of .cit in Helix. Made by `editors/test/helix-test.py --write`\n"
        "; from editors/tree-sitter-cit/queries/highlights.scm, with Helix's scope\n"
        "; names; no node gets two captures.\n\n"
    )
    return header + "\n".join(lines) + "\n"


def helix_locals() -> str:
    source = (GRAMMAR / "queries" / "locals.scm").read_text(encoding="utf-8")
    return "; Made by editors/test/helix-test.py --write from\n; editors/tree-sitter-cit/queries/locals.scm.\n" + source


GENERATED = {"highlights.scm": helix_highlights, "locals.scm": helix_locals}


def captures(text: str) -> set[str]:
    names = set()
    for line in text.splitlines():
        if line.lstrip().startswith(";"):
            continue
        names.update(CAPTURE.findall(line))
    return names - {"any-of", "not-any-of", "eq", "match"}


class Tests:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str, detail: object = None) -> None:
        if ok:
            self.passed += 1
            print(f"ok - {what}")
        else:
            self.failed += 1
            print(f"not ok - {what}" + (f": {detail}" if detail is not None else ""))


def main() -> int:
    if "--write" in sys.argv:
        for name, make in GENERATED.items():
            (QUERIES / name).write_text(make(), encoding="utf-8")
        print("helix: queries written")
        return 0
    t = Tests()
    config = tomllib.loads((HELIX / "languages.toml").read_text(encoding="utf-8"))
    t.check(set(config) <= {"language", "language-server", "grammar", "use-grammars"}, "only Helix's top-level tables", sorted(config))
    languages = config.get("language", [])
    t.check(len(languages) == 1, "one [[language]]")
    language = languages[0] if languages else {}
    t.check(set(language) <= LANGUAGE_KEYS, "every [[language]] key is one Helix knows", sorted(set(language) - LANGUAGE_KEYS))
    t.check(LANGUAGE_REQUIRED <= set(language), "name, scope and file-types are given", sorted(LANGUAGE_REQUIRED - set(language)))
    t.check(language.get("name") == "cit", "the language is `cit`")
    ts_config = json.loads((GRAMMAR / "tree-sitter.json").read_text(encoding="utf-8"))["grammars"][0]
    textmate = json.loads((REPO / "editors/vscode/syntaxes/cit.tmLanguage.json").read_text(encoding="utf-8"))
    t.check(
        language.get("scope") == "source.cit" == ts_config["scope"] == textmate["scopeName"],
        "scope `source.cit`, as tree-sitter.json and the TextMate grammar say",
        language.get("scope"),
    )
    file_types = language.get("file-types")
    t.check(
        isinstance(file_types, list)
        and all(isinstance(f, str) or (isinstance(f, dict) and set(f) == {"glob"}) for f in file_types)
        and "cit" in file_types,
        "file-types: strings or { glob }, `cit` among them",
        file_types,
    )
    comment = language.get("comment-token", language.get("comment-tokens"))
    t.check(
        comment == "//" or comment == ["//"],
        "comment-token(s) is `//`",
        comment,
    )
    t.check(not ({"comment-token", "comment-tokens"} <= set(language)), "comment-token and comment-tokens not both")
    indent = language.get("indent", {})
    t.check(
        set(indent) == {"tab-width", "unit"} and isinstance(indent["tab-width"], int) and indent["unit"] == "  ",
        "indent: tab-width and a unit of 2 spaces (as citc fmt)",
        indent,
    )
    if "injection-regex" in language:
        t.check(re.fullmatch(language["injection-regex"], "cit") is not None, "injection-regex matches `cit`")
    servers = config.get("language-server", {})
    named = []
    for entry in language.get("language-servers", []):
        if isinstance(entry, str):
            named.append(entry)
        else:
            ok = isinstance(entry, dict) and "name" in entry and set(entry) <= {"name", "only-features", "except-features"}
            ok = ok and set(entry.get("only-features", [])) | set(entry.get("except-features", [])) <= FEATURES
            t.check(ok, f"language server entry {entry!r} has Helix's form")
            named.append(entry.get("name"))
    t.check(named == ["citc"], "the language uses the language server `citc`", named)
    for name in named:
        server = servers.get(name, {})
        t.check(set(server) <= SERVER_KEYS and isinstance(server.get("command"), str), f"[language-server.{name}] has a command and only Helix's keys", server)
        t.check(server.get("command") == "citc" and server.get("args") == ["lsp"], f"[language-server.{name}] runs `citc lsp`", server)
    grammars = config.get("grammar", [])
    t.check(len(grammars) == 1 and set(grammars[0]) <= GRAMMAR_KEYS, "one [[grammar]] with name and source")
    grammar = grammars[0] if grammars else {}
    t.check(grammar.get("name") == language.get("grammar", language.get("name")), "the grammar is the language's")
    source = grammar.get("source", {})
    t.check(
        set(source) == {"path"} or ({"git", "rev"} <= set(source) <= {"git", "rev", "subpath"}),
        "the grammar's source is { path } or { git, rev, subpath }",
        source,
    )
    t.check(
        source.get("path", "").endswith("editors/tree-sitter-cit") or source.get("subpath") == "editors/tree-sitter-cit",
        "the grammar's source is editors/tree-sitter-cit",
        source,
    )
    for required in ("parser.c", "scanner.c"):
        t.check((GRAMMAR / "src" / required).is_file(), f"src/{required} is there for Helix to compile")

    for name, make in GENERATED.items():
        path = QUERIES / name
        t.check(path.is_file() and path.read_text(encoding="utf-8") == make(), f"queries/cit/{name} is made from the grammar's (--write remakes it)")
    highlights = captures((QUERIES / "highlights.scm").read_text(encoding="utf-8"))
    unknown = sorted(n for n in highlights if n not in HELIX_SCOPES)
    t.check(not unknown and len(highlights) > 15, "every highlight capture is a Helix theme scope", unknown)
    locals_ = captures((QUERIES / "locals.scm").read_text(encoding="utf-8"))
    t.check(locals_ == LOCAL_CAPTURES, "locals use Helix's local.scope, local.definition, local.reference", sorted(locals_))
    indents = captures((QUERIES / "indents.scm").read_text(encoding="utf-8"))
    t.check(indents and indents <= INDENT_CAPTURES, "indents use Helix's indent captures", sorted(indents))
    print(f"helix: {t.passed} passed, {t.failed} failed")
    return 0 if t.failed == 0 and t.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
