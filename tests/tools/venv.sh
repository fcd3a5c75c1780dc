#!/usr/bin/env bash
# venv.sh REQUIREMENTS: prints the path of a virtualenv with the pinned
# Python packages of REQUIREMENTS (one `name==version` a line) installed,
# made once per machine under ~/.cache/citc-ci/<REQUIREMENTS' name> and made
# anew when the file changes. Tests and scripts call it for the tools they
# check citc with (check-jsonschema, junitparser, pre-commit, ziglang and
# cargo-zigbuild).
#
# Exit status: 0 the venv is ready (its path on stdout); 3 it cannot be
# made here (no python3 with venv, or PyPI not reachable), with the reason
# on stderr: the caller skips, or fails when CI=true requires the tool.
# Concurrent callers wait for each other (flock).
set -euo pipefail

requirements="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
name="$(basename "$requirements" .txt)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/citc-ci"
venv="$cache/$name"

if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "no python3 with venv and ensurepip (Debian: apt-get install -y python3-venv)" >&2
  exit 3
fi
mkdir -p "$cache"
exec 9>"$cache/$name.lock"
flock 9
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" &&
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2; }; then
    rm -rf "$venv"
    echo "could not install $(grep -v '^#' "$requirements" | tr '\n' ' ')from PyPI" >&2
    exit 3
  fi
  cp "$requirements" "$venv/requirements.txt"
fi
echo "$venv"
