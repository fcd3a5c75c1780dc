// Drives a `citc lsp` process over the JSON-RPC connection that
// vscode-languageclient/node exports (vscode-languageserver-protocol), as
// the extension's client does: initialize, open catalog.cit (no
// diagnostics), an edit that names an unknown mixin (E0102 at its place),
// hover on a mixin, shutdown and exit 0. Shared by the tests of the
// extension's source (vscode-extension.test.mjs) and of its package
// (vscode-package.test.mjs).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export async function driveServer(t, lc, { command, args, repo }) {
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
  // The code links to its explanation (VS Code shows it as a link).
  assert.match(second.diagnostics[0].codeDescription.href, /^file:\/\/.*\/E0102\.md$/);

  const at = lines[line].indexOf('common-series') + 2;
  const hover = await connection.sendRequest(lc.HoverRequest.type, { textDocument: { uri }, position: { line, character: at } });
  assert.match(hover.contents.value, /mixin common-series \{/);

  await connection.sendRequest(lc.ShutdownRequest.type);
  await connection.sendNotification(lc.ExitNotification.type);
  const code = await new Promise((ok) => (child.exitCode !== null ? ok(child.exitCode) : child.on('exit', ok)));
  assert.equal(code, 0);
  connection.dispose();
}
