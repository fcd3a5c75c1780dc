#!/usr/bin/env bash
# The gate steps of a catalog repository, as the action (action.yml) runs
# them: `bash gate.sh STEP…` with STEP among fmt, check, build, readme,
# diff, run in the order given, each in a log group; the first that fails
# stops the gate with its exit code (1: the catalog fails that step; 2:
# citc could not run it). Each step's commands are, word for word, those of
# the step of the same name in editors/github/citc-gate.yml
# (tests/action.rs compares them). CITC_CATALOG names the catalog
# [default: catalog.cit].
set -eo pipefail

catalog="${CITC_CATALOG:-catalog.cit}"

step_fmt() {
  citc fmt --check "$catalog"
}

step_check() {
  citc check "$catalog" --deny warnings --message-format github
}

step_build() {
  if [ -z "$(git ls-files _build)" ]; then
    citc build "$catalog" -o _build
  elif last=$(git describe --tags --abbrev=0 --match 'v*.*.*' 2>/dev/null); then
    citc build "$catalog" --check -o _build --version "$last"
  else
    citc build "$catalog" --check -o _build
  fi
}

step_readme() {
  citc doc readme --catalog "$catalog" --check README.md
}

step_diff() {
  if ! last=$(git describe --tags --abbrev=0 --match 'v*.*.*' 2>/dev/null); then
    echo "::notice title=citc diff::no release tag (v*.*.*) yet: nothing to compare with, the breaking-change check is skipped"
    return 0
  fi
  citc diff "$last" --catalog "$catalog" --fail-on breaking --format markdown | tee -a "${GITHUB_STEP_SUMMARY:-/dev/null}"
}

for step in "$@"; do
  case "$step" in
    fmt | check | build | readme | diff) ;;
    *)
      echo "::error title=citc gate::unknown step '$step': the steps are fmt, check, build, readme, diff" >&2
      exit 2
      ;;
  esac
done
for step in "$@"; do
  echo "::group::citc gate: $step"
  status=0
  "step_$step" || status=$?
  echo "::endgroup::"
  if [ "$status" -ne 0 ]; then
    echo "::error title=citc gate::step $step failed with exit code $status"
    exit "$status"
  fi
done
