//! Download (the last step of [`super`]): a release fetched from the URL the catalog declares
//! (`let release_url = "https://…/\${version}/…"`), cached on disk.
//!
//! A download is untrusted input, and so is the cache:
//! - https only, unless `--allow-http` (then a warning); redirects to plain
//!   http are refused the same way;
//! - at most [`MAX_DOWNLOAD_BYTES`];
//! - when the release publishes `CHECKSUMS.sha256` beside the bundle, the
//!   bundle's sha256 must be the one listed for it (a release without the
//!   file is read, with a note that nothing was verified);
//! - it must read as a release bundle (`read::parse_bundle`: the YAML
//!   limits, only instance types and preferences, at least one);
//! - the cache file is written whole or not at all (a temporary file in the
//!   cache folder, renamed), with its sha256 recorded beside it
//!   (`NAME.yaml.sha256`, written first); a cached copy is used only when
//!   its sha256 is the one recorded and it reads as a bundle: one that is
//!   empty, cut short (even where it still parses), altered, without a
//!   recorded digest, or not a bundle is fetched again (with a warning;
//!   an error when the download fails then). The copy is read once, and
//!   the text checked is the text compared.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{Lookup, Miss, Resolved, Source};
use crate::diff::read::parse_bundle;
use crate::diff::Error;
use crate::kustomize::MAX_BUNDLE_BYTES;
use crate::source::{read_input, FileId, MAX_SOURCE_BYTES};
use crate::syntax::ast::{Expr, Item, TextPart};
use crate::syntax::parse_file;

/// The name of the top-level constant that holds the release URL template.
pub use crate::release::RELEASE_URL_CONSTANT;
/// The placeholder in the template that is replaced by the REF.
pub const VERSION_PLACEHOLDER: &str = "${version}";
/// The largest bundle citc downloads: upstream's all-bundle is about 300 KB.
pub const MAX_DOWNLOAD_BYTES: u64 = 64 << 20;
/// The checksum file a release publishes beside its assets.
pub const CHECKSUMS_FILE: &str = "CHECKSUMS.sha256";
/// The largest checksum file citc downloads.
const MAX_CHECKSUMS_BYTES: u64 = 1 << 20;

/// The release URL template of a catalog: its top-level `let release_url`.
/// `Ok(None)` when it declares none.
pub fn release_url_template(catalog: &Path) -> Result<Option<String>, String> {
    let text = read_input(catalog, "catalog", MAX_SOURCE_BYTES).map_err(|err| err.message)?;
    let file = parse_file(FileId(0), &text)
        .map_err(|_| format!("{} has syntax errors", catalog.display()))?;
    for item in &file.items {
        let Item::Let(def) = item else { continue };
        if def.name.name != RELEASE_URL_CONSTANT {
            continue;
        }
        let Expr::Text(value) = &def.value else {
            return Err(format!("`let {RELEASE_URL_CONSTANT}` must be a string"));
        };
        let mut template = String::new();
        for part in &value.parts {
            match part {
                TextPart::Literal(s) => template.push_str(s),
                // Accepted, though the compiler wants `\${version}`.
                TextPart::Variable(v) if v.name == "version" => {
                    template.push_str(VERSION_PLACEHOLDER)
                }
                TextPart::Variable(v) => {
                    return Err(format!(
                        "`let {RELEASE_URL_CONSTANT}` may only use ${{version}}, not ${{{}}}",
                        v.name
                    ))
                }
            }
        }
        return Ok(Some(template));
    }
    Ok(None)
}

/// Where downloads are cached: `$CITC_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/citc`, else `~/.cache/citc`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("CITC_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("citc")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("citc")))
}

/// The release `reference`, from the cache or the network. The error says
/// why this step found nothing (it is listed with the other steps').
pub(super) fn download(reference: &str, lookup: &Lookup) -> Result<Resolved, Miss> {
    let not_here = Miss::NotHere;
    if !lookup.catalog.is_file() {
        return Err(not_here(format!(
            "there is no catalog {} to take `let {RELEASE_URL_CONSTANT}` from",
            lookup.catalog.display()
        )));
    }
    let Some(template) = release_url_template(lookup.catalog).map_err(not_here)? else {
        return Err(not_here(format!(
            "{} declares no `let {RELEASE_URL_CONSTANT} = \"https://…/\\${{version}}/…\"`",
            lookup.catalog.display()
        )));
    };
    if !template.contains(VERSION_PLACEHOLDER) {
        return Err(not_here(format!(
            "`let {RELEASE_URL_CONSTANT}` has no {VERSION_PLACEHOLDER}"
        )));
    }
    let plain_http = template.starts_with("http://");
    if !template.starts_with("https://") && !plain_http {
        return Err(not_here(format!(
            "`let {RELEASE_URL_CONSTANT}` is not an https:// URL"
        )));
    }
    if plain_http && !lookup.allow_http {
        return Err(not_here(format!(
            "`let {RELEASE_URL_CONSTANT}` is a plain http:// URL, and downloads are https only \
             (pass --allow-http to download over http anyway)"
        )));
    }
    let release_name = !reference.is_empty()
        && !reference.starts_with(['.', '-'])
        && reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'));
    if !release_name {
        return Err(not_here(format!("`{reference}` is not a release name")));
    }
    let url = template.replace(VERSION_PLACEHOLDER, reference);
    let mut messages = Vec::new();
    if plain_http {
        messages.push(format!(
            "warning: downloading {url} over plain http (--allow-http): anyone on the way can change it"
        ));
    }
    let cached = lookup.cache.as_ref().map(|dir| {
        let digest = Sha256::digest(url.as_bytes());
        // The first six bytes, in hex (sha2's digest formats itself).
        dir.join("releases")
            .join(format!("{reference}-{digest:.12x}.yaml"))
    });
    let mut bad_cache = None;
    if let Some(file) = cached.as_ref().filter(|f| f.exists()) {
        match check_cached(file) {
            Ok(text) => {
                return Ok(Resolved {
                    how: Some(format!(
                        "release {reference}, cached in {} (from {url})",
                        file.display()
                    )),
                    source: Source::Downloaded {
                        url: file.display().to_string(),
                        text,
                    },
                    messages,
                })
            }
            Err(why) => {
                let unusable = format!("the cached copy {} is unusable ({why})", file.display());
                messages.push(format!("warning: {unusable}; downloading it again"));
                bad_cache = Some(unusable);
            }
        }
    }

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .https_only(!lookup.allow_http)
        .user_agent(concat!("citc/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let bytes = fetch(&agent, &url, MAX_DOWNLOAD_BYTES)
        .and_then(|body| {
            body.ok_or_else(|| not_here(format!("GET {url} failed: http status: 404")))
        })
        .map_err(|miss| match (miss, &bad_cache) {
            // The release was there once: its download failing is no reason
            // to look elsewhere.
            (Miss::NotHere(why), Some(unusable)) => Miss::Broken(
                Error::new(format!(
                    "{unusable}, and downloading it again failed: {why}"
                ))
                .with_help("check the network and try again"),
            ),
            (miss, _) => miss,
        })?;
    let verified = match verify_checksum(&agent, &url, reference, &bytes)? {
        Some(sums) => format!(", sha256 verified against {sums}"),
        None => {
            messages.push(format!(
                "note: the release publishes no {CHECKSUMS_FILE} beside {url} (404): the download is not verified"
            ));
            String::new()
        }
    };
    let text = String::from_utf8(bytes).map_err(|err| {
        Miss::Broken(
            Error::new(format!(
                "{url} is not UTF-8 text (invalid byte at offset {})",
                err.utf8_error().valid_up_to()
            ))
            .with_help(RELEASE_URL_HELP),
        )
    })?;
    if let Err(err) = parse_bundle(&text, &url) {
        return Err(Miss::Broken(
            Error::new(format!("{url} is not a release bundle: {}", err.message))
                .with_help(err.help.unwrap_or_else(|| RELEASE_URL_HELP.to_string())),
        ));
    }
    // A cache that cannot be written is no reason to stop: the diff goes on.
    let not_cached = match cached {
        None => " (no cache folder: set CITC_CACHE_DIR)".to_string(),
        Some(file) => match write_cache(&file, &text) {
            Ok(()) => {
                return Ok(Resolved {
                    how: Some(format!(
                        "release {reference}, downloaded from {url}{verified} and cached in {}",
                        file.display()
                    )),
                    source: Source::Bundles(file),
                    messages,
                })
            }
            Err(err) => format!(" (not cached: cannot write {}: {err})", file.display()),
        },
    };
    Ok(Resolved {
        how: Some(format!(
            "release {reference}, downloaded from {url}{verified}{not_cached}"
        )),
        source: Source::Downloaded { url, text },
        messages,
    })
}

/// The text of a cached copy, when it can be used: a regular file, within
/// the size limit, whose sha256 is the one recorded beside it when it was
/// downloaded, and that reads as a release bundle.
fn check_cached(file: &Path) -> Result<String, String> {
    let text = read_input(
        file,
        "the cached download",
        MAX_BUNDLE_BYTES.min(MAX_DOWNLOAD_BYTES),
    )
    .map_err(|err| err.message)?;
    let recorded = digest_file(file);
    let expected = read_input(&recorded, "the recorded digest", 4096)
        .ok()
        .and_then(|line| line.split_whitespace().next().map(str::to_string))
        .ok_or_else(|| format!("no sha256 recorded in {}", recorded.display()))?;
    let actual = sha256_hex(text.as_bytes());
    if !expected.eq_ignore_ascii_case(&actual) {
        return Err(format!(
            "its sha256 is {actual}, but {expected} was recorded in {} when it was downloaded: \
             it was cut short or altered",
            recorded.display()
        ));
    }
    parse_bundle(&text, &file.display().to_string()).map_err(|err| err.message)?;
    Ok(text)
}

/// Where the sha256 of a cached copy is recorded: `NAME.yaml.sha256`.
fn digest_file(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".sha256");
    file.with_file_name(name)
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// GETs `url`: its body, at most `limit` bytes; `None` for a 404. A
/// failure to connect or another status is [`Miss::NotHere`] (listed with
/// the other steps); a body beyond `limit` or a redirect to plain http is
/// [`Miss::Broken`].
fn fetch(agent: &ureq::Agent, url: &str, limit: u64) -> Result<Option<Vec<u8>>, Miss> {
    let mut response = match agent.get(url).call() {
        Ok(response) => response,
        Err(ureq::Error::StatusCode(404)) => return Ok(None),
        Err(ureq::Error::RequireHttpsOnly(_)) => {
            return Err(Miss::Broken(
                Error::new(format!(
                    "GET {url} was redirected to a plain http:// URL, and downloads are https only"
                ))
                .with_help("pass --allow-http to download over http anyway"),
            ))
        }
        Err(err) => return Err(Miss::NotHere(format!("GET {url} failed: {err}"))),
    };
    response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map(Some)
        .map_err(|err| match err {
            ureq::Error::BodyExceedsLimit(_) => Miss::Broken(
                Error::new(format!(
                    "{url} is larger than citc downloads ({} MiB at most)",
                    limit >> 20
                ))
                .with_help(RELEASE_URL_HELP),
            ),
            err => Miss::NotHere(format!("reading {url} failed: {err}")),
        })
}

const RELEASE_URL_HELP: &str =
    "check that `let release_url` names a release's all-bundle (or a per-kind bundle)";
const CHECKSUM_HELP: &str = "the download does not match the checksums the release publishes: \
     it is corrupt or was altered; nothing was cached. Try again, or report it to the release's publisher";

/// Checks `bytes` against the release's `CHECKSUMS.sha256`, fetched from
/// the folder of `url`. `Ok(Some(its URL))` when verified, `Ok(None)` when
/// the release publishes none; an error on a mismatch, or when the file
/// does not list the asset.
fn verify_checksum(
    agent: &ureq::Agent,
    url: &str,
    reference: &str,
    bytes: &[u8],
) -> Result<Option<String>, Miss> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let Some((folder, asset)) = path.rsplit_once('/') else {
        return Ok(None);
    };
    if asset.is_empty() || folder.ends_with('/') || !folder.contains("://") {
        return Ok(None);
    }
    let sums_url = format!("{folder}/{CHECKSUMS_FILE}");
    let Some(sums) = fetch(agent, &sums_url, MAX_CHECKSUMS_BYTES)? else {
        return Ok(None);
    };
    let sums = String::from_utf8_lossy(&sums);
    // Upstream lists its assets without the `-<version>` suffix they carry
    // on the release page; either name is accepted.
    let unsuffixed = asset
        .strip_suffix(".yaml")
        .and_then(|stem| stem.strip_suffix(&format!("-{reference}")))
        .map(|stem| format!("{stem}.yaml"));
    let expected = sums.lines().find_map(|line| {
        let mut fields = line.split_whitespace();
        let (sum, name) = (fields.next()?, fields.next()?);
        let name = name.strip_prefix('*').unwrap_or(name);
        (name == asset || Some(name) == unsuffixed.as_deref()).then(|| sum.to_ascii_lowercase())
    });
    let Some(expected) = expected else {
        return Err(Miss::Broken(
            Error::new(format!(
                "{sums_url} does not list {asset}{}: the download cannot be verified",
                unsuffixed
                    .as_deref()
                    .map(|n| format!(" (nor {n})"))
                    .unwrap_or_default()
            ))
            .with_help(CHECKSUM_HELP),
        ));
    };
    let actual = sha256_hex(bytes);
    if actual != expected {
        return Err(Miss::Broken(
            Error::new(format!(
                "the sha256 of {url} is {actual}, but {sums_url} lists {expected}"
            ))
            .with_help(CHECKSUM_HELP),
        ));
    }
    Ok(Some(sums_url))
}

/// Writes the cache file and its recorded sha256, each whole or not at all
/// (a temporary file in the same folder, flushed to disk, then renamed
/// over the file). The digest goes first: a copy whose digest could not be
/// recorded is never used.
fn write_cache(file: &Path, text: &str) -> std::io::Result<()> {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let line = format!("{}  {name}\n", sha256_hex(text.as_bytes()));
    write_whole(&digest_file(file), &line)?;
    write_whole(file, text)
}

fn write_whole(file: &Path, text: &str) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut staging = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut staging, text.as_bytes())?;
    staging.as_file().sync_all()?;
    staging.persist(file).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_release_url_is_a_top_level_constant() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("c.cit");
        std::fs::write(
            &catalog,
            "let release_url = \"https://h/\\${version}/all-\\${version}.yaml\"\n",
        )
        .unwrap();
        assert_eq!(
            release_url_template(&catalog).unwrap().as_deref(),
            Some("https://h/${version}/all-${version}.yaml")
        );
        std::fs::write(&catalog, "let other = \"x\"\n").unwrap();
        assert_eq!(release_url_template(&catalog).unwrap(), None);
    }
}
