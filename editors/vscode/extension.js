// The cit extension: highlighting comes from the TextMate grammar
// (syntaxes/cit.tmLanguage.json); everything else (diagnostics as you type,
// hover, go to definition, references, rename, completion, outline,
// formatting, quick fixes, folding) from the language server `citc lsp`,
// started over stdio through vscode-languageclient.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The server command: the `citc.path` setting, `citc` (from PATH) by default. */
function serverOptions() {
  const configured = vscode.workspace.getConfiguration('citc').get('path');
  const command = typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : 'citc';
  const run = { command, args: ['lsp'], transport: TransportKind.stdio };
  return { run, debug: run };
}

function clientOptions() {
  return {
    documentSelector: [{ scheme: 'file', language: 'cit' }],
    synchronize: {
      // Imported files that change on disk (a git checkout, another editor).
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.cit'),
    },
  };
}

async function start(context) {
  // The id `citc` makes VS Code read the `citc.trace.server` setting.
  client = new LanguageClient('citc', 'citc language server', serverOptions(), clientOptions());
  try {
    await client.start();
  } catch (err) {
    const command = serverOptions().run.command;
    vscode.window.showErrorMessage(
      `citc: could not start \`${command} lsp\` (${err && err.message ? err.message : err}). ` +
        'Set "citc.path" to the citc binary.'
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop().catch(() => {});
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('citc.restartServer', async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('citc.path')) {
        await stop();
        await start(context);
      }
    })
  );
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverOptions, clientOptions };
