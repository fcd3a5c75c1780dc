//! Any bytes through `citc diff`'s YAML reader (`diff::read::parse_bundle`,
//! with its limits on size, nesting, values and aliases), then the
//! comparison and every renderer. It must never panic, overflow the stack,
//! hang or blow up memory; bad input gets an error that names the file and
//! has a help line. What is read has at least one resource, of the four
//! kinds, and compares equal to itself.
#![no_main]

use citc::diff::compare::compare;
use citc::diff::read::parse_bundle;
use citc::diff::{render, Snapshot};
use libfuzzer_sys::fuzz_target;

const KINDS: [&str; 4] = [
    "VirtualMachineClusterInstancetype",
    "VirtualMachineClusterPreference",
    "VirtualMachineInstancetype",
    "VirtualMachinePreference",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let resources = match parse_bundle(text, "fuzz.yaml") {
        Ok(resources) => resources,
        Err(err) => {
            assert!(err.message.starts_with("fuzz.yaml"), "{err}");
            assert!(err.help.is_some(), "no help: {err}");
            return;
        }
    };
    assert!(!resources.is_empty());
    for resource in &resources {
        assert!(KINDS.contains(&resource.kind.as_str()), "{}", resource.kind);
        assert!(!resource.name.is_empty());
    }
    let snapshot = Snapshot::new("fuzz", resources);
    let same = compare(&snapshot, &snapshot);
    assert!(!same.summary().any(), "a snapshot differs from itself");
    let empty = Snapshot::new("empty", Vec::new());
    for report in [compare(&empty, &snapshot), compare(&snapshot, &empty)] {
        let _ = render::text(&report, true);
        let _ = render::unified(&report, false);
        let _ = render::json(&report);
        let _ = render::markdown(&report, render::MarkdownOptions::default());
    }
});
