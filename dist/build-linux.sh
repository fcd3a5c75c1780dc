#!/usr/bin/env bash
# build-linux.sh [TARGET] [OUTDIR]: the Linux release binary of TARGET
# (default x86_64-unknown-linux-gnu) linked against glibc 2.17's symbols,
# so that it runs on CentOS/RHEL 7 and 8, UBI 8 and every later system:
# cargo-zigbuild and zig (PyPI's ziglang), pinned in dist/zig.txt and
# installed once per machine in a venv under ~/.cache/citc-ci
# (tests/tools/venv.sh). Then the highest GLIBC symbol the binary needs is
# checked with objdump (dist/check-glibc.sh), and the release archive is
# made (dist/package.sh) in OUTDIR (default target/release-archives).
#
# The `dist` profile (link-time optimisation) takes several minutes on two
# cores; CITC_PROFILE=release builds faster, for a check of the linking.
# .ci/run calls this script only with CITC_CI_ZIG=1. Exit status: 0 built
# and checked; 1 the build or the glibc check failed; 3 the toolchain
# cannot be installed here.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:-x86_64-unknown-linux-gnu}"
outdir="${2:-$root/target/release-archives}"
glibc=2.17
profile="${CITC_PROFILE:-dist}"

venv="$(bash "$root/tests/tools/venv.sh" "$root/dist/zig.txt")" || exit 3
export PATH="$venv/bin:$PATH"
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi

cd "$root"
cargo zigbuild --locked --profile "$profile" --target "$target.$glibc"
binary="$root/target/$target/$profile/citc"
bash "$root/dist/check-glibc.sh" "$binary" "$glibc"
ls -l "$binary"

version="v$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
docs=""
case "$target" in
  "$(uname -m)"-*) ;;
  *) docs="$root/target/debug/citc" # a cross build cannot run here
     [ -x "$docs" ] || cargo build --locked ;;
esac
CITC_DOCS_BINARY="${docs:-$binary}" bash "$root/dist/package.sh" "$binary" "$target" "$version" "$outdir"
