// The .cit TextMate grammar (editors/vscode/syntaxes/cit.tmLanguage.json) run
// in VS Code's own engine: vscode-textmate with vscode-oniguruma.
//
//   node --test editors/test/textmate.test.mjs
//
// cases.json lists tokens of every kind with the scope they must carry; the
// whole-file tests check that nothing in a valid file is marked invalid and
// that every visible character gets a scope.

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { editorsDir, repoDir, tokenize } from "./tm.mjs";

const spec = JSON.parse(readFileSync(join(editorsDir, "test", "cases.json"), "utf8"));

function expand(pattern) {
  if (!pattern.includes("*")) return [pattern];
  const slash = pattern.lastIndexOf("/");
  const dir = pattern.slice(0, slash);
  const re = new RegExp("^" + pattern.slice(slash + 1).replace(/\./g, "\\.").replace(/\*/g, ".*") + "$");
  return readdirSync(join(repoDir, dir))
    .filter((f) => re.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);
}

const cache = new Map();
async function tokenized(path) {
  if (!cache.has(path)) cache.set(path, tokenize(readFileSync(join(repoDir, path), "utf8")));
  return cache.get(path);
}

function locate(t, c) {
  const line = t.lines.findIndex((l) => l.includes(c.find));
  assert.notEqual(line, -1, `no line contains ${JSON.stringify(c.find)}`);
  const token = c.token ?? c.find;
  const inFind = c.find.indexOf(token);
  assert.notEqual(inFind, -1, `token ${JSON.stringify(token)} is not in ${JSON.stringify(c.find)}`);
  return { line, col: t.lines[line].indexOf(c.find) + inFind, len: token.length };
}

function scopesAt(t, line, col) {
  const tok = t.tokens[line].find((k) => k.start <= col && col < k.end);
  return tok ? tok.scopes : [];
}

test("grammar file is well-formed", () => {
  const g = JSON.parse(readFileSync(join(editorsDir, "vscode", "syntaxes", "cit.tmLanguage.json"), "utf8"));
  assert.equal(g.scopeName, "source.cit");
  const pkg = JSON.parse(readFileSync(join(editorsDir, "vscode", "package.json"), "utf8"));
  assert.deepEqual(pkg.contributes.languages[0].extensions, [".cit"]);
  assert.equal(pkg.contributes.grammars[0].scopeName, "source.cit");
  assert.equal(pkg.contributes.grammars[0].path, "./syntaxes/cit.tmLanguage.json");
  const conf = JSON.parse(readFileSync(join(editorsDir, "vscode", "language-configuration.json"), "utf8"));
  assert.equal(conf.comments.lineComment, "//");
});

for (const [i, c] of spec.cases.entries()) {
  const path = spec.files[c.file];
  const want = [c.textmate].flat();
  test(`case ${i + 1}: ${c.file} ${JSON.stringify(c.token ?? c.find)} -> ${want.join(" + ")}`, async () => {
    const t = await tokenized(path);
    const { line, col, len } = locate(t, c);
    for (let k = col; k < col + len; k++) {
      const scopes = scopesAt(t, line, k);
      for (const w of want) {
        assert.ok(
          scopes.includes(w),
          `${path}:${line + 1}:${k + 1} ${JSON.stringify(t.lines[line][k])} has [${scopes.join(", ")}], wants ${w}`,
        );
      }
    }
  });
}

const validFiles = spec.valid.flatMap(expand);

for (const path of validFiles) {
  test(`valid file ${path}: no invalid token, every visible character scoped`, async () => {
    const t = await tokenized(path);
    const problems = [];
    t.lines.forEach((text, line) => {
      for (let col = 0; col < text.length; col++) {
        if (/\s/.test(text[col])) continue;
        const scopes = scopesAt(t, line, col);
        const real = scopes.filter((s) => s !== "source.cit" && !s.startsWith("meta."));
        if (scopes.some((s) => s.startsWith("invalid"))) {
          problems.push(`${path}:${line + 1}:${col + 1} ${JSON.stringify(text[col])} is invalid: ${scopes.join(" ")}`);
        } else if (real.length === 0) {
          problems.push(`${path}:${line + 1}:${col + 1} ${JSON.stringify(text[col])} has no scope`);
        }
      }
    });
    assert.deepEqual(problems.slice(0, 20), []);
  });
}

test("every token kind of the grammar is asserted somewhere", () => {
  // Leaf scopes the grammar can produce (names and capture names), minus the
  // structural meta.* ones: each must appear in cases.json, so that a new rule
  // comes with a test.
  const g = JSON.parse(readFileSync(join(editorsDir, "vscode", "syntaxes", "cit.tmLanguage.json"), "utf8"));
  const names = new Set();
  (function walk(node) {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (k === "name" && typeof v === "string") v.split(/\s+/).forEach((s) => names.add(s));
        else walk(v);
      }
    }
  })(g.repository);
  const asserted = new Set(spec.cases.flatMap((c) => [c.textmate].flat()));
  const structural = /^(meta\.|punctuation\.definition\.string\.|punctuation\.section\.(block|parens|brackets)\.end|string\.quoted\.double\.cit$)/;
  const missing = [...names].filter((n) => !structural.test(n) && !asserted.has(n)).sort();
  assert.deepEqual(missing, []);
});
