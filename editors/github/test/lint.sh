#!/usr/bin/env bash
# The workflows of editors/github/ and citc's own (.github/workflows/)
# against GitHub's workflow schema (check-jsonschema's built-in
# vendor.github-workflows), citc's action (action.yml) against GitHub's
# action schema (vendor.github-actions), and all of them through zizmor's
# audits (offline: pinned actions, permissions, persisted credentials,
# template injection, ...). Their shell steps run in tests/gate.rs,
# tests/release_workflow.rs and tests/action.rs.
#
# The tools are pinned in requirements.txt and installed once per machine in
# a venv under ~/.cache (rebuilt when requirements.txt changes). Outside CI a
# tool that cannot be installed (no python3 venv, no PyPI) skips the check
# with the reason; with CI=true it fails.
# Run from anywhere: bash editors/github/test/lint.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
workflows=("$here"/../*.yml "$root"/.github/workflows/*.yml)
actions=("$root/action.yml")
requirements="$here/requirements.txt"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/citc-ci/workflow-tools"

skip() {
  if [ "${CI:-}" = "true" ]; then
    echo "workflows: cannot lint the workflows, and CI=true requires it: $1" >&2
    exit 1
  fi
  echo "workflows: SKIPPED schema and zizmor checks: $1"
  exit 0
}

if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  skip "no python3 with venv and ensurepip (Debian: apt-get install -y python3-venv)"
fi
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! { python3 -m venv "$venv" &&
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"; }; then
    rm -rf "$venv"
    skip "could not install $(grep -v '^#' "$requirements" | tr '\n' ' ')from PyPI"
  fi
  cp "$requirements" "$venv/requirements.txt"
fi

status=0
echo "== workflows: GitHub's workflow schema (check-jsonschema)"
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}" || status=1
echo "== action: GitHub's action schema (check-jsonschema)"
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-actions "${actions[@]}" || status=1
echo "== workflows and action: zizmor --offline"
"$venv/bin/zizmor" --offline --no-progress "${workflows[@]}" "${actions[@]}" || status=1
if [ "$status" -ne 0 ]; then
  echo "workflows: FAILED (see above)" >&2
fi
exit "$status"
