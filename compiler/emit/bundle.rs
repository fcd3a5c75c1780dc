//! Bundles: the five release files and CHECKSUMS.sha256, built in memory,
//! then written to the output directory atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::yaml::write_document;
use crate::lower::{ApiKind, Document};

pub const ALL_BUNDLE: &str = "common-instancetypes-all-bundle.yaml";
pub const CHECKSUMS: &str = "CHECKSUMS.sha256";

/// The bundle file that holds one kind.
pub fn bundle_file(kind: ApiKind) -> &'static str {
    match kind {
        ApiKind::VirtualMachineClusterInstancetype => "common-clusterinstancetypes-bundle.yaml",
        ApiKind::VirtualMachineClusterPreference => "common-clusterpreferences-bundle.yaml",
        ApiKind::VirtualMachineInstancetype => "common-instancetypes-bundle.yaml",
        ApiKind::VirtualMachinePreference => "common-preferences-bundle.yaml",
    }
}

/// The six output files, by name, in file-name order. `documents` must be
/// sorted by kind then name (as `lower` returns them).
pub fn bundles(documents: &[Document]) -> Vec<(String, Vec<u8>)> {
    let mut all = String::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for kind in ApiKind::ALL {
        let mut text = String::new();
        for doc in documents.iter().filter(|d| d.kind == kind) {
            write_document(&mut text, &doc.yaml);
        }
        all.push_str(&text);
        files.push((bundle_file(kind).to_string(), text.into_bytes()));
    }
    files.push((ALL_BUNDLE.to_string(), all.into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut sums = String::new();
    for (name, bytes) in &files {
        sums.push_str(&hex(&Sha256::digest(bytes)));
        sums.push_str("  ");
        sums.push_str(name);
        sums.push('\n');
    }
    files.push((CHECKSUMS.to_string(), sums.into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// Writes `files` into `dir` so that `dir` is either left as it was or
/// replaced as a whole: the files go to a fresh sibling directory first,
/// which is then renamed over `dir`.
pub fn write_atomically(dir: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let staging = parent.join(format!(".{base}.citc-new-{}", std::process::id()));
    let result = write_staging(&staging, files)
        .and_then(|()| swap_into_place(&staging, dir, &parent, &base));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_staging(staging: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    if staging.exists() {
        std::fs::remove_dir_all(staging)?;
    }
    std::fs::create_dir_all(staging)?;
    for (name, bytes) in files {
        let mut file = std::fs::File::create(staging.join(name))?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    Ok(())
}

/// Moves the old directory aside, the new one in, then deletes the old one.
/// If the second rename fails the old directory is put back.
fn swap_into_place(staging: &Path, dir: &Path, parent: &Path, base: &str) -> std::io::Result<()> {
    if !dir.exists() {
        return std::fs::rename(staging, dir);
    }
    let old = parent.join(format!(".{base}.citc-old-{}", std::process::id()));
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    std::fs::rename(dir, &old)?;
    if let Err(err) = std::fs::rename(staging, dir) {
        let _ = std::fs::rename(&old, dir);
        return Err(err);
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}
