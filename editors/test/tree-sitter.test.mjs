// The tree-sitter grammar (editors/tree-sitter-cit) with tree-sitter's own
// tools (the tree-sitter CLI in $TREE_SITTER):
//   1. src/ is what `tree-sitter generate` makes of grammar.js;
//   2. `tree-sitter test`: the corpus, the highlight and the tag assertions;
//   3. the corpus agrees with citc: an example marked `:error` is a syntax
//      error for citc's own parser (grammar/cit.pest), the others are not;
//   4. every .cit file of the repository: tree-sitter finds an error in it
//      exactly when citc reports a syntax error in it;
//   5. every query file (the grammar's and Helix's) compiles against the
//      grammar and captures what it is for.
//
//   TREE_SITTER=~/.cache/citc-ci/tree-sitter-cli-0.27.1/bin/tree-sitter \
//   CITC=target/debug/citc node --test editors/test/tree-sitter.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const grammarDir = path.join(repo, 'editors/tree-sitter-cit');
const treeSitter = process.env.TREE_SITTER || 'tree-sitter';
const citc = path.resolve(repo, process.env.CITC || 'target/debug/citc');
const scratch = mkdtempSync(path.join(tmpdir(), 'citc-ts-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
// No parser directories: the grammar is always named by its path.
const config = path.join(scratch, 'config.json');
writeFileSync(config, JSON.stringify({ 'parser-directories': [] }));
// The ABI that Helix, Neovim and Zed all load.
const ABI = '14';
// The codes of citc's syntax errors (`citc explain`): E0001 syntax error,
// E0004 brackets, E0005 unclosed string, E0006 keyword. (E0003, nesting
// deeper than citc goes, is a limit of citc's, not of the grammar.)
const SYNTAX = new Set(['E0001', 'E0004', 'E0005', 'E0006']);

function ts(args, options = {}) {
  return spawnSync(treeSitter, [...args], { cwd: grammarDir, encoding: 'utf8', ...options });
}

/** Whether citc's parser rejects the file (a syntax error in that file). */
function citcSyntaxError(file, cwd = repo) {
  const out = spawnSync(citc, ['check', '--message-format', 'json', '--quiet', file], { cwd, encoding: 'utf8' });
  const relative = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  return out.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .some((d) => SYNTAX.has(d.code) && (d.file === file || d.file === relative));
}

test('src/ is what tree-sitter generate makes of grammar.js', () => {
  const out = path.join(scratch, 'generated');
  const run = ts(['generate', '--abi', ABI, '--js-runtime', 'native', '-o', out, 'grammar.js']);
  assert.equal(run.status, 0, run.stderr);
  for (const file of ['parser.c', 'grammar.json', 'node-types.json', 'tree_sitter/parser.h']) {
    const made = readFileSync(path.join(out, file), 'utf8');
    const committed = readFileSync(path.join(grammarDir, 'src', file), 'utf8');
    assert.ok(made === committed, `src/${file} is stale: run \`tree-sitter generate --abi ${ABI} --js-runtime native\` in editors/tree-sitter-cit`);
  }
  assert.match(readFileSync(path.join(grammarDir, 'src/parser.c'), 'utf8'), new RegExp(`#define LANGUAGE_VERSION ${ABI}\\b`));
});

test('tree-sitter test: corpus, highlights and tags', () => {
  const run = ts(['test', '--config-path', config]);
  const output = run.stdout + run.stderr;
  assert.equal(run.status, 0, output);
  assert.doesNotMatch(output, /✗/, output);
  // Each kind of test ran.
  assert.match(output, /syntax highlighting:[\s\S]*✓[^\n]*items\.cit[^\n]*\(\d+ assertions\)/, output);
  assert.match(output, /tags:[\s\S]*✓[^\n]*items\.cit[^\n]*\(\d+ assertions\)/, output);
});

/** The examples of the corpus: name, input, whether marked `:error`. */
function corpus() {
  const dir = path.join(grammarDir, 'test/corpus');
  const examples = [];
  for (const file of readdirSync(dir).sort()) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const re = /^={3,}\n([^\n]+)\n((?::[^\n]*\n)*)={3,}\n([\s\S]*?)\n-{3,}\n/gm;
    for (const m of text.matchAll(re)) {
      examples.push({ name: `${file}: ${m[1]}`, error: m[2].includes(':error'), input: m[3].replace(/^\n/, '') });
    }
  }
  return examples;
}

test('the corpus agrees with citc: `:error` examples are syntax errors to citc, the others parse', () => {
  const examples = corpus();
  assert.ok(examples.length >= 30, `only ${examples.length} corpus examples`);
  assert.ok(examples.some((e) => e.error) && examples.some((e) => !e.error));
  const disagree = [];
  for (const [i, example] of examples.entries()) {
    const file = path.join(scratch, `corpus-${i}.cit`);
    writeFileSync(file, example.input);
    if (citcSyntaxError(file, scratch) !== example.error) {
      disagree.push(`${example.name}: ${example.error ? 'citc parses it' : 'citc reports a syntax error'}`);
    }
  }
  assert.deepEqual(disagree, []);
});

test('every .cit file of the repository: an error for tree-sitter exactly when citc reports a syntax error', () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.cit'], { cwd: repo, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .sort();
  assert.ok(files.length > 100, `only ${files.length} .cit files`);
  const list = path.join(scratch, 'files.txt');
  writeFileSync(list, files.map((f) => path.join(repo, f)).join('\n') + '\n');
  const run = ts(['parse', '--config-path', config, '-p', '.', '--quiet', '--stat', '--paths', list]);
  // With --quiet, a line per file that has an ERROR or MISSING node.
  const broken = new Set(
    (run.stdout + run.stderr)
      .split('\n')
      .filter((l) => /\((ERROR|MISSING)/.test(l))
      .map((l) => path.relative(repo, l.split(/\s+/)[0])),
  );
  const rejected = new Set(files.filter((f) => citcSyntaxError(f)));
  const onlyTreeSitter = [...broken].filter((f) => !rejected.has(f));
  const onlyCitc = [...rejected].filter((f) => !broken.has(f));
  assert.deepEqual({ onlyTreeSitter, onlyCitc }, { onlyTreeSitter: [], onlyCitc: [] });
  // The valid files are the many: the catalog, std, examples, tests.
  assert.ok(files.length - rejected.size > 100, `${rejected.size} of ${files.length} rejected`);
  for (const f of ['catalog.cit', 'stdlib/kubevirt.cit', 'editors/test/fixtures/all-constructs.cit', 'examples/downstream/catalog.cit']) {
    assert.ok(files.includes(f) && !broken.has(f), f);
  }
});

/** The captures a query makes on a file, as [capture name, text (one line
 * only), start row]. */
function captures(query, file) {
  const run = ts(['query', '--config-path', config, '-p', '.', query, file]);
  assert.equal(run.status, 0, `${query}: ${run.stderr}`);
  const re = /capture: (?:\d+ - )?([\w.]+), start: \((\d+), \d+\), end: \([^)]*\)(?:, text: `([^`\n]*)`)?/g;
  return [...run.stdout.matchAll(re)].map((m) => [m[1], m[3] ?? '', Number(m[2])]);
}

const fixture = path.join(repo, 'editors/test/fixtures/all-constructs.cit');
const queries = (dir) => readdirSync(dir).filter((f) => f.endsWith('.scm')).map((f) => path.join(dir, f));

test('every query compiles against the grammar and captures what it is for', () => {
  const ours = queries(path.join(grammarDir, 'queries'));
  const helix = queries(path.join(repo, 'editors/helix/queries/cit'));
  assert.deepEqual(ours.map((q) => path.basename(q)).sort(), ['folds.scm', 'highlights.scm', 'indents.scm', 'locals.scm', 'tags.scm']);
  assert.ok(helix.length >= 3, 'the Helix queries');
  for (const query of [...ours, ...helix]) {
    assert.ok(captures(query, fixture).length > 0, `${path.relative(repo, query)} captures nothing`);
  }
  const folds = captures(path.join(grammarDir, 'queries/folds.scm'), fixture);
  const lines = readFileSync(fixture, 'utf8').split('\n');
  for (const header of ['mixin shared {', 'let notes = """', 'table tiers (', 'derive instancetype {']) {
    const row = lines.findIndex((l) => l.startsWith(header));
    assert.ok(row >= 0 && folds.some(([name, , start]) => name === 'fold' && start === row), `a fold at ${JSON.stringify(header)}`);
  }
  const locals = captures(path.join(grammarDir, 'queries/locals.scm'), fixture);
  assert.ok(locals.some(([name, text]) => name === 'local.definition' && text === 'lean_memory'));
  assert.ok(locals.some(([name, text]) => name === 'local.reference' && text === 'lean_memory'));
});
