#!/usr/bin/env bash
# check-glibc.sh BINARY MAX: the highest GLIBC_x.y symbol version BINARY
# needs (from objdump's dynamic symbol table), printed; exit 1 when it is
# above MAX (e.g. 2.17: CentOS 7, RHEL 7, UBI 7 and every later system
# run it), 2 on a usage error or when objdump cannot read the binary.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: check-glibc.sh BINARY MAX" >&2
  exit 2
fi
binary="$1" max="$2"
if ! symbols="$(objdump -T "$binary" 2>&1)"; then
  echo "check-glibc.sh: objdump cannot read $binary: $symbols" >&2
  exit 2
fi
highest="$(grep -o 'GLIBC_[0-9][0-9.]*' <<<"$symbols" | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n -u | tail -1)"
if [ -z "$highest" ]; then
  echo "$binary: needs no versioned glibc symbol (static, or not linked with glibc)"
  exit 0
fi
echo "$binary: needs glibc $highest (highest GLIBC_ symbol version); allowed up to $max"
newest="$(printf '%s\n%s\n' "$highest" "$max" | sort -t. -k1,1n -k2,2n -k3,3n | tail -1)"
if [ "$newest" != "$max" ]; then
  echo "check-glibc.sh: $binary needs glibc $highest, above $max" >&2
  objdump -T "$binary" | grep "GLIBC_$highest" >&2 || true
  exit 1
fi
