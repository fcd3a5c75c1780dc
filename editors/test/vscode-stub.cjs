// A stand-in for the `vscode` module, which exists only inside VS Code: just
// what editors/vscode/extension.js and the loading of vscode-languageclient
// touch. Settings come from globalThis.citcSettings (tests set them).
'use strict';

class Disposable {
  constructor(fn) { this.fn = fn; }
  dispose() { if (this.fn) this.fn(); }
  static from(...items) { return new Disposable(() => items.forEach((d) => d && d.dispose && d.dispose())); }
}
class EventEmitter {
  constructor() { this.listeners = []; this.event = (l) => { this.listeners.push(l); return new Disposable(); }; }
  fire(e) { this.listeners.forEach((l) => l(e)); }
  dispose() {}
}
const event = () => new Disposable();
const messages = [];

const api = {
  version: '1.82.0',
  Disposable,
  EventEmitter,
  messages,
  workspace: {
    getConfiguration(section) {
      const all = globalThis.citcSettings || {};
      return { get: (key, fallback) => (`${section}.${key}` in all ? all[`${section}.${key}`] : fallback) };
    },
    createFileSystemWatcher: (glob) => ({ glob, onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} }),
    onDidChangeConfiguration: event,
    workspaceFolders: undefined,
  },
  window: {
    showErrorMessage: (m) => { messages.push(m); return Promise.resolve(undefined); },
    createOutputChannel: () => ({ append() {}, appendLine() {}, show() {}, dispose() {} }),
  },
  commands: { registerCommand: (id, fn) => { api.registered[id] = fn; return new Disposable(); } },
  registered: {},
};

// The client library subclasses VS Code's classes when it loads
// (`class ProtocolCompletionItem extends code.CompletionItem`): any other
// capitalised name is an empty class, so that loading works; using one
// is outside what this stand-in offers.
module.exports = new Proxy(api, {
  get(target, key) {
    if (!(key in target) && typeof key === 'string' && /^[A-Z]/.test(key)) {
      target[key] = class {};
    }
    return target[key];
  },
});
