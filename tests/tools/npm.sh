#!/usr/bin/env bash
# npm.sh DIR: prints the path of a node_modules folder with the npm packages
# that DIR's package-lock.json pins (`npm ci`), made once per machine under
# ~/.cache/citc-ci/npm-<DIR's name> and made anew when the lock file
# changes. The browser test of `citc doc html` (tests/doc_html.rs) calls it
# for playwright-core, html-validate and axe-core (tests/browser).
#
# Exit status: 0 the packages are ready (the node_modules path on stdout);
# 3 they cannot be had here (no node or npm, or the npm registry not
# reachable), with the reason on stderr: the caller skips, or fails when
# CI=true requires them. Concurrent callers wait for each other (flock).
set -euo pipefail

dir="$(cd "$1" && pwd)"
name="npm-$(basename "$dir")"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/citc-ci"
target="$cache/$name"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "no node and npm (Debian: apt-get install -y npm)" >&2
  exit 3
fi
mkdir -p "$cache"
exec 9>"$cache/$name.lock"
flock 9
if ! cmp -s "$dir/package-lock.json" "$target/package-lock.json" 2>/dev/null ||
  [ ! -d "$target/node_modules" ]; then
  rm -rf "$target"
  mkdir -p "$target"
  cp "$dir/package.json" "$dir/package-lock.json" "$target/"
  if ! (cd "$target" && npm ci --no-audit --no-fund --loglevel=error >&2); then
    rm -rf "$target"
    echo "could not install the packages of $dir/package-lock.json from npm" >&2
    exit 3
  fi
fi
echo "$target/node_modules"
