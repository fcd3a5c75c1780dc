#!/usr/bin/env bash
# The entry of the pre-commit hooks (.pre-commit-hooks.yaml):
# `pre-commit.sh COMMAND ARGS…` runs `citc COMMAND ARGS…` with the citc
# release of the hook repository's version (its Cargo.toml, so the `rev:`
# a catalog repository pins is the citc it gets): the `citc` on PATH when
# it is that version (installed by the action, say), else the release
# binary, downloaded once with its checksum verified (dist/install.sh) into
# ${XDG_CACHE_HOME:-~/.cache}/citc/bin/VERSION. No Rust toolchain, no build.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version="v$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -1)"
if command -v citc >/dev/null 2>&1; then
  case "$(citc --version 2>/dev/null)" in
    "citc ${version#v} "* | "citc ${version#v}") exec citc "$@" ;;
  esac
fi
dir="${XDG_CACHE_HOME:-$HOME/.cache}/citc/bin/$version"
if ! CITC_VERSION="$version" CITC_INSTALL_DIR="$dir" GITHUB_PATH="" GITHUB_OUTPUT="" \
  bash "$root/dist/install.sh" >&2; then
  echo "citc pre-commit hook: cannot install citc $version; install it on PATH (see the README's Install)" >&2
  exit 2
fi
exec "$dir/citc" "$@"
