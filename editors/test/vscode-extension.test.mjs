// The VS Code extension outside VS Code (there is none on this machine):
//   1. extension.js loads, with its real dependency vscode-languageclient
//      (editors/vscode/node_modules, pinned in editors/vscode/package-lock.json)
//      and a stand-in for the `vscode` module (vscode-stub.cjs);
//   2. the server options follow the `citc.path` setting, the client options
//      select cit files, package.json declares what extension.js reads;
//   3. the server command it builds is started the way the client's stdio
//      transport starts it, and spoken to with the JSON-RPC connection that
//      vscode-languageclient/node exports (vscode-languageserver-protocol):
//      initialize, open catalog.cit, an edit brings E0102, hover answers.
// Not covered: the LanguageClient class itself inside a running VS Code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { driveServer } from './lsp-drive.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const extensionDir = path.join(repo, 'editors/vscode');
const citc = process.env.CITC || path.join(repo, 'target/debug/citc');

const require = createRequire(import.meta.url);
const Module = require('node:module');
const stubPath = path.join(here, 'vscode-stub.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? stubPath : resolve.call(this, request, ...rest);
};
const vscode = require(stubPath);
const extension = require(path.join(extensionDir, 'extension.js'));
const lc = require(require.resolve('vscode-languageclient/node', { paths: [extensionDir] }));

test('extension.js loads with vscode-languageclient and exports activate/deactivate', () => {
  assert.equal(typeof extension.activate, 'function');
  assert.equal(typeof extension.deactivate, 'function');
  assert.equal(typeof lc.LanguageClient, 'function');
  const pinned = JSON.parse(readFileSync(path.join(extensionDir, 'package.json'), 'utf8')).devDependencies['vscode-languageclient'];
  const installed = JSON.parse(readFileSync(require.resolve('vscode-languageclient/package.json', { paths: [extensionDir] }), 'utf8')).version;
  assert.equal(installed, pinned);
});

test('the server command is `citc lsp` from PATH without a bundled binary, and follows citc.path', () => {
  // The source folder carries no bin/citc: `citc` from PATH.
  const context = { extensionPath: extensionDir };
  globalThis.citcSettings = {};
  assert.deepEqual(extension.serverOptions(context).run, { command: 'citc', args: ['lsp'], transport: lc.TransportKind.stdio });
  assert.equal(extension.serverOptions(undefined).run.command, 'citc');
  globalThis.citcSettings = { 'citc.path': '  ' };
  assert.equal(extension.serverOptions(context).run.command, 'citc');
  globalThis.citcSettings = { 'citc.path': '/opt/citc/bin/citc' };
  assert.equal(extension.serverOptions(context).run.command, '/opt/citc/bin/citc');
  assert.deepEqual(extension.serverOptions(context).debug, extension.serverOptions(context).run);
  globalThis.citcSettings = {};
});

test('the client selects cit files and watches .cit files', () => {
  const options = extension.clientOptions();
  assert.deepEqual(options.documentSelector, [{ scheme: 'file', language: 'cit' }]);
  assert.equal(options.synchronize.fileEvents.glob, '**/*.cit');
});

test('package.json declares the entry point, activation, settings and the bundled client', () => {
  const pkg = JSON.parse(readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  assert.equal(pkg.main, './dist/extension.js');
  assert.deepEqual(pkg.activationEvents, ['onLanguage:cit']);
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['citc.path'].default, '');
  assert.deepEqual(props['citc.trace.server'].enum, ['off', 'messages', 'verbose']);
  // The client is bundled into dist/extension.js: no runtime dependency, no node_modules packed.
  assert.equal(pkg.dependencies, undefined);
  assert.ok(pkg.files.includes('dist/extension.js') && !pkg.files.some((f) => f.includes('node_modules')));
  assert.ok(pkg.contributes.grammars.some((g) => g.language === 'cit' && g.scopeName === 'source.cit'));
  assert.ok(pkg.contributes.commands.some((c) => c.command === 'citc.restartServer'));
  const lock = JSON.parse(readFileSync(path.join(extensionDir, 'package-lock.json'), 'utf8'));
  for (const [name, version] of Object.entries(pkg.devDependencies)) {
    assert.equal(lock.packages[`node_modules/${name}`].version, version, name);
  }
  // The engine the client library asks for is the one the extension declares.
  const clientPkg = JSON.parse(readFileSync(require.resolve('vscode-languageclient/package.json', { paths: [extensionDir] }), 'utf8'));
  assert.equal(pkg.engines.vscode, clientPkg.engines.vscode);
});

test('the server starts as the extension configures it and answers over vscode-languageclient’s JSON-RPC', async (t) => {
  globalThis.citcSettings = { 'citc.path': citc };
  const { command, args } = extension.serverOptions({ extensionPath: extensionDir }).run;
  globalThis.citcSettings = {};
  assert.equal(command, citc);
  await driveServer(t, lc, { command, args, repo });
});
