//! Which definition a name means (LANGUAGE.md, "Names and which definition
//! wins"): a catalog's own mixin, table or constant may share its name with
//! one of std or of an imported catalog and keeps compiling; the nearer
//! definition wins, `module::name` reaches the other, and what cannot be
//! settled is an error at the use.

mod common;

use common::stderr;

use std::path::Path;
use std::process::{Command, Output};

fn citc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run citc")
}

/// `citc show NAME FIELD_PATH` of `catalog` in `dir`: the field's YAML.
fn field(dir: &Path, catalog: &str, name: &str, path: &str) -> String {
    let out = citc(&["show", name, path, "--catalog", catalog], dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An "imported catalog" defining names that the root and std also define.
const LIB: &str = r#"import "std/kubevirt"
import "std/components"

let headroom = 1Gi

mixin rng {
  spec.devices.preferredRng = {}
  spec.devices.preferredDiskBus = "sata"
}

table tiny_sizes (size, cpu, memory) {
  small  1  1Gi
}

// Written here, `rng` is this file's and `efi` std's.
preference lib.p {
  use rng, efi
}
"#;

const ROOT: &str = r#"import "std/kubevirt"
import "std/components"
import "lib.cit"

let headroom = 2Gi

// Named like std's `rng` and lib's `rng`: this file's wins here.
mixin rng {
  spec.devices.preferredRng = {}
  spec.devices.preferredDiskBus = "scsi"
}

// Named like std's `efi`.
mixin efi {
  spec.firmware.preferredEfi { persistent = true  secureBoot = false }
}

table tiny_sizes (size, cpu, memory) {
  small  2  2Gi
}

preference own {
  use rng, efi
  spec.requirements.memory.guest = headroom
}

preference reached {
  use lib::rng, components::efi
  spec.requirements.memory.guest = lib::headroom
}

series mine {
  use sized
  sizes tiny_sizes
}

series theirs {
  use sized
  sizes lib::tiny_sizes
}
"#;

#[test]
fn the_nearer_definition_wins_and_module_names_reach_the_other() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("lib.cit"), LIB).expect("write");
    std::fs::write(dir.path().join("catalog.cit"), ROOT).expect("write");
    let out = citc(&["check", "catalog.cit", "--deny", "warnings"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let show = |name: &str, path: &str| field(dir.path(), "catalog.cit", name, path);
    // The root's own definitions.
    assert!(show("own", "spec.devices.preferredDiskBus").contains("scsi"));
    assert!(show("own", "spec.firmware.preferredEfi.persistent").contains("true"));
    assert!(show("own", "spec.requirements.memory.guest").contains("2Gi"));
    assert!(show("mine.small", "spec.cpu.guest").contains('2'));
    // `module::name`: the imported catalog's and std's.
    assert!(show("reached", "spec.devices.preferredDiskBus").contains("sata"));
    let efi = show("reached", "spec.firmware.preferredEfi");
    assert!(
        efi.contains("secureBoot: false") && !efi.contains("persistent"),
        "{efi}"
    );
    assert!(show("reached", "spec.requirements.memory.guest").contains("1Gi"));
    assert!(show("theirs.small", "spec.cpu.guest").contains('1'));
    // Inside the imported catalog, its own `rng` and std's `efi`.
    assert!(show("lib.p", "spec.devices.preferredDiskBus").contains("sata"));
    let efi = show("lib.p", "spec.firmware.preferredEfi");
    assert!(!efi.contains("persistent"), "{efi}");
}

#[test]
fn std_mixins_keep_their_own_names_when_a_catalog_hides_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    // std's `architecture` is written in std/components beside its own
    // `preferred-architecture`; the catalog's mixin of that name must not
    // leak into it.
    std::fs::write(
        dir.path().join("catalog.cit"),
        r#"import "std/kubevirt"
import "std/components"

mixin preferred-architecture {
  spec.preferredArchitecture = "amd64"
}

table arches (arch) {
  arm64
}

preference "p.${arch}" for arches {
  use architecture
}

preference q {
  use preferred-architecture
}
"#,
    )
    .expect("write");
    let show = |name: &str, path: &str| field(dir.path(), "catalog.cit", name, path);
    assert!(show("p.arm64", "spec.preferredArchitecture").contains("arm64"));
    assert!(show("q", "spec.preferredArchitecture").contains("amd64"));
}

#[test]
fn what_cannot_be_settled_is_an_error_at_the_use() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a.cit"),
        "let size = 1Gi\nmixin m { spec.devices.preferredRng = {} }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("b.cit"),
        "let size = 2Gi\nmixin m { spec.devices.preferredRng = {} }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("catalog.cit"),
        r#"import "std/kubevirt"
import "a.cit"
import "b.cit"

preference p {
  use m
  spec.requirements.memory.guest = size
}

preference q {
  use nowhere::m
}

preference r {
  use a::m
  spec.requirements.memory.guest = b::size
}
"#,
    )
    .expect("write");
    let out = citc(
        &["check", "catalog.cit", "--message-format", "short"],
        dir.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // Two files at the same distance: ambiguous, at the use, naming both.
    assert!(
        err.contains(
            "catalog.cit:6:7: error[E0108]: the mixin `m` is defined by several imported files"
        ),
        "{err}"
    );
    assert!(
        err.contains("catalog.cit:7:36: error[E0108]: the constant `size` is defined by several imported files"),
        "{err}"
    );
    let human = stderr(&citc(&["check", "catalog.cit"], dir.path()));
    assert!(human.contains("`a::m` or `b::m`"), "{human}");
    // A module the file does not import.
    assert!(
        err.contains("catalog.cit:11:7: error[E0102]: this file imports no module `nowhere`"),
        "{err}"
    );
    // `r` is settled: no error on its lines.
    assert!(!err.contains("catalog.cit:15:"), "{err}");
    assert!(!err.contains("catalog.cit:16:"), "{err}");
    assert_eq!(err.matches("error[").count(), 3, "{err}");

    // Two definitions in one file stay a duplicate.
    std::fs::write(
        dir.path().join("dup.cit"),
        "import \"std/kubevirt\"\nmixin m { spec.devices.preferredRng = {} }\nmixin m { spec.devices.preferredRng = {} }\npreference p { use m }\n",
    )
    .expect("write");
    let out = citc(
        &["check", "dup.cit", "--message-format", "short"],
        dir.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("dup.cit:3:7: error[E0108]: the mixin `m` is defined twice"),
        "{err}"
    );
}

#[test]
fn a_local_let_may_hide_a_constant_of_another_file_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("lib.cit"), "let extra = 1Gi\n").expect("write");
    std::fs::write(
        dir.path().join("catalog.cit"),
        r#"import "std/kubevirt"
import "lib.cit"

let own = 1Gi

preference p {
  let extra = 4Gi
  spec.requirements.memory.guest = extra
}
"#,
    )
    .expect("write");
    assert!(field(
        dir.path(),
        "catalog.cit",
        "p",
        "spec.requirements.memory.guest"
    )
    .contains("4Gi"));

    std::fs::write(
        dir.path().join("same.cit"),
        "import \"std/kubevirt\"\nlet own = 1Gi\npreference p {\n  let own = 4Gi\n  spec.requirements.memory.guest = own\n}\n",
    )
    .expect("write");
    let out = citc(
        &["check", "same.cit", "--message-format", "short"],
        dir.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("same.cit:4:7: error[E0127]"), "{err}");
}
