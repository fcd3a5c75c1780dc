# add-version-label.awk: set metadata.labels[KEY]=VALUE in every document of
# a `kustomize build` output stream, the way upstream's release step
#
#   yq -i '.metadata.labels.["KEY"]=env(VALUE_VAR)' bundle.yaml
#
# (mikefarah yq v4) leaves the file.
#
# Usage: awk -v key=KEY -v value=VALUE -f add-version-label.awk IN > OUT
#
# Why awk and not yq: upstream's scripts/generate.sh uses mikefarah yq, which
# is often not installed (and the `yq` on many PATHs is the Python jq wrapper
# of the same name, which re-renders the whole YAML and so changes bytes).
# generate.sh uses real mikefarah yq when `yq --version` names mikefarah and
# this script otherwise. It relies on the shape of kustomize's output, which
# it never rewrites: block-style YAML, `metadata:` at column 0, its keys at
# column 2 (sorted, so `labels:` comes before `name:`), label entries at
# column 4. On that input yq's edit is purely additive:
#   - the labels map exists: KEY is appended as its LAST entry (or, when KEY
#     is already there, its value is replaced in place);
#   - metadata has no labels map: `  labels:` and the entry are appended at
#     the END of the metadata map (after `name:`), where yq creates new keys;
#   - a document without metadata gets `metadata:` appended at its end.
# VALUE is written as a plain scalar, as env() does for a value such as
# v1.7.0 or acme-1.0 (env() parses the variable as YAML and writes it back
# plain); values with characters that YAML might read otherwise (spaces,
# `:`, `#`, quotes, ...) are refused rather than guessed at.
# tests/downstream.rs checks this against upstream's v1.7.0 release and an
# inline sample.

function indent(s) { return match(s, /[^ ]/) - 1 }

function entry() { return "    " key ": " value }

function end_document() {
    if (in_labels && !done) { print entry(); done = 1 }
    if (in_meta && !done) { print "  labels:"; print entry(); done = 1 }
    if (has_content && !saw_meta && !done) {
        print "metadata:"; print "  labels:"; print entry(); done = 1
    }
    in_meta = 0; in_labels = 0; saw_meta = 0; done = 0; has_content = 0
}

BEGIN {
    if (key == "" || value == "") {
        print "add-version-label.awk: set -v key=... and -v value=..." > "/dev/stderr"
        failed = 1; exit 2
    }
    if (key !~ /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/ || value !~ /^[A-Za-z0-9][A-Za-z0-9._+-]*$/) {
        print "add-version-label.awk: refusing a key or value that is not a plain YAML string: " key "=" value > "/dev/stderr"
        failed = 1; exit 2
    }
}

/^---/ { end_document(); print; next }

/^[ ]*$/ { print; next }

{
    has_content = 1
    n = indent($0)
    if (n == 0) {
        # a top-level key ends the metadata map
        if (in_labels && !done) { print entry(); done = 1 }
        if (in_meta && !done) { print "  labels:"; print entry(); done = 1 }
        in_meta = 0; in_labels = 0
        if ($0 == "metadata:") { in_meta = 1; saw_meta = 1 }
        print; next
    }
    if (in_meta && n == 2) {
        # a key of metadata ends the labels map
        if (in_labels && !done) { print entry(); done = 1 }
        in_labels = 0
        if ($0 == "  labels:") { in_labels = 1 }
        else if ($0 == "  labels: {}") { print "  labels:"; print entry(); done = 1; next }
        print; next
    }
    if (in_labels && n == 4 && !done) {
        k = substr($0, 5)
        if (substr(k, 1, length(key) + 1) == key ":") { print entry(); done = 1; next }
    }
    print
}

END { if (!failed) end_document() }
