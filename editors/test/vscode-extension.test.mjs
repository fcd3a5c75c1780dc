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
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  const pinned = JSON.parse(readFileSync(path.join(extensionDir, 'package.json'), 'utf8')).dependencies['vscode-languageclient'];
  const installed = JSON.parse(readFileSync(require.resolve('vscode-languageclient/package.json', { paths: [extensionDir] }), 'utf8')).version;
  assert.equal(installed, pinned);
});

test('the server command is `citc lsp` by default and follows citc.path', () => {
  globalThis.citcSettings = {};
  assert.deepEqual(extension.serverOptions().run, { command: 'citc', args: ['lsp'], transport: lc.TransportKind.stdio });
  globalThis.citcSettings = { 'citc.path': '  ' };
  assert.equal(extension.serverOptions().run.command, 'citc');
  globalThis.citcSettings = { 'citc.path': '/opt/citc/bin/citc' };
  assert.equal(extension.serverOptions().run.command, '/opt/citc/bin/citc');
  assert.deepEqual(extension.serverOptions().debug, extension.serverOptions().run);
  globalThis.citcSettings = {};
});

test('the client selects cit files and watches .cit files', () => {
  const options = extension.clientOptions();
  assert.deepEqual(options.documentSelector, [{ scheme: 'file', language: 'cit' }]);
  assert.equal(options.synchronize.fileEvents.glob, '**/*.cit');
});

test('package.json declares the entry point, activation, settings and dependency', () => {
  const pkg = JSON.parse(readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  assert.equal(pkg.main, './extension.js');
  assert.deepEqual(pkg.activationEvents, ['onLanguage:cit']);
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['citc.path'].default, 'citc');
  assert.deepEqual(props['citc.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.ok(pkg.files.includes('extension.js'));
  // vsce packs only what `files` lists: without node_modules the .vsix has no client library.
  assert.ok(pkg.files.includes('node_modules/**'));
  assert.ok(pkg.contributes.grammars.some((g) => g.language === 'cit' && g.scopeName === 'source.cit'));
  assert.ok(pkg.contributes.commands.some((c) => c.command === 'citc.restartServer'));
  const lock = JSON.parse(readFileSync(path.join(extensionDir, 'package-lock.json'), 'utf8'));
  assert.equal(lock.packages['node_modules/vscode-languageclient'].version, pkg.dependencies['vscode-languageclient']);
  // The engine the client library asks for is the one the extension declares.
  const clientPkg = JSON.parse(readFileSync(require.resolve('vscode-languageclient/package.json', { paths: [extensionDir] }), 'utf8'));
  assert.equal(pkg.engines.vscode, clientPkg.engines.vscode);
});

test('the server starts as the extension configures it and answers over vscode-languageclient’s JSON-RPC', async (t) => {
  globalThis.citcSettings = { 'citc.path': citc };
  const { command, args } = extension.serverOptions().run;
  globalThis.citcSettings = {};
  const child = spawn(command, args, { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => child.kill());
  const connection = lc.createProtocolConnection(
    new lc.StreamMessageReader(child.stdout),
    new lc.StreamMessageWriter(child.stdin)
  );
  const published = [];
  let wake = () => {};
  connection.onNotification(lc.PublishDiagnosticsNotification.type, (params) => { published.push(params); wake(); });
  connection.listen();
  const waitFor = (pred, ms = 20000) => new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('timed out; published: ' + JSON.stringify(published.map((p) => [p.version, p.diagnostics.map((d) => d.code)])))), ms);
    const poll = () => { const hit = published.find(pred); if (hit) { clearTimeout(timer); ok(hit); } else { wake = poll; } };
    poll();
  });

  const init = await connection.sendRequest(lc.InitializeRequest.type, {
    processId: process.pid, rootUri: pathToFileURL(repo).href, capabilities: {}, initializationOptions: { debounceMs: 5 },
  });
  assert.equal(init.serverInfo.name, 'citc');
  assert.equal(init.capabilities.hoverProvider, true);
  connection.sendNotification(lc.InitializedNotification.type, {});

  const file = path.join(repo, 'catalog.cit');
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');
  await connection.sendNotification(lc.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'cit', version: 1, text } });
  const first = await waitFor((p) => p.uri === uri && p.version === 1);
  assert.deepEqual(first.diagnostics, []);

  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('use common-series, dedicated-cpu'));
  const end = lines[line].indexOf('dedicated-cpu') + 'dedicated-cpu'.length;
  await connection.sendNotification(lc.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line, character: end }, end: { line, character: end } }, text: 's' }],
  });
  const second = await waitFor((p) => p.uri === uri && p.version === 2);
  assert.deepEqual(second.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['E0102', line, end - 'dedicated-cpu'.length]]);

  const at = lines[line].indexOf('common-series') + 2;
  const hover = await connection.sendRequest(lc.HoverRequest.type, { textDocument: { uri }, position: { line, character: at } });
  assert.match(hover.contents.value, /mixin common-series \{/);

  await connection.sendRequest(lc.ShutdownRequest.type);
  await connection.sendNotification(lc.ExitNotification.type);
  const code = await new Promise((ok) => (child.exitCode !== null ? ok(child.exitCode) : child.on('exit', ok)));
  assert.equal(code, 0);
  connection.dispose();
});
