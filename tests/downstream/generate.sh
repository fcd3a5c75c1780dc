#!/bin/sh
# Regenerate the release of a common-instancetypes kustomize tree, the way
# upstream's scripts/generate.sh does, into OUT_DIR:
#
#   tests/downstream/generate.sh OUT_DIR [TREE [VERSION]]
#
# TREE defaults to the ACME overlay (tests/downstream/kustomize) and VERSION
# to acme-1.0; `generate.sh OUT ../shared/upstream/source v1.7.0` reproduces
# upstream's v1.7.0 release. Runs from any working directory; OUT_DIR and
# TREE are taken relative to the caller's.
#
# Differences from upstream's script, none of which changes a byte:
#   - `kustomize build DIR` when kustomize is on PATH, else the kustomize that
#     kubectl embeds (`kubectl kustomize DIR`);
#   - the version label is set by mikefarah yq when that is installed, else by
#     add-version-label.awk (see there for why, and what it does);
#   - the version is an argument, not `git describe --tags`;
#   - OUT_DIR's old bundles and CHECKSUMS.sha256 are replaced, not appended to.
set -eu

usage() {
    echo "usage: $0 OUT_DIR [TREE [VERSION]]" >&2
    exit 2
}
if [ $# -lt 1 ] || [ $# -gt 3 ] || [ -z "$1" ]; then
    usage
fi

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
tree=${2:-$here/kustomize}
version=${3:-acme-1.0}
label=instancetype.kubevirt.io/common-instancetypes-version

if command -v kustomize >/dev/null 2>&1; then
    build() { kustomize build "$1"; }
elif command -v kubectl >/dev/null 2>&1; then
    build() { kubectl kustomize "$1"; }
else
    echo "$0: neither kustomize nor kubectl is on PATH; install kustomize (kustomize build) or kubectl (kubectl kustomize)" >&2
    exit 1
fi

if command -v yq >/dev/null 2>&1 && yq --version 2>&1 | grep -q mikefarah; then
    set_version() {
        COMMON_INSTANCETYPES_VERSION=$version \
            yq -i ".metadata.labels.[\"$label\"]=env(COMMON_INSTANCETYPES_VERSION)" "$1"
    }
else
    set_version() {
        awk -v key="$label" -v value="$version" -f "$here/add-version-label.awk" "$1" >"$1.tmp"
        mv -- "$1.tmp" "$1"
    }
fi

tree=$(CDPATH='' cd -- "$tree" && pwd)
mkdir -p -- "$1"
cd -- "$1"
# The glob below must list the bundles in the order upstream's release did.
LC_ALL=C
export LC_ALL

rm -f -- common-*-bundle.yaml CHECKSUMS.sha256
for pair in \
    common-instancetypes-all-bundle.yaml: \
    common-instancetypes-bundle.yaml:VirtualMachineInstancetypes \
    common-clusterinstancetypes-bundle.yaml:VirtualMachineClusterInstancetypes \
    common-preferences-bundle.yaml:VirtualMachinePreferences \
    common-clusterpreferences-bundle.yaml:VirtualMachineClusterPreferences; do
    bundle=${pair%%:*}
    echo "---" >"$bundle"
    build "$tree/${pair#*:}" >>"$bundle"
done

for bundle in common-*-bundle.yaml; do
    set_version "$bundle"
    sha256sum "$bundle" >>CHECKSUMS.sha256
done
