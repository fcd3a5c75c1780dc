//! Bundles: the release files (five bundles and CHECKSUMS.sha256, as the
//! catalog's release settings name them), streamed one document at a time
//! into a [`Sink`]: a folder (see `outdir` for how it replaces the output)
//! or memory.
//!
//! Nothing holds the whole output. Resources are lowered and rendered one by
//! one, in the bundles' order (instance types, then preferences, each by
//! name), and each document goes straight to its files, hashed on the way;
//! its resolved tree and its text are freed before the next. The all-bundle
//! holds the cluster-wide documents and then the namespaced ones: the first
//! half is written as it comes, the second is kept in a spool (an unnamed
//! temporary file beside the output) and appended at the end.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;
use crate::kube::ApiKind;
use crate::lower::{self, Document, Stamp};
use crate::release::Release;
use crate::resolve::Catalog;
use crate::syntax::ast::Kind;
use crate::yaml::write_document;

/// Where the release's files go.
pub trait Sink {
    type File: Write;
    /// A place to keep bytes and read them back once, invisible to readers.
    type Spool: Read + Write + Seek;
    fn create(&mut self, name: &str) -> std::io::Result<Self::File>;
    /// The file is complete: flush it, report a write error (a full disk).
    fn close(&mut self, name: &str, file: Self::File) -> std::io::Result<()>;
    fn spool(&mut self) -> std::io::Result<Self::Spool>;
}

/// A folder's files. They are flushed, so a write error surfaces before the
/// folder is swapped in; they are not fsync'ed: like cargo and kustomize,
/// citc guards the output against its own failures, not against power loss,
/// and a sync would cost more than the whole build.
pub struct FolderSink {
    pub dir: PathBuf,
}

impl Sink for FolderSink {
    type File = std::io::BufWriter<std::fs::File>;
    type Spool = std::fs::File;

    fn create(&mut self, name: &str) -> std::io::Result<Self::File> {
        let file = std::fs::File::create(self.dir.join(name))?;
        Ok(std::io::BufWriter::with_capacity(1 << 16, file))
    }

    fn close(&mut self, _: &str, file: Self::File) -> std::io::Result<()> {
        file.into_inner().map(drop).map_err(|e| e.into_error())
    }

    /// Unnamed (O_TMPFILE where the system has it): gone with the process.
    fn spool(&mut self) -> std::io::Result<Self::Spool> {
        tempfile::tempfile_in(&self.dir)
    }
}

/// The files in memory, in the order they were completed.
#[derive(Default)]
pub struct MemorySink {
    pub files: Vec<(String, Vec<u8>)>,
}

impl Sink for MemorySink {
    type File = Vec<u8>;
    type Spool = std::io::Cursor<Vec<u8>>;

    fn create(&mut self, _: &str) -> std::io::Result<Vec<u8>> {
        Ok(Vec::new())
    }

    fn close(&mut self, name: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.files.push((name.to_string(), bytes));
        Ok(())
    }

    fn spool(&mut self) -> std::io::Result<Self::Spool> {
        Ok(std::io::Cursor::new(Vec::new()))
    }
}

impl MemorySink {
    /// The files, by name in file-name order.
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        let mut files = self.files;
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }
}

/// The bundles' order: instance types, then preferences, each by name
/// (byte order).
fn bundle_order(kind: Kind, name: &str) -> (Kind, &[u8]) {
    (kind, name.as_bytes())
}

/// Time spent in each step of [`stream`].
#[derive(Debug, Default, Clone, Copy)]
pub struct StreamTimes {
    pub lower: Duration,
    pub render: Duration,
    pub write: Duration,
}

/// Lowers, renders and writes every resource of `catalog` into `sink`,
/// stamped with `version` as the catalog's release settings say; returns the
/// number of documents written. Errors found while lowering are pushed to
/// `diags` (the caller discards the output then).
pub fn stream<S: Sink + Send>(
    mut catalog: Catalog,
    version: &str,
    release: &Release,
    sink: &mut S,
    diags: &mut Vec<Diagnostic>,
) -> std::io::Result<(usize, StreamTimes)>
where
    S::File: Send,
    S::Spool: Send,
{
    let mut times = StreamTimes::default();
    let mut resources = std::mem::take(&mut catalog.resources);
    resources.sort_by(|a, b| bundle_order(a.kind, &a.name).cmp(&bundle_order(b.kind, &b.name)));
    let stamp = Stamp::new(&catalog.release, version);
    let writer = BundleWriter::new(release, sink)?;
    // Two cores: this thread lowers and renders, a second writes and hashes
    // (every byte goes to two files and is hashed twice).
    let (send, receive) = std::sync::mpsc::sync_channel::<(Kind, String)>(64);
    std::thread::scope(|scope| {
        let writing = move || -> std::io::Result<(usize, Duration)> {
            let mut writer = writer;
            let mut busy = Duration::ZERO;
            for (kind, text) in receive {
                let start = Instant::now();
                writer.add(kind, &text)?;
                busy += start.elapsed();
            }
            let start = Instant::now();
            let documents = writer.finish()?;
            Ok((documents, busy + start.elapsed()))
        };
        // A system that cannot start one more thread fails the build (and
        // keeps the old output) instead of panicking.
        let written = std::thread::Builder::new()
            .spawn_scoped(scope, writing)
            .map_err(|err| {
                std::io::Error::other(format!("cannot start the writer thread: {err}"))
            })?;
        for resource in resources {
            let start = Instant::now();
            let doc =
                lower::lower_cluster_document(&resource, &catalog.derive_rules, &stamp, diags);
            let kind = resource.kind;
            drop(resource);
            let lowered = Instant::now();
            times.lower += lowered - start;
            let Some(doc) = doc else { continue };
            let mut text = String::with_capacity(4096);
            write_document(&mut text, &doc);
            drop(doc);
            times.render += lowered.elapsed();
            if send.send((kind, text)).is_err() {
                break; // the writer failed: its error is below
            }
        }
        drop(send);
        let (documents, write) = written
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        times.write = write;
        Ok((documents, times))
    })
}

/// The files of already lowered documents (`lower::lower`, both kinds of
/// every resource), in memory, by name in file-name order.
pub fn bundles(documents: &[Document], release: &Release) -> Vec<(String, Vec<u8>)> {
    // One per resource: its cluster-wide document, with the resource's kind.
    let mut cluster: Vec<(Kind, &Document)> = documents
        .iter()
        .filter_map(|d| match d.kind {
            ApiKind::VirtualMachineClusterInstancetype => Some((Kind::Instancetype, d)),
            ApiKind::VirtualMachineClusterPreference => Some((Kind::Preference, d)),
            _ => None,
        })
        .collect();
    cluster.sort_by(|(ka, a), (kb, b)| bundle_order(*ka, &a.name).cmp(&bundle_order(*kb, &b.name)));
    let mut sink = MemorySink::default();
    let mut text = String::with_capacity(4096);
    // Writing into memory cannot fail.
    let _ = BundleWriter::new(release, &mut sink).and_then(|mut writer| {
        for (kind, doc) in cluster {
            text.clear();
            write_document(&mut text, &doc.yaml);
            writer.add(kind, &text)?;
        }
        writer.finish()
    });
    sink.into_files()
}

/// The names of the files a build writes, in file-name order.
pub fn file_names(release: &Release) -> Vec<String> {
    let mut names: Vec<String> = release.file_names().into_iter().map(String::from).collect();
    names.sort();
    names
}

/// The one place that decides what goes in which file: each resource's
/// document goes to its two kinds' bundles and twice to the all-bundle
/// (whose order is the kinds' order), hashed on the way; the checksum file
/// comes last, its lines in file-name order as `sha256sum
/// common-*-bundle.yaml` writes them.
struct BundleWriter<'a, S: Sink> {
    release: &'a Release,
    sink: &'a mut S,
    /// One per kind, in `ApiKind::ALL` order; `None` when not written.
    kinds: [Option<Hashing<S::File>>; 4],
    /// Documents written to each kind's bundle so far.
    counts: [usize; 4],
    all: Option<Hashing<S::File>>,
    /// The namespaced documents, in order, for the all-bundle's second half.
    spool: Option<std::io::BufWriter<S::Spool>>,
    documents: usize,
}

impl<'a, S: Sink> BundleWriter<'a, S> {
    fn new(release: &'a Release, sink: &'a mut S) -> std::io::Result<BundleWriter<'a, S>> {
        let mut kinds = [None, None, None, None];
        for (slot, kind) in kinds.iter_mut().zip(ApiKind::ALL) {
            if let Some(name) = release.kind_bundle(kind) {
                *slot = Some(Hashing::new(name, sink.create(name)?));
            }
        }
        let (all, spool) = match &release.all_bundle {
            Some(name) => (
                Some(Hashing::new(name, sink.create(name)?)),
                Some(std::io::BufWriter::with_capacity(1 << 16, sink.spool()?)),
            ),
            None => (None, None),
        };
        Ok(BundleWriter {
            release,
            sink,
            kinds,
            counts: [0; 4],
            all,
            spool,
            documents: 0,
        })
    }

    /// Adds one resource, as its cluster-wide document's text. Resources
    /// come in the bundles' order: instance types, then preferences, each
    /// sorted by name.
    fn add(&mut self, kind: Kind, text: &str) -> std::io::Result<()> {
        let [cluster_kind, namespaced_kind] = ApiKind::of(kind);
        let index = |kind| ApiKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        let (cluster, namespaced) = (index(cluster_kind), index(namespaced_kind));
        let document_start = self.release.document_start;
        let all_first = self.documents == 0;
        if let Some(file) = &mut self.kinds[cluster] {
            let first = self.counts[cluster] == 0;
            file.write(without_start(text, first, document_start))?;
        }
        if let Some(all) = &mut self.all {
            all.write(without_start(text, all_first, document_start))?;
        }
        // The namespaced twin: the same text with the other kind.
        let (before, after) = around_kind(text);
        let kind_name = namespaced_kind.name().as_bytes();
        if let Some(file) = &mut self.kinds[namespaced] {
            let first = self.counts[namespaced] == 0;
            file.write(without_start(before, first, document_start))?;
            file.write(kind_name)?;
            file.write(after.as_bytes())?;
        }
        if let Some(spool) = &mut self.spool {
            // Never the all-bundle's first document: this one's cluster twin
            // came before it.
            spool.write_all(before.as_bytes())?;
            spool.write_all(kind_name)?;
            spool.write_all(after.as_bytes())?;
        }
        self.counts[cluster] += 1;
        self.counts[namespaced] += 1;
        self.documents += 1;
        Ok(())
    }

    /// Closes the bundles and writes the checksum file; returns how many
    /// documents were written (two per resource).
    fn finish(mut self) -> std::io::Result<usize> {
        let mut sums = Vec::new();
        for file in self.kinds.iter_mut() {
            if let Some(file) = file.take() {
                sums.push(file.close(self.sink)?);
            }
        }
        if let (Some(mut all), Some(spool)) = (self.all.take(), self.spool.take()) {
            let mut spool = spool.into_inner().map_err(|e| e.into_error())?;
            spool.rewind()?;
            let mut buffer = vec![0; 1 << 16];
            loop {
                let read = spool.read(&mut buffer)?;
                if read == 0 {
                    break;
                }
                all.write(&buffer[..read])?;
            }
            sums.push(all.close(self.sink)?);
        }
        if let Some(checksums) = &self.release.checksums {
            sums.sort();
            let mut text = String::new();
            for (name, digest) in &sums {
                text.push_str(digest);
                text.push_str("  ");
                text.push_str(name);
                text.push('\n');
            }
            let mut file = self.sink.create(checksums)?;
            file.write_all(text.as_bytes())?;
            self.sink.close(checksums, file)?;
        }
        Ok(self.documents * 2)
    }
}

/// A document's text, without its leading `---` when it is the first of a
/// file and the release writes none there.
fn without_start(text: &str, first: bool, document_start: bool) -> &[u8] {
    if first && !document_start {
        text.strip_prefix("---\n").unwrap_or(text).as_bytes()
    } else {
        text.as_bytes()
    }
}

/// A document's text around its top-level `kind` value: what comes before
/// the value, and what comes after. Keys are sorted and not indented at the
/// top, so the first line starting with `kind: ` is the document's kind.
fn around_kind(text: &str) -> (&str, &str) {
    let value_start = text.find("\nkind: ").map_or(0, |at| at + "\nkind: ".len());
    let line_end = text[value_start..]
        .find('\n')
        .map_or(text.len(), |end| value_start + end);
    (&text[..value_start], &text[line_end..])
}

/// A writer that hashes what goes through it.
struct Hashing<W> {
    name: String,
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Hashing<W> {
    fn new(name: &str, inner: W) -> Hashing<W> {
        Hashing {
            name: name.to_string(),
            inner,
            hasher: Sha256::new(),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hasher.update(bytes);
        self.inner.write_all(bytes)
    }

    /// Closes the file; its name and the hex digest of what was written.
    fn close<S: Sink<File = W>>(self, sink: &mut S) -> std::io::Result<(String, String)> {
        sink.close(&self.name, self.inner)?;
        Ok((self.name, hex(&self.hasher.finalize())))
    }
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

/// Streams the release into `dir` (see [`stream`]).
pub fn write_folder(
    dir: &Path,
    catalog: Catalog,
    version: &str,
    release: &Release,
    diags: &mut Vec<Diagnostic>,
) -> std::io::Result<(usize, StreamTimes)> {
    let mut sink = FolderSink {
        dir: dir.to_path_buf(),
    };
    stream(catalog, version, release, &mut sink, diags)
}
