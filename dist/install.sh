#!/usr/bin/env bash
# Installs a citc release binary: downloads the archive for this machine
# and the release's SHA256SUMS, checks the archive's checksum, unpacks the
# binary and checks that it runs and is the version asked for. Used by the
# GitHub action (action.yml) and by hand:
#
#   curl -fsSLO https://github.com/kubevirt/citc/raw/v0.2.0/dist/install.sh
#   CITC_VERSION=v0.2.0 bash install.sh        # → ~/.local/bin/citc
#
# Settings (environment):
#   CITC_VERSION      the release tag, e.g. v0.2.0 (required)
#   CITC_RELEASE_URL  where releases are [default: the repository's
#                     releases/download]; an https URL, or http on the
#                     loopback address (a test's or a mirror's server)
#   CITC_INSTALL_DIR  the folder the binary goes into [default: ~/.local/bin]
#   CITC_TARGET       the archive's target triple [default: this machine's]
# On GitHub Actions the folder is added to GITHUB_PATH. A folder that
# already holds the release's binary, as the install left it, is used as it
# is (the action caches it); its checksum is checked again.
#
# Exit status: 0 installed; 1 a download, a checksum or the binary failed;
# 2 a setting is missing or invalid.
set -euo pipefail

repository="https://github.com/kubevirt/citc"
version="${CITC_VERSION:-}"
base="${CITC_RELEASE_URL:-$repository/releases/download}"
dir="${CITC_INSTALL_DIR:-$HOME/.local/bin}"

fail() { echo "citc install: $2" >&2; exit "$1"; }

case "$version" in
  v[0-9]*.[0-9]*.[0-9]*) ;;
  "") fail 2 "CITC_VERSION is not set: give the release to install, e.g. CITC_VERSION=v0.2.0" ;;
  *) fail 2 "CITC_VERSION=$version is not a release tag like v0.2.0" ;;
esac
case "$base" in
  https://*) ;;
  http://127.0.0.1[:/]* | http://localhost[:/]* | http://\[::1\][:/]*) ;;
  *) fail 2 "CITC_RELEASE_URL=$base: only https, or http on this machine's loopback address" ;;
esac

target="${CITC_TARGET:-}"
if [ -z "$target" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) target=x86_64-unknown-linux-gnu ;;
    Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-gnu ;;
    Darwin-x86_64) target=x86_64-apple-darwin ;;
    Darwin-arm64) target=aarch64-apple-darwin ;;
    MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) target=x86_64-pc-windows-msvc ;;
    *) fail 2 "no citc release for $(uname -s) $(uname -m): build it with cargo install --locked --git $repository citc" ;;
  esac
fi
case "$target" in
  *-windows-*) archive="citc-$version-$target.zip" exe=citc.exe ;;
  *) archive="citc-$version-$target.tar.gz" exe=citc ;;
esac

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# The binary runs and says it is the release asked for.
runs() {
  local said
  said="$("$dir/$exe" --version 2>/dev/null)" || return 1
  case "$said" in "citc ${version#v} "* | "citc ${version#v}") return 0 ;; esac
  return 1
}

if [ -f "$dir/$exe" ] && [ -f "$dir/$exe.sha256" ] &&
  [ "$(sha256 "$dir/$exe")" = "$(cat "$dir/$exe.sha256")" ] && runs; then
  echo "citc $version is installed in $dir (cached)"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  fetch() {
    curl --fail --silent --show-error --location --retry 3 --connect-timeout 20 \
      --output "$work/$1" "$base/$version/$1" ||
      fail 1 "cannot download $base/$version/$1"
  }
  fetch SHA256SUMS
  fetch "$archive"
  expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$work/SHA256SUMS")"
  [ -n "$expected" ] || fail 1 "SHA256SUMS of $version does not list $archive"
  actual="$(sha256 "$work/$archive")"
  [ "$actual" = "$expected" ] ||
    fail 1 "$archive does not match its checksum (expected $expected, got $actual): not installed"
  mkdir -p "$work/unpacked"
  case "$archive" in
    *.zip) (cd "$work/unpacked" && { unzip -q "../$archive" 2>/dev/null || tar -xf "../$archive"; }) ;;
    *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
  esac
  binary="$work/unpacked/${archive%.tar.gz}"
  binary="${binary%.zip}/$exe"
  [ -f "$binary" ] || fail 1 "$archive has no ${archive%.*}/$exe"
  mkdir -p "$dir"
  # Replaced whole: a copy beside it, then a rename.
  cp "$binary" "$dir/.$exe.new"
  chmod 755 "$dir/.$exe.new"
  mv -f "$dir/.$exe.new" "$dir/$exe"
  sha256 "$dir/$exe" >"$dir/$exe.sha256"
  runs || fail 1 "the installed $dir/$exe does not run as citc ${version#v}: $("$dir/$exe" --version 2>&1 || true)"
  echo "citc $version installed in $dir"
fi
"$dir/$exe" --version
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$dir" >>"$GITHUB_PATH"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "path=$dir" >>"$GITHUB_OUTPUT"
fi
