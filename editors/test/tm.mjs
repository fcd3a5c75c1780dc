// Loads the .cit TextMate grammar into the real engine that VS Code uses
// (vscode-textmate on vscode-oniguruma's WebAssembly build of Oniguruma) and
// tokenizes text with it. Shared by textmate.test.mjs and render-sample.mjs.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const here = dirname(fileURLToPath(import.meta.url));
export const editorsDir = dirname(here);
export const repoDir = dirname(editorsDir);
export const grammarPath = join(editorsDir, "vscode", "syntaxes", "cit.tmLanguage.json");

let grammarPromise;

/** The grammar for `source.cit`, loaded once. */
export function loadGrammar() {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(join(dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName !== "source.cit") return null;
        return vsctm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath);
      },
    });
    const grammar = await registry.loadGrammar("source.cit");
    if (!grammar) throw new Error(`could not load ${grammarPath}`);
    return grammar;
  })();
  return grammarPromise;
}

/**
 * Tokenizes `text` line by line, carrying the rule stack across lines as an
 * editor does. Returns one array per line of { start, end, text, scopes }.
 */
export async function tokenize(text) {
  const grammar = await loadGrammar();
  let stack = vsctm.INITIAL;
  const lines = text.split("\n");
  const out = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, stack, 5000);
    if (r.stoppedEarly) throw new Error(`tokenizing stopped early on line: ${line}`);
    out.push(
      r.tokens.map((t) => ({
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })),
    );
    stack = r.ruleStack;
  }
  return { lines, tokens: out };
}

/** The scopes of the token that covers column `col` of line `line` (0-based). */
export function scopesAt(tokenized, line, col) {
  const tok = tokenized.tokens[line].find((t) => t.start <= col && col < t.end);
  return tok ? tok.scopes : null;
}
