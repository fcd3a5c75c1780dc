// The cit extension: highlighting comes from the TextMate grammar
// (syntaxes/cit.tmLanguage.json); everything else (diagnostics as you type,
// hover, go to definition, references, rename, completion, outline,
// formatting, quick fixes, folding, semantic tokens) from the language
// server `citc lsp`, started over stdio through vscode-languageclient.
//
// Bundled with esbuild into dist/extension.js (package.mjs); the platform
// packages carry the citc binary in bin/.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The citc binary a platform package carries, or undefined. */
function bundledCitc(extensionPath) {
  if (!extensionPath) return undefined;
  const binary = path.join(extensionPath, 'bin', process.platform === 'win32' ? 'citc.exe' : 'citc');
  if (!fs.existsSync(binary)) return undefined;
  if (process.platform !== 'win32') {
    // A .vsix unpacked without its file modes leaves the binary unexecutable.
    try {
      fs.accessSync(binary, fs.constants.X_OK);
    } catch {
      try {
        fs.chmodSync(binary, 0o755);
      } catch {
        return undefined;
      }
    }
  }
  return binary;
}

/**
 * The server command: the `citc.path` setting when set, else the citc
 * binary of a platform package, else `citc` from PATH.
 */
function serverOptions(context) {
  const configured = vscode.workspace.getConfiguration('citc').get('path');
  const command =
    typeof configured === 'string' && configured.trim() !== ''
      ? configured.trim()
      : bundledCitc(context && context.extensionPath) || 'citc';
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
  client = new LanguageClient('citc', 'citc language server', serverOptions(context), clientOptions());
  try {
    await client.start();
  } catch (err) {
    const command = serverOptions(context).run.command;
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
