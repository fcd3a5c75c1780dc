// Packages the extension for the Marketplace and Open VSX:
//
//   node package.mjs                                   # cit-VERSION.vsix, citc from PATH
//   node package.mjs --target linux-x64 --citc PATH    # cit-linux-x64-VERSION.vsix, citc inside
//
// Bundles extension.js and vscode-languageclient into dist/extension.js
// with esbuild (no node_modules in the package), copies the citc binary to
// bin/ for a platform package, and runs `vsce package` (both pinned in
// package-lock.json: run `npm ci` first). `--out FILE` names the .vsix.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const target = option('--target');
const citc = option('--citc');
const pkg = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
const out = path.resolve(option('--out') || path.join(here, `cit-${target ? `${target}-` : ''}${pkg.version}.vsix`));
if (target && !citc) {
  console.error('package.mjs: --target needs --citc, the citc binary built for that target');
  process.exit(2);
}
const bin = (name) => path.join(here, 'node_modules', '.bin', name);

execFileSync(
  bin('esbuild'),
  ['extension.js', '--bundle', '--platform=node', '--format=cjs', '--target=node18', '--external:vscode', '--minify', '--outfile=dist/extension.js'],
  { cwd: here, stdio: 'inherit' }
);
rmSync(path.join(here, 'bin'), { recursive: true, force: true });
try {
  if (target) {
    mkdirSync(path.join(here, 'bin'));
    const binary = path.join(here, 'bin', target.startsWith('win32') ? 'citc.exe' : 'citc');
    copyFileSync(citc, binary);
    chmodSync(binary, 0o755);
  }
  execFileSync(
    bin('vsce'),
    ['package', '--no-dependencies', '--out', out, ...(target ? ['--target', target] : [])],
    { cwd: here, stdio: 'inherit' }
  );
} finally {
  rmSync(path.join(here, 'bin'), { recursive: true, force: true });
}
console.log(`package.mjs: ${out}`);
