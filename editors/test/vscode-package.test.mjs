// The VS Code extension as the Marketplace and Open VSX get it: the
// linux-x64 platform package that editors/vscode/package.mjs makes (esbuild
// bundle, `vsce package --target linux-x64`, the citc binary under test in
// bin/), unpacked as VS Code unpacks it:
//   1. what the .vsix holds: the manifest's target platform, the bundle, the
//      icon, LICENSE, README, the grammar, bin/citc executable, and no
//      node_modules;
//   2. the bundled extension loads with nothing but the `vscode` module
//      (vscode-languageclient is inside it), and its server command is the
//      citc it carries unless `citc.path` says otherwise;
//   3. that command starts `citc lsp`, driven like the extension's client
//      drives it (lsp-drive.mjs).
//
//   CITC=target/debug/citc node --test editors/test/vscode-package.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { driveServer } from './lsp-drive.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const extensionDir = path.join(repo, 'editors/vscode');
const citc = path.resolve(repo, process.env.CITC || 'target/debug/citc');
const scratch = mkdtempSync(path.join(tmpdir(), 'citc-vsix-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const vsix = path.join(scratch, 'cit-linux-x64.vsix');
const unpacked = path.join(scratch, 'unpacked');

const require = createRequire(import.meta.url);
const Module = require('node:module');
const stubPath = path.join(here, 'vscode-stub.cjs');

// The .vsix's entries with their Unix modes (a zip's external attributes).
function entries(file) {
  const script = 'import json, sys, zipfile\n' +
    'z = zipfile.ZipFile(sys.argv[1])\n' +
    'print(json.dumps([[i.filename, i.external_attr >> 16] for i in z.infolist()]))\n' +
    'z.extractall(sys.argv[2])\n';
  return JSON.parse(execFileSync('python3', ['-c', script, file, unpacked], { encoding: 'utf8' }));
}

let listing;

test('package.mjs makes the linux-x64 .vsix with vsce', () => {
  execFileSync('node', [path.join(extensionDir, 'package.mjs'), '--target', 'linux-x64', '--citc', citc, '--out', vsix], {
    cwd: extensionDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  assert.ok(statSync(vsix).size > 0);
  listing = entries(vsix);
  // The working folder is left as it was: no bin/ after packaging.
  assert.ok(!existsSync(path.join(extensionDir, 'bin')));
});

test('the .vsix: target platform, bundle, icon, LICENSE, grammar, an executable bin/citc, no node_modules', () => {
  const names = listing.map(([name]) => name);
  for (const wanted of [
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/images/icon.png',
    'extension/LICENSE.txt',
    'extension/readme.md',
    'extension/syntaxes/cit.tmLanguage.json',
    'extension/language-configuration.json',
    'extension/bin/citc',
  ]) {
    assert.ok(names.includes(wanted), `${wanted} in ${names.join(', ')}`);
  }
  assert.deepEqual(names.filter((n) => n.includes('node_modules')), []);
  assert.deepEqual(names.filter((n) => /\.(m?js)$/.test(n)), ['extension/dist/extension.js']);
  const mode = listing.find(([name]) => name === 'extension/bin/citc')[1];
  assert.ok((mode & 0o111) !== 0, `bin/citc has mode ${mode.toString(8)}`);
  assert.deepEqual(readFileSync(path.join(unpacked, 'extension/bin/citc')), readFileSync(citc));
  const manifest = readFileSync(path.join(unpacked, 'extension.vsixmanifest'), 'utf8');
  assert.match(manifest, /TargetPlatform="linux-x64"/);
  assert.match(manifest, /Microsoft\.VisualStudio\.Services\.Icons\.Default/);
  const pkg = JSON.parse(readFileSync(path.join(unpacked, 'extension/package.json'), 'utf8'));
  assert.equal(pkg.main, './dist/extension.js');
  assert.equal(pkg.license, 'Apache-2.0');
  assert.match(pkg.repository.url, /^https:\/\//);
  assert.equal(pkg.icon, 'images/icon.png');
  const png = readFileSync(path.join(unpacked, 'extension/images/icon.png'));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  // The Marketplace asks for an icon of at least 128x128 pixels.
  assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128);
  assert.match(readFileSync(path.join(unpacked, 'extension/LICENSE.txt'), 'utf8'), /Apache License\s+Version 2\.0/);
});

test('the bundled extension loads with only `vscode` and starts the citc it carries', async (t) => {
  const resolve = Module._resolveFilename;
  const asked = [];
  Module._resolveFilename = function (request, parent, ...rest) {
    if (parent && parent.filename && parent.filename.startsWith(unpacked)) asked.push(request);
    return request === 'vscode' ? stubPath : resolve.call(this, request, parent, ...rest);
  };
  t.after(() => { Module._resolveFilename = resolve; });
  const bundle = require(path.join(unpacked, 'extension/dist/extension.js'));
  // Node's own modules and `vscode`: nothing from a node_modules folder.
  assert.deepEqual([...new Set(asked)].filter((m) => m !== 'vscode' && !Module.isBuiltin(m)), []);
  assert.equal(typeof bundle.activate, 'function');

  const context = { extensionPath: path.join(unpacked, 'extension') };
  globalThis.citcSettings = {};
  const { command, args } = bundle.serverOptions(context).run;
  assert.equal(command, path.join(unpacked, 'extension/bin/citc'));
  assert.deepEqual(args, ['lsp']);
  globalThis.citcSettings = { 'citc.path': '/opt/citc/bin/citc' };
  assert.equal(bundle.serverOptions(context).run.command, '/opt/citc/bin/citc');
  globalThis.citcSettings = {};

  const lc = require(require.resolve('vscode-languageclient/node', { paths: [extensionDir] }));
  await driveServer(t, lc, { command, args, repo });
});
