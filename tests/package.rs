//! What a release is made of: the licence, the crate's metadata (the
//! rust-version the dependency graph needs, the files `cargo package`
//! ships), the profiles, and the glibc check of the Linux binaries
//! (dist/check-glibc.sh). The tarball itself is built and tested by
//! dist/check-package.sh (run by .ci/run); the x86_64 binary against
//! glibc 2.17 by dist/build-linux.sh.

mod common;

use common::project;

use std::process::Command;

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(project());
    command
}

#[test]
fn the_licence_is_apache_2_0_in_full() {
    let licence = std::fs::read_to_string(project().join("LICENSE")).expect("LICENSE");
    assert!(
        licence.contains("Apache License\n                           Version 2.0, January 2004")
    );
    assert!(licence.contains("END OF TERMS AND CONDITIONS"));
    assert!(licence.contains("Copyright 2026 The citc Authors"));
    assert_eq!(env!("CARGO_PKG_LICENSE"), "Apache-2.0");
    // The same text as upstream's, whose data the tests carry, but for the
    // copyright line of the appendix.
    let upstream = std::fs::read_to_string(project().join("tests/golden/releases/LICENSE"))
        .expect("upstream's LICENSE");
    let differing: Vec<(&str, &str)> = licence
        .lines()
        .zip(upstream.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        differing,
        [(
            "   Copyright 2026 The citc Authors",
            "   Copyright 2017 The KubeVirt Authors"
        )]
    );
    assert_eq!(licence.lines().count(), upstream.lines().count());
}

/// Parses `1.90` / `1.88.0` for comparison.
fn rust_version(text: &str) -> (u32, u32, u32) {
    let mut parts = text.split('.').map(|p| p.parse::<u32>().expect("a number"));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[test]
fn rust_version_is_the_highest_the_dependency_graph_needs() {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .output()
        .expect("cargo metadata");
    if !out.status.success() {
        // Offline without a complete registry cache: the same, online.
        let online = cargo()
            .args(["metadata", "--format-version", "1", "--locked"])
            .output()
            .expect("cargo metadata");
        assert!(
            online.status.success(),
            "{}",
            String::from_utf8_lossy(&online.stderr)
        );
        return check_rust_version(&online.stdout);
    }
    check_rust_version(&out.stdout);
}

fn check_rust_version(metadata: &[u8]) {
    let metadata: serde_json::Value = serde_json::from_slice(metadata).expect("JSON");
    let ours = env!("CARGO_PKG_RUST_VERSION");
    let mut highest = ((0, 0, 0), String::new());
    for package in metadata["packages"].as_array().expect("packages") {
        if package["name"] == "citc" {
            assert_eq!(package["rust_version"], ours);
            continue;
        }
        if let Some(needed) = package["rust_version"].as_str() {
            let version = rust_version(needed);
            if version > highest.0 {
                highest = (version, format!("{} {}", package["name"], needed));
            }
        }
    }
    assert_eq!(
        rust_version(ours),
        highest.0,
        "rust-version {ours}, but the highest a dependency needs is {}",
        highest.1
    );
}

#[test]
fn the_package_ships_what_its_tests_read_and_nothing_built() {
    let out = cargo()
        .args([
            "package",
            "--list",
            "--allow-dirty",
            "--locked",
            "--offline",
        ])
        .output()
        .expect("cargo package --list");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8_lossy(&out.stdout);
    let files: Vec<&str> = list.lines().collect();
    for needed in [
        "LICENSE",
        "README.md",
        "Cargo.lock",
        "catalog.cit",
        "compiler/main.rs",
        "compiler/build.rs",
        "grammar/cit.pest",
        "stdlib/kubevirt.cit",
        "tests/golden/v1.7.0.cit",
        "tests/golden/releases/LICENSE",
        "tests/golden/releases/README.md",
        "tests/golden/releases/v1.7.0/common-instancetypes-all-bundle.yaml",
        "tests/golden/releases/main-7c1e305b/CHECKSUMS.sha256",
        "tests/ui/E0203_enum.cit",
        "editors/github/citc-gate.yml",
        "action.yml",
        "dist/install.sh",
        "tests/tools/venv.sh",
        "tests/tools/npm.sh",
        "tests/browser/package-lock.json",
        "tests/browser/page.test.mjs",
    ] {
        assert!(files.contains(&needed), "the package lacks {needed}");
    }
    for file in &files {
        assert!(
            !file.starts_with("target/") && !file.contains("node_modules/"),
            "the package ships {file}"
        );
    }
    // Every test file is shipped, so `cargo test` in the tarball runs them.
    for entry in std::fs::read_dir(project().join("tests")).expect("tests/") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".rs") {
            assert!(
                files.contains(&format!("tests/{name}").as_str()),
                "tests/{name}"
            );
        }
    }
}

#[test]
fn release_builds_are_stripped_and_profiling_keeps_line_tables() {
    let manifest: String = std::fs::read_to_string(project().join("Cargo.toml")).expect("read");
    let section = |name: &str| {
        let start = manifest
            .find(&format!("[profile.{name}]\n"))
            .unwrap_or_else(|| panic!("no [profile.{name}]"));
        let rest = &manifest[start..];
        let end = rest[1..].find("\n[").map_or(rest.len(), |e| e + 1);
        rest[..end].to_string()
    };
    assert!(section("release").contains("strip = true"));
    assert!(!section("release").contains("debug ="));
    let dist = section("dist");
    assert!(dist.contains("inherits = \"release\"") && dist.contains("lto = \"fat\""));
    let profiling = section("profiling");
    assert!(
        profiling.contains("debug = \"line-tables-only\"") && profiling.contains("strip = false")
    );
}

fn check_glibc(binary: &str, max: &str) -> (Option<i32>, String) {
    let out = Command::new("bash")
        .arg(project().join("dist/check-glibc.sh"))
        .args([binary, max])
        .output()
        .expect("bash");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[test]
fn check_glibc_finds_the_highest_glibc_symbol() {
    if Command::new("objdump").arg("--version").output().is_err() {
        eprintln!("skipping: no objdump (binutils) on PATH");
        return;
    }
    let binary = env!("CARGO_BIN_EXE_citc");
    // The highest version, found independently of the script.
    let symbols = Command::new("objdump")
        .args(["-T", binary])
        .output()
        .expect("objdump");
    let symbols = String::from_utf8_lossy(&symbols.stdout);
    let highest = symbols
        .split("GLIBC_")
        .skip(1)
        .filter_map(|rest| {
            let version: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let version = version.trim_end_matches('.').to_string();
            (!version.is_empty()).then_some(version)
        })
        .max_by_key(|v| rust_version(v))
        .expect("a GLIBC symbol");
    let (code, text) = check_glibc(binary, &highest);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(&format!("needs glibc {highest} ")), "{text}");
    // One minor version lower is refused, naming the symbols.
    let (major, minor, _) = rust_version(&highest);
    if minor > 0 {
        let (code, text) = check_glibc(binary, &format!("{major}.{}", minor - 1));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains(&format!("GLIBC_{highest}")), "{text}");
    }
    let (code, _) = check_glibc("/nonexistent", "2.17");
    assert_eq!(code, Some(2));
    // The release binary that dist/build-linux.sh made, when it was made.
    let zig = project().join("target/x86_64-unknown-linux-gnu/dist/citc");
    if zig.is_file() {
        let (code, text) = check_glibc(zig.to_str().unwrap(), "2.17");
        assert_eq!(code, Some(0), "{text}");
    } else {
        eprintln!("skipping the glibc 2.17 binary: dist/build-linux.sh has not built it here");
    }
}
