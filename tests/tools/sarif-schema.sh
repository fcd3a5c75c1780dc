#!/usr/bin/env bash
# sarif-schema.sh: prints the path of the SARIF 2.1.0 JSON schema (the
# final, rtm.5, schema that OASIS published as sarif-schema-2.1.0.json),
# taken once per machine from the npm package that ships it,
# @microsoft/jest-sarif (pinned, checked against the sha256 below), into
# ~/.cache/citc-ci/sarif-schema/.
# Exit status: 0 ready; 3 it cannot be had here (no npm, no registry), with
# the reason on stderr.
set -euo pipefail

package="@microsoft/jest-sarif@1.0.0-beta.0"
member="package/lib/schemas/sarif-2.1.0-rtm.5.json"
sha256="2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/citc-ci/sarif-schema"
schema="$dir/sarif-2.1.0-rtm.5.json"

if [ -f "$schema" ] && echo "$sha256  $schema" | sha256sum --check --status; then
  echo "$schema"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "no npm to fetch $package, which carries the SARIF schema" >&2
  exit 3
fi
mkdir -p "$dir"
exec 9>"$dir.lock"
flock 9
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && npm pack --silent "$package" >/dev/null 2>&1); then
  echo "could not fetch $package from the npm registry" >&2
  exit 3
fi
tar -xzf "$work"/*.tgz -C "$work" "$member"
if ! echo "$sha256  $work/$member" | sha256sum --check --status; then
  echo "$package's schema does not have the pinned sha256 $sha256" >&2
  exit 1
fi
mv "$work/$member" "$schema"
echo "$schema"
