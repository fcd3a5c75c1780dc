#!/usr/bin/env bash
# check-package.sh: `cargo package` makes the crate's tarball (the files
# Cargo.toml's `include` lists), and the tarball, unpacked outside this
# checkout (no git, no ../shared beside it), builds and passes its tests:
# those that need ../shared or a git checkout say so and skip, as they do
# in any clone; the byte-exact golden tests run on the release data the
# tarball carries (tests/golden/releases). The tarball's build has a target
# folder of its own, kept between runs (target/package-check), so that
# only the first run builds the dependencies. .ci/run runs this.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# --allow-dirty: a local run checks the work tree as it is; CI's is clean.
cargo package --locked --no-verify --allow-dirty --quiet
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
crate="$root/target/package/citc-$version.crate"
ls -l "$crate"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$crate" -C "$work"
cd "$work/citc-$version"
# Outside CI's rules: CI=true would make the tests that need ../shared fail
# instead of skipping, and the tarball is meant to be tested as a clone is.
status=0
env -u CI CARGO_TARGET_DIR="$root/target/package-check" \
  cargo test --locked >"$work/test.log" 2>&1 || status=$?
grep -E '^test result|^skipping' "$work/test.log" | sort | uniq -c || true
if [ "$status" -ne 0 ]; then
  echo "check-package.sh: the tarball's tests failed (exit $status); the log:" >&2
  grep -E 'FAILED|panicked|^error' "$work/test.log" >&2 || tail -60 "$work/test.log" >&2
  exit 1
fi
echo "check-package.sh: citc-$version.crate builds and its tests pass"
