//! Bundles: the release files (five bundles and CHECKSUMS.sha256, as the
//! catalog's release settings name them), built in memory, then written
//! into a folder (see `outdir` for how it replaces the output).

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::yaml::write_document;
use crate::diagnostic::Diagnostic;
use crate::lower::{self, ApiKind, Document, Stamp};
use crate::release::Release;
use crate::resolve::Catalog;
use crate::syntax::ast::Kind;

/// The output files in memory, by name, in file-name order. `documents`
/// are those of `lower::lower` (both kinds of every resource); the
/// cluster-wide ones are rendered and the namespaced ones derived from them.
pub fn bundles(documents: &[Document], release: &Release) -> Vec<(String, Vec<u8>)> {
    let rendered: Vec<Rendered> = documents
        .iter()
        .filter(|d| is_cluster(d.kind))
        .map(|d| {
            let mut text = String::with_capacity(2048);
            write_document(&mut text, &d.yaml);
            Rendered {
                kind: match d.kind {
                    ApiKind::VirtualMachineClusterInstancetype => Kind::Instancetype,
                    _ => Kind::Preference,
                },
                name: d.name.clone(),
                text,
            }
        })
        .collect();
    rendered_files(&rendered, release)
}

fn is_cluster(kind: ApiKind) -> bool {
    matches!(
        kind,
        ApiKind::VirtualMachineClusterInstancetype | ApiKind::VirtualMachineClusterPreference
    )
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

/// One resource's cluster-wide document as text. The namespaced document is
/// the same text with the other kind, so each resource is rendered once.
pub struct Rendered {
    pub kind: Kind,
    pub name: String,
    pub text: String,
}

/// Time spent in each step of [`render_timed`].
#[derive(Debug, Default, Clone, Copy)]
pub struct RenderTimes {
    pub lower: Duration,
    pub render: Duration,
}

/// Lowers and renders every resource, sorted by name (byte order), stamped
/// with `version` as the catalog's release settings say.
pub fn render(catalog: Catalog, version: &str, diags: &mut Vec<Diagnostic>) -> Vec<Rendered> {
    render_timed(catalog, version, diags).0
}

/// [`render`], with the time of each step. Each resource's tree is dropped
/// once rendered. One thread: the trees share maps through `Rc`, and a
/// pipeline that renders on a second thread was measured slower, as glibc's
/// allocator serialises frees of memory another thread allocated.
pub fn render_timed(
    catalog: Catalog,
    version: &str,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Rendered>, RenderTimes) {
    let mut rendered = Vec::with_capacity(catalog.resources.len());
    let mut times = RenderTimes::default();
    let stamp = Stamp::new(&catalog.release, version);
    for resource in catalog.resources {
        let start = Instant::now();
        let doc = lower::lower_cluster_document(&resource, &catalog.derive_rules, &stamp, diags);
        let lowered = Instant::now();
        times.lower += lowered - start;
        let Some(doc) = doc else { continue };
        let mut text = String::with_capacity(2048);
        write_document(&mut text, &doc);
        rendered.push(Rendered {
            kind: resource.kind,
            name: resource.name,
            text,
        });
        times.render += lowered.elapsed();
    }
    rendered.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    (rendered, times)
}

/// Writes the bundles and the checksum file into `dir`, streaming.
///
/// Files are flushed, so a write error (a full disk) surfaces here, before
/// the directory is swapped in; they are not fsync'ed: like cargo and
/// kustomize, citc guards the output against its own failures, not against
/// power loss, and a sync would cost more than the whole build.
pub fn write_rendered(dir: &Path, rendered: &[Rendered], release: &Release) -> std::io::Result<()> {
    write_bundles(
        rendered,
        release,
        &mut |name| {
            Ok(std::io::BufWriter::with_capacity(
                1 << 16,
                std::fs::File::create(dir.join(name))?,
            ))
        },
        &mut |_, writer| writer.into_inner().map(drop).map_err(|e| e.into_error()),
    )
}

/// The names of the files a build writes, in file-name order.
pub fn file_names(release: &Release) -> Vec<String> {
    let mut names: Vec<String> = release.file_names().into_iter().map(String::from).collect();
    names.sort();
    names
}

/// Every document in one stream, as the all-bundle holds them (`-o -`
/// writes this whether or not the release writes an all-bundle file).
pub fn all_documents(rendered: &[Rendered], release: &Release) -> Vec<u8> {
    let mut out = Vec::new();
    let mut first = true;
    for kind in ApiKind::ALL {
        for text in documents_of(rendered, kind) {
            out.extend_from_slice(document_bytes(&text, first, release));
            first = false;
        }
    }
    out
}

/// A document's text, without its leading `---` when it is the first of a
/// file and the release writes none there.
fn document_bytes<'t>(text: &'t str, first: bool, release: &Release) -> &'t [u8] {
    if first && !release.document_start {
        text.strip_prefix("---\n").unwrap_or(text).as_bytes()
    } else {
        text.as_bytes()
    }
}

/// The files in memory, by name, in file-name order.
pub fn rendered_files(rendered: &[Rendered], release: &Release) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_bundles(
        rendered,
        release,
        &mut |_| Ok(Vec::new()),
        &mut |name, bytes| {
            files.push((name.to_string(), bytes));
            Ok(())
        },
    );
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The one place that decides what goes in which file: each document goes
/// to its kind's bundle and to the all-bundle (whose order is the kinds'
/// order), hashed on the way; the checksum file comes last, its lines in
/// file-name order as `sha256sum common-*-bundle.yaml` writes them.
fn write_bundles<W: Write + Send>(
    rendered: &[Rendered],
    release: &Release,
    open: &mut dyn FnMut(&str) -> std::io::Result<W>,
    close: &mut dyn FnMut(&str, W) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut sums = Vec::new();
    // The all-bundle holds every document again: it is written and hashed on
    // a second thread while this one writes the four per-kind bundles.
    let all = match &release.all_bundle {
        Some(name) => Some(open(name)?),
        None => None,
    };
    let all_result = std::thread::scope(|scope| -> std::io::Result<Option<(W, String)>> {
        let all_writer = all.map(|all| {
            scope.spawn(move || {
                let mut all = HashingWriter::new(all);
                let mut first = true;
                for kind in ApiKind::ALL {
                    for text in documents_of(rendered, kind) {
                        all.write(document_bytes(&text, first, release))?;
                        first = false;
                    }
                }
                Ok(all.finish())
            })
        });
        let mut kinds_result = Ok(());
        for kind in ApiKind::ALL {
            let Some(name) = release.kind_bundle(kind) else {
                continue;
            };
            let written = open(name).and_then(|file| {
                let mut file = HashingWriter::new(file);
                for (index, text) in documents_of(rendered, kind).enumerate() {
                    file.write(document_bytes(&text, index == 0, release))?;
                }
                let (writer, digest) = file.finish();
                close(name, writer)?;
                Ok(digest)
            });
            match written {
                Ok(digest) => sums.push((name.to_string(), digest)),
                Err(err) => {
                    kinds_result = Err(err);
                    break;
                }
            }
        }
        let all = match all_writer {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                .map(Some),
            None => Ok(None),
        };
        kinds_result.and(all)
    });
    if let (Some((writer, digest)), Some(name)) = (all_result?, &release.all_bundle) {
        close(name, writer)?;
        sums.push((name.clone(), digest));
    }
    let Some(checksums) = &release.checksums else {
        return Ok(());
    };
    sums.sort();
    let mut text = String::new();
    for (name, digest) in &sums {
        text.push_str(digest);
        text.push_str("  ");
        text.push_str(name);
        text.push('\n');
    }
    let mut writer = open(checksums)?;
    writer.write_all(text.as_bytes())?;
    close(checksums, writer)
}

/// The documents of one kind's bundle, in order: the cluster-wide texts as
/// rendered, the namespaced ones with their kind line changed.
fn documents_of(
    rendered: &[Rendered],
    kind: ApiKind,
) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
    rendered
        .iter()
        .filter(move |r| ApiKind::of(r.kind).contains(&kind))
        .map(move |doc| {
            if is_cluster(kind) {
                std::borrow::Cow::Borrowed(doc.text.as_str())
            } else {
                std::borrow::Cow::Owned(with_kind(&doc.text, kind))
            }
        })
}

/// The document text with its top-level `kind` replaced. Keys are sorted and
/// indented, so the first line starting with `kind: ` is the document's kind.
fn with_kind(text: &str, kind: ApiKind) -> String {
    match text.find("\nkind: ") {
        Some(at) => {
            let line_end = text[at + 1..].find('\n').map_or(text.len(), |e| at + 1 + e);
            format!(
                "{}\nkind: {}{}",
                &text[..at],
                kind.name(),
                &text[line_end..]
            )
        }
        None => text.to_string(),
    }
}

/// A writer that hashes what goes through it.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> HashingWriter<W> {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hasher.update(bytes);
        self.inner.write_all(bytes)
    }

    /// The writer back, and the hex digest of everything written.
    fn finish(self) -> (W, String) {
        (self.inner, hex(&self.hasher.finalize()))
    }
}
