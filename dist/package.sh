#!/usr/bin/env bash
# package.sh BINARY TARGET VERSION OUTDIR: the release archive of one
# target, as the release workflow (.github/workflows/release.yml) and
# dist/build-linux.sh make them, and as dist/install.sh and the action
# unpack them:
#
#   OUTDIR/citc-VERSION-TARGET.tar.gz   (.zip for Windows), holding
#     citc-VERSION-TARGET/citc          (citc.exe for Windows)
#     citc-VERSION-TARGET/LICENSE, README.md
#     citc-VERSION-TARGET/completions/  bash, zsh, fish, PowerShell, elvish
#     citc-VERSION-TARGET/man/          citc.1 and citc-COMMAND.1
#
# The completions and pages are made by running a citc binary:
# CITC_DOCS_BINARY when the target's binary cannot run here (a cross
# build), else BINARY itself. SHA256SUMS is written by the caller over all
# the archives (`sha256sum citc-* > SHA256SUMS`). Files are stored with a
# fixed date and owner, so the same binary gives the same archive.
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: package.sh BINARY TARGET VERSION OUTDIR" >&2
  exit 2
fi
binary="$1" target="$2" version="$3" outdir="$4"
root="$(cd "$(dirname "$0")/.." && pwd)"
docs="${CITC_DOCS_BINARY:-$binary}"
name="citc-$version-$target"

case "$target" in *-windows-*) exe=citc.exe ;; *) exe=citc ;; esac
[ -f "$binary" ] || { echo "package.sh: no binary at $binary" >&2; exit 2; }

mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/completions" "$dir/man"
cp "$binary" "$dir/$exe"
chmod 755 "$dir/$exe"
cp "$root/LICENSE" "$root/README.md" "$dir/"
"$docs" completions bash >"$dir/completions/citc.bash"
"$docs" completions zsh >"$dir/completions/_citc"
"$docs" completions fish >"$dir/completions/citc.fish"
"$docs" completions powershell >"$dir/completions/_citc.ps1"
"$docs" completions elvish >"$dir/completions/citc.elv"
"$docs" man --output "$dir/man"

# A fixed date: the commit's (SOURCE_DATE_EPOCH), else 2000-01-01.
epoch="${SOURCE_DATE_EPOCH:-946684800}"
find "$dir" -exec touch -h -d "@$epoch" {} +
case "$target" in
  *-windows-*)
    archive="$outdir/$name.zip"
    rm -f "$archive"
    if command -v zip >/dev/null 2>&1; then
      (cd "$stage" && find "$name" -print | LC_ALL=C sort | zip -q -X "$archive" -@)
    elif command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bd "$archive" "$name" >/dev/null)
    else
      powershell -NoProfile -Command "Compress-Archive -Path '$stage/$name' -DestinationPath '$archive'"
    fi
    ;;
  *)
    archive="$outdir/$name.tar.gz"
    if tar --version 2>/dev/null | grep -q 'GNU tar'; then
      (cd "$stage" && find "$name" -print0 | LC_ALL=C sort -z |
        tar --null --no-recursion -T - --owner=0 --group=0 --numeric-owner -cf -) | gzip -n >"$archive"
    else # bsdtar (macOS)
      (cd "$stage" && tar --uid 0 --gid 0 --numeric-owner -cf - "$name") | gzip -n >"$archive"
    fi
    ;;
esac
echo "$archive"
