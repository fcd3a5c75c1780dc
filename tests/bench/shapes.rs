//! Pathological shapes (issue 9): inputs an author can write that once made
//! resolution quadratic or recursive without bound. Each is analysed (load,
//! resolve, check) in a child process, for its own peak memory; the table
//! shows that time grows with the size of the input, not with its square.

use std::path::Path;
use std::time::Instant;

use citc::resolve::Root;

/// A chain of `n` mixins, each using the next.
fn mixin_chain(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n - 1 {
        out.push_str(&format!("mixin m{i} {{ use m{} }}\n", i + 1));
    }
    out.push_str(&format!(
        "mixin m{} {{ spec.devices.preferredDiskBus = \"virtio\" }}\npreference p {{ use m0 }}\n",
        n - 1
    ));
    out
}

/// `n` preferences, each the parent of the next, defined child first (so
/// that resolution walks the whole chain from its end).
fn inheritance_chain(n: usize) -> String {
    let mut out = String::new();
    for i in (1..n).rev() {
        out.push_str(&format!("preference p{i} : p{} {{ }}\n", i - 1));
    }
    out.push_str("preference p0 { spec.devices.preferredDiskBus = \"virtio\" }\n");
    out
}

/// `n` files that each import all the others; returns the first.
fn import_mesh(n: usize, dir: &Path) -> std::path::PathBuf {
    for i in 0..n {
        let mut text = String::new();
        for j in (0..n).filter(|&j| j != i) {
            text.push_str(&format!("import \"f{j}.cit\"\n"));
        }
        text.push_str(&format!(
            "preference p{i} {{ spec.devices.preferredDiskBus = \"virtio\" }}\n"
        ));
        std::fs::write(dir.join(format!("f{i}.cit")), text).expect("write");
    }
    dir.join("f0.cit")
}

/// A catalog of about `bytes` bytes of small preferences.
fn large(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 200);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&format!("preference big{i} {{\n  spec.devices.preferredDiskBus = \"virtio\"\n  spec.devices.preferredInterfaceModel = \"virtio\"\n}}\n"));
        i += 1;
    }
    out
}

pub const SHAPES: &[&str] = &[
    "mixins-1000",
    "mixins-10000",
    "mixins-20000",
    "parents-1000",
    "parents-10000",
    "imports-50",
    "imports-250",
    "large-3MB",
    "large-30MB",
];

/// Child mode: analyse one shape; print input bytes, ms, diagnostics, peak MiB.
pub fn measure(shape: &str, peak_rss_mib: fn() -> f64) {
    let (kind, size) = shape.split_once('-').expect("shape-size");
    let size: usize = size.trim_end_matches("MB").parse().expect("size");
    let dir = tempfile::tempdir().expect("temp dir");
    let (bytes, root_path, text) = match kind {
        "mixins" => (0, None, mixin_chain(size)),
        "parents" => (0, None, inheritance_chain(size)),
        "imports" => (0, Some(import_mesh(size, dir.path())), String::new()),
        _ => (0, None, large(size << 20)),
    };
    let bytes = match &root_path {
        Some(_) => std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").metadata().expect("meta").len() as usize)
            .sum(),
        None => bytes + text.len(),
    };
    let start = Instant::now();
    let analysis = match &root_path {
        Some(path) => citc::analyze(Root::Path(path)),
        None => citc::analyze(Root::Text {
            name: "shape.cit",
            text: &text,
            dir: dir.path(),
        }),
    };
    let elapsed = start.elapsed();
    println!(
        "{bytes} {:.1} {} {} {:.1}",
        elapsed.as_secs_f64() * 1000.0,
        analysis.catalog.resources.len(),
        analysis.diagnostics.len(),
        peak_rss_mib()
    );
}
