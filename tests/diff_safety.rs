//! `citc diff` on hostile or broken input: a git revision whose imports
//! leave the repository, a kustomize tree whose kustomizations reach
//! outside it (or a symbolic link that would), YAML built to exhaust the stack or memory, bundles
//! that hold other kinds, downloads over plain http, cut short or tampered
//! with, and the exit code of every kind of failure.
//!
//! Every case must end with a clear error and exit code 2, never a crash,
//! a hang or a path into a deleted temporary folder.

mod common;

use common::{git, project, stderr};

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// The v1.7.0 release folder, carried in tests/golden/releases.
fn v1_7_0() -> Option<PathBuf> {
    Some(project().join("tests/golden/releases/v1.7.0"))
}

/// Runs citc with at most 1 GiB of address space, so that input that would
/// make it allocate without bound fails here instead of swapping the machine.
fn citc_env(args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env_remove(var);
    }
    command.env(
        "CITC_CACHE_DIR",
        std::env::temp_dir().join("citc-diff-safety-no-cache"),
    );
    for (key, value) in env {
        command.env(key, value);
    }
    #[cfg(unix)]
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    command.output().expect("run citc")
}

fn citc(args: &[&str], dir: &Path) -> Output {
    citc_env(args, dir, &[])
}

/// Exit code 2, no crash, and every `needles` in the error.
fn assert_refused(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "status {:?}: {err}", out.status);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("error: "), "{err}");
    assert!(err.contains("help: "), "no help line: {err}");
    for needle in needles {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
}

const PREFERENCE: &str = "---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  name: p
spec:
  requirements:
    memory:
      guest: 1Gi
";

/// A folder with `old.yaml` (given) and `new.yaml` (a valid preference).
fn with_old(old: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("old.yaml"), old).expect("write");
    std::fs::write(dir.path().join("new.yaml"), PREFERENCE).expect("write");
    dir
}

// ------------------------------------------------------------------ git revisions

/// A repository in `<temp>/repo` whose `cat/catalog.cit` is committed with
/// `imports`, and a valid catalog `outside.cit` beside the repository (and
/// so outside it).
fn repo_importing(imports: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().join("repo");
    std::fs::create_dir_all(root.join("cat")).expect("mkdir");
    std::fs::write(temp.path().join("outside.cit"), "preference outside { }\n").expect("write");
    std::fs::write(
        root.join("cat/catalog.cit"),
        format!("{imports}preference p {{ spec.requirements.cpu.guest = 1 }}\n"),
    )
    .expect("write");
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-qm", "one"]);
    temp
}

fn diff_head(temp: &Path) -> Output {
    citc(
        &["diff", "HEAD", "--catalog", "cat/catalog.cit"],
        &temp.join("repo"),
    )
}

#[test]
fn a_revisions_import_that_leaves_the_repository_is_refused() {
    // `..` above the top of the repository.
    let temp = repo_importing("import \"../../../outside.cit\"\n");
    let out = diff_head(temp.path());
    assert_refused(
        &out,
        &[
            "cat/catalog.cit",
            "`../../../outside.cit`",
            "leaves the repository",
        ],
    );
    assert!(!stderr(&out).contains("citc-diff-"), "{}", stderr(&out));

    // An absolute path, to a file that exists: never read.
    let outside = temp.path().join("outside.cit");
    let temp2 = repo_importing(&format!("import \"{}\"\n", outside.display()));
    let out = diff_head(temp2.path());
    assert_refused(&out, &["cat/catalog.cit", "absolute"]);
    assert!(!stderr(&out).contains("citc-diff-"), "{}", stderr(&out));
}

#[test]
fn a_revisions_import_that_it_lacks_is_named_relative_to_the_repository() {
    // Committed without the imported file; it exists in the work tree only.
    let temp = repo_importing("import \"more/prefs.cit\"\n");
    let root = temp.path().join("repo");
    std::fs::create_dir_all(root.join("cat/more")).expect("mkdir");
    std::fs::write(root.join("cat/more/prefs.cit"), "preference q { }\n").expect("write");
    let out = diff_head(temp.path());
    assert_refused(&out, &["cat/more/prefs.cit", "imported by cat/catalog.cit"]);
    assert!(!stderr(&out).contains("citc-diff-"), "{}", stderr(&out));
}

#[test]
fn a_revisions_catalog_with_errors_is_reported_with_repository_paths() {
    let temp = repo_importing("");
    let root = temp.path().join("repo");
    std::fs::write(root.join("cat/catalog.cit"), "preference p : missing { }\n").expect("write");
    git(&root, &["commit", "-qam", "broken"]);
    let out = diff_head(temp.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cat/catalog.cit"), "{err}");
    assert!(!err.contains("citc-diff-"), "a temporary path: {err}");
}

// ------------------------------------------------------------------ kustomize trees

/// A folder `tree` holding a kustomize tree whose kustomization is
/// `kustomization`, beside a folder `outside` holding a kustomization of
/// its own (a ConfigMap named `secret`) and a file `secret.yaml`.
fn tree_beside_outside(kustomization: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("temp dir");
    let outside = temp.path().join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(
        outside.join("kustomization.yaml"),
        "resources: [secret.yaml]\n",
    )
    .expect("write");
    std::fs::write(
        outside.join("secret.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: secret\n",
    )
    .expect("write");
    let tree = temp.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).expect("mkdir");
    std::fs::write(tree.join("kustomization.yaml"), "resources: [sub]\n").expect("write");
    std::fs::write(tree.join("sub/kustomization.yaml"), kustomization).expect("write");
    temp
}

/// A kustomize tree given as a REF is copied (folders and regular files:
/// no symbolic link is followed) and every kustomization read before it is
/// built: a path above the tree's top, an absolute path or a remote base
/// is refused, so kustomize never reads outside the folder given nor asks
/// the network. No tool is needed to refuse.
#[test]
fn a_kustomize_tree_that_reaches_outside_is_refused() {
    for (kustomization, needles) in [
        (
            "resources:\n  - ../../outside\n",
            vec!["tree/sub/kustomization.yaml:2", "`../../outside`", "leaves the tree"],
        ),
        (
            "resources:\n  - /etc\n",
            vec!["tree/sub/kustomization.yaml:2", "absolute path"],
        ),
        (
            "resources:\n  - https://github.com/kubevirt/common-instancetypes//preferences?ref=v1.0.0\n",
            vec!["remote resource"],
        ),
        (
            "resources:\n  - github.com/kubevirt/common-instancetypes/preferences?ref=v1.0.0\n",
            vec!["which the tree does not hold"],
        ),
        (
            "patches:\n  - path: ../../outside/secret.yaml\n",
            vec!["(patches)", "leaves the tree"],
        ),
    ] {
        let temp = tree_beside_outside(kustomization);
        let out = citc(&["diff", "tree", "tree"], temp.path());
        assert_refused(&out, &needles);
        assert!(out.stdout.is_empty());
        assert!(!stderr(&out).contains("citc-kustomize-"), "{}", stderr(&out));
    }

    // A symbolic link to the folder outside is not copied: the tree does
    // not hold what it names.
    #[cfg(unix)]
    {
        let temp = tree_beside_outside("resources:\n  - linked\n");
        std::os::unix::fs::symlink(
            temp.path().join("outside"),
            temp.path().join("tree/sub/linked"),
        )
        .expect("symlink");
        let out = citc(&["diff", "tree", "tree"], temp.path());
        assert_refused(
            &out,
            &["`linked`", "names sub/linked, which the tree does not hold"],
        );
    }

    // `citc import` builds trees with the same function, and refuses alike.
    let temp = tree_beside_outside("resources:\n  - ../../outside\n");
    let out = citc(&["import", "tree"], temp.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("leaves the tree"), "{err}");
    assert!(out.stdout.is_empty());

    // A git revision's tree is checked the same way, from the repository's
    // top.
    let temp = tree_beside_outside("resources:\n  - ../../outside\n");
    let root = temp.path().join("tree");
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-qm", "one"]);
    let out = citc(&["diff", "HEAD", "."], &root);
    assert_refused(&out, &["HEAD:sub/kustomization.yaml:2", "leaves the tree"]);
}

// ------------------------------------------------------------------ YAML limits

#[test]
fn deeply_nested_yaml_is_refused_not_a_crash() {
    let block: String = (0..20_000).map(|_| "- ").collect::<String>() + "x\n";
    let flow: String = "[".repeat(20_000) + &"]".repeat(20_000) + "\n";
    let maps: String = (0..5_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    for bad in [block, flow, maps] {
        let dir = with_old(bad.as_bytes());
        let out = citc(&["diff", "old.yaml", "new.yaml"], dir.path());
        assert_refused(&out, &["old.yaml:", "nested deeper than"]);
    }
}

#[test]
fn alias_expansion_is_bounded() {
    // Billion laughs: nine levels of ten aliases each.
    let mut laughs = String::from("a0: &a0 [\"lol\"]\n");
    for i in 1..10 {
        let refs: Vec<String> = (0..10).map(|_| format!("*a{}", i - 1)).collect();
        laughs.push_str(&format!("a{i}: &a{i} [{}]\n", refs.join(", ")));
    }
    // A large string, repeated: few nodes, gigabytes of text.
    let big = format!(
        "s: &s \"{}\"\nl: [{}]\n",
        "x".repeat(400 << 10),
        vec!["*s"; 6_000].join(", ")
    );
    for bad in [laughs, big] {
        let dir = with_old(bad.as_bytes());
        let start = Instant::now();
        let out = citc(&["diff", "old.yaml", "new.yaml"], dir.path());
        assert_refused(&out, &["old.yaml:", "alias"]);
        assert!(start.elapsed() < Duration::from_secs(30));
    }
}

#[test]
fn too_many_nodes_are_refused() {
    let many = "- 0\n".repeat(2_100_000);
    let dir = with_old(many.as_bytes());
    let out = citc(&["diff", "old.yaml", "new.yaml"], dir.path());
    assert_refused(&out, &["old.yaml:", "more than 2000000 values"]);
}

#[test]
fn the_parsers_lookahead_is_bounded() {
    // After `- `, a flow sequence could still be a map key: the parser keeps
    // every token of it until its end, some 350 bytes per `0,`.
    let wide = format!("- [{}]\n", vec!["0"; 3_000_000].join(","));
    let dir = with_old(wide.as_bytes());
    let start = Instant::now();
    let out = citc(&["diff", "old.yaml", "new.yaml"], dir.path());
    assert_refused(&out, &["old.yaml:1:", "read more than 512 KiB ahead"]);
    assert!(start.elapsed() < Duration::from_secs(30));
}

// ------------------------------------------------------------------ kinds

#[test]
fn a_release_holds_only_instance_types_and_preferences() {
    let config_map = format!(
        "{PREFERENCE}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {{}}\n"
    );
    let dir = with_old(config_map.as_bytes());
    let out = citc(&["diff", "old.yaml", "new.yaml"], dir.path());
    assert_refused(&out, &["old.yaml:11:", "ConfigMap", "document 2"]);

    for empty in ["", "\n# nothing\n", "---\n...\n"] {
        let dir = with_old(empty.as_bytes());
        let out = citc(&["diff", "old.yaml", "new.yaml"], dir.path());
        assert_refused(&out, &["old.yaml", "no documents"]);
    }
}

// ------------------------------------------------------------------ exit codes

#[test]
fn every_failure_exits_2_and_a_met_fail_on_exits_1() {
    let dir = with_old(PREFERENCE.as_bytes());
    let run = |args: &[&str]| citc(args, dir.path());
    // 0 and 1.
    assert_eq!(
        run(&["diff", "old.yaml", "new.yaml", "--fail-on", "any"])
            .status
            .code(),
        Some(0)
    );
    let changed = PREFERENCE.replace("1Gi", "2Gi");
    std::fs::write(dir.path().join("changed.yaml"), changed).expect("write");
    assert_eq!(
        run(&["diff", "old.yaml", "changed.yaml", "--fail-on", "breaking"])
            .status
            .code(),
        Some(1)
    );
    // Usage errors.
    for usage in [
        &["diff"][..],
        &["diff", "old.yaml", "new.yaml", "--fail-on", "sometimes"],
        &["diff", "old.yaml", "new.yaml", "--no-such-flag"],
    ] {
        let out = run(usage);
        assert_eq!(out.status.code(), Some(2), "{usage:?}: {}", stderr(&out));
    }
    // A REF that is a folder named like a bundle, inside a release folder.
    std::fs::create_dir_all(dir.path().join("rel/common-instancetypes-all-bundle.yaml"))
        .expect("mkdir");
    assert_refused(
        &run(&["diff", "rel", "new.yaml"]),
        &["a folder, not a regular file"],
    );
    // A REF that cannot be read.
    #[cfg(unix)]
    {
        let fifo = dir.path().join("fifo.yaml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let start = Instant::now();
        assert_refused(&run(&["diff", "fifo.yaml", "new.yaml"]), &["a FIFO"]);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "waited on a FIFO"
        );
    }
    // Refused input: too deep.
    let deep = "[".repeat(500) + &"]".repeat(500);
    std::fs::write(dir.path().join("deep.yaml"), deep).expect("write");
    assert_refused(&run(&["diff", "deep.yaml", "new.yaml"]), &["nested deeper"]);
}

// ------------------------------------------------------------------ downloads

/// Serves `files` (URL path → body) on 127.0.0.1 for at most `limit`
/// connections; counts requests per path; 404 for anything else.
fn serve(files: Vec<(String, Vec<u8>)>, limit: usize) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(limit) {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let request = String::from_utf8_lossy(&request);
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            if path.ends_with(".yaml") {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            let (status, body): (&str, &[u8]) = match files.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", body),
                None => ("404 Not Found", b"not found"),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: text/yaml\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    (port, requests)
}

const ASSET: &str = "/download/v1.7.0/common-instancetypes-all-bundle-v1.7.0.yaml";
const CHECKSUMS: &str = "/download/v1.7.0/CHECKSUMS.sha256";

/// A folder with a catalog whose release URL points at the local server.
fn catalog_for(port: u16) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("catalog.cit"),
        format!(
            "preference p {{ spec.requirements.cpu.guest = 1 }}\n\
             let release_url = \"http://127.0.0.1:{port}/download/\\${{version}}/common-instancetypes-all-bundle-\\${{version}}.yaml\"\n"
        ),
    )
    .expect("write catalog");
    dir
}

fn download(dir: &Path, extra: &[&str]) -> Output {
    let cache = dir.join("cache");
    let mut args = vec!["diff", "v1.7.0", "v1.7.0", "--allow-http"];
    args.extend_from_slice(extra);
    citc_env(&args, dir, &[("CITC_CACHE_DIR", &cache)])
}

/// The cached bundles (not the digests recorded beside them).
fn cached_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("cache/releases"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn plain_http_needs_allow_http_and_warns() {
    let Some(release) = v1_7_0() else { return };
    let bundle = std::fs::read(release.join("common-instancetypes-all-bundle.yaml")).unwrap();
    let (port, requests) = serve(vec![(ASSET.to_string(), bundle)], 10);
    let dir = catalog_for(port);
    let cache = dir.path().join("cache");
    let out = citc_env(
        &["diff", "v1.7.0", "v1.7.0"],
        dir.path(),
        &[("CITC_CACHE_DIR", &cache)],
    );
    assert_refused(&out, &["http://", "--allow-http"]);
    assert_eq!(requests.load(Ordering::SeqCst), 0, "nothing was asked");

    let out = download(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: ") && stderr(&out).contains("plain http"),
        "{}",
        stderr(&out)
    );
    // No CHECKSUMS.sha256 on this server: said, not an error.
    assert!(
        stderr(&out).contains("CHECKSUMS.sha256"),
        "{}",
        stderr(&out)
    );
    assert!(!cached_files(dir.path()).is_empty());
}

#[test]
fn a_bad_cached_copy_is_downloaded_again() {
    let Some(release) = v1_7_0() else { return };
    let bundle = std::fs::read(release.join("common-instancetypes-all-bundle.yaml")).unwrap();
    // Ten connections: a bundle and a CHECKSUMS.sha256 (404) for each of
    // the five downloads below; then the server is gone.
    let (port, requests) = serve(vec![(ASSET.to_string(), bundle.clone())], 10);
    let dir = catalog_for(port);
    // Fills the cache.
    let out = download(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let files = cached_files(dir.path());
    assert_eq!(files.len(), 1);
    let cached = &files[0];
    // REF and REF2 are the same release: one download, then the cache.
    assert_eq!(requests.load(Ordering::SeqCst), 1);

    let broken: [&[u8]; 4] = [
        b"",
        &bundle[..bundle.len() / 2],
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        b"- [\n",
    ];
    for (i, bad) in broken.iter().enumerate() {
        std::fs::write(cached, bad).expect("spoil the cache");
        let out = download(dir.path(), &[]);
        assert_eq!(out.status.code(), Some(0), "{i}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("downloading it again"),
            "{i}: {}",
            stderr(&out)
        );
        assert_eq!(requests.load(Ordering::SeqCst), 2 + i, "{i}");
        assert_eq!(std::fs::read(cached).unwrap(), bundle, "{i}: repaired");
    }
    // No temporary files left in the cache folder.
    assert_eq!(cached_files(dir.path()).len(), 1);

    // A bad cached copy, and the server gone: an error that says both.
    std::fs::write(cached, b"").expect("spoil the cache");
    let out = download(dir.path(), &[]);
    assert_refused(
        &out,
        &["is unusable", "was recorded", "downloading it again failed"],
    );
    assert!(
        !stderr(&out).contains("tried, in order"),
        "{}",
        stderr(&out)
    );
}

/// A cached copy cut short where it still parses (at a document boundary),
/// or altered into another valid release, is not the release: its sha256
/// is not the one recorded when it was downloaded, so it is fetched again.
/// A copy without a recorded digest is fetched again too.
#[test]
fn a_cached_copy_that_still_parses_is_checked_against_its_recorded_digest() {
    let Some(release) = v1_7_0() else { return };
    let bundle = std::fs::read(release.join("common-instancetypes-all-bundle.yaml")).unwrap();
    let text = String::from_utf8(bundle.clone()).unwrap();
    // Cut after the first few documents: still a valid bundle.
    let cut = text.match_indices("\n---\n").nth(3).expect("documents").0 + 1;
    let truncated = text[..cut].to_string();
    assert!(
        citc::diff::read::parse_bundle(&truncated, "t").is_ok(),
        "the cut copy still parses"
    );
    // The other documents only: another valid bundle.
    let altered = text[cut..].to_string();
    let (port, requests) = serve(vec![(ASSET.to_string(), bundle.clone())], 8);
    let dir = catalog_for(port);
    let out = download(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = out.stdout;
    let cached = cached_files(dir.path()).pop().expect("cached");
    let digest = cached.with_file_name(format!(
        "{}.sha256",
        cached.file_name().unwrap().to_string_lossy()
    ));
    let recorded = std::fs::read_to_string(&digest).expect("a digest beside the copy");
    let sum: String = Sha256::digest(&bundle)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(recorded.starts_with(&sum), "{recorded}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);

    for (i, bad) in [truncated.as_str(), altered.as_str()].iter().enumerate() {
        std::fs::write(&cached, bad).expect("spoil the cache");
        let out = download(dir.path(), &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{i}: {err}");
        assert!(err.contains("downloading it again"), "{i}: {err}");
        assert!(err.contains("was recorded"), "{i}: {err}");
        // The report compares the whole release with itself, as before.
        assert_eq!(out.stdout, report, "{i}");
        assert_eq!(std::fs::read(&cached).unwrap(), bundle, "{i}: repaired");
    }
    // A copy whose digest was never recorded (a cache from before, or a
    // file put there by hand) is fetched again as well.
    std::fs::remove_file(&digest).expect("remove the digest");
    let out = download(dir.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("no sha256 recorded"), "{err}");
    assert!(digest.is_file(), "recorded again");
    // Each of the three spoiled copies was downloaded again (a bundle and
    // a CHECKSUMS.sha256 each).
    assert_eq!(requests.load(Ordering::SeqCst), 4);
}

#[test]
fn checksums_are_verified_when_the_release_publishes_them() {
    let Some(release) = v1_7_0() else { return };
    let bundle = std::fs::read(release.join("common-instancetypes-all-bundle.yaml")).unwrap();
    // Upstream's own file, listing the assets without their version suffix.
    let sums = std::fs::read(release.join("CHECKSUMS.sha256")).unwrap();
    let (port, _) = serve(
        vec![
            (ASSET.to_string(), bundle.clone()),
            (CHECKSUMS.to_string(), sums),
        ],
        10,
    );
    let dir = catalog_for(port);
    let out = download(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("sha256 verified"), "{}", stderr(&out));

    // A line with the asset's own name, and the wrong sum.
    let digest: String = Sha256::digest(b"something else")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let lying = format!("{digest}  common-instancetypes-all-bundle-v1.7.0.yaml\n");
    let (port, _) = serve(
        vec![
            (ASSET.to_string(), bundle.clone()),
            (CHECKSUMS.to_string(), lying.into_bytes()),
        ],
        10,
    );
    let dir = catalog_for(port);
    let out = download(dir.path(), &[]);
    assert_refused(
        &out,
        &[
            "sha256",
            "CHECKSUMS.sha256",
            &digest,
            "help: the download does not match",
        ],
    );
    // An error of its own, not one more step that found nothing.
    assert!(
        !stderr(&out).contains("tried, in order"),
        "{}",
        stderr(&out)
    );
    assert!(cached_files(dir.path()).is_empty(), "nothing cached");

    // A checksum file that does not list the asset.
    let (port, _) = serve(
        vec![
            (ASSET.to_string(), bundle),
            (
                CHECKSUMS.to_string(),
                format!("{digest}  other.yaml\n").into_bytes(),
            ),
        ],
        10,
    );
    let dir = catalog_for(port);
    let out = download(dir.path(), &[]);
    assert_refused(&out, &["does not list"]);
}

#[test]
fn a_download_is_bounded_in_size_and_must_be_a_release() {
    let huge = vec![b'#'; (64 << 20) + 1];
    let config_map = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".to_vec();
    for (body, needle) in [
        (huge, "larger than"),
        (config_map, "ConfigMap"),
        (Vec::new(), "no documents"),
    ] {
        let (port, _) = serve(vec![(ASSET.to_string(), body)], 10);
        let dir = catalog_for(port);
        let out = download(dir.path(), &[]);
        assert_refused(&out, &[needle]);
        assert!(
            !stderr(&out).contains("tried, in order"),
            "{}",
            stderr(&out)
        );
        assert!(cached_files(dir.path()).is_empty(), "nothing cached");
    }
}

// ------------------------------------------------------------------ fuzzing finds

/// Found by the diff_yaml fuzz target: `.nan` is not equal to itself as a
/// float, so a release holding it differed from itself.
#[test]
fn a_release_with_nan_has_no_change_against_itself() {
    let nan = format!("{PREFERENCE}  x: .nan\n  labels: {{a: .NaN}}\n");
    let dir = with_old(nan.as_bytes());
    let out = citc(
        &[
            "diff",
            "old.yaml",
            "old.yaml",
            "--fail-on",
            "any",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(
            "\"summary\": {\"added\": 0, \"removed\": 0, \"changed\": 0, \"breaking\": 0}"
        ),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Found by the diff_yaml fuzz target on its first input: an alias inside
/// the value its anchor names was "a malformed value", with no help line.
#[test]
fn a_recursive_alias_is_refused_with_a_help() {
    let recursive = "kind: VirtualMachinePreference\nmetadata:\n  name: a\nspec: &s {l: [*s]}\n";
    let dir = with_old(recursive.as_bytes());
    let out = citc(&["diff", "old.yaml", "new.yaml"], dir.path());
    assert_refused(
        &out,
        &["old.yaml:4:15: an alias inside the value its anchor names"],
    );
}

/// `diff --version` is checked by the function that checks `build
/// --version`: the same error, exit code 2, before anything is compiled.
#[test]
fn diff_version_is_validated_as_build_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("catalog.cit"),
        "preference p { spec.requirements.cpu.guest = 1 }\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("old.yaml"), PREFERENCE).expect("write");
    for version in ["", "v1.0.0/../x", "v1-", "a b", &"v".repeat(64)] {
        let diff = citc(&["diff", "old.yaml", "--version", version], dir.path());
        let build = citc(
            &["build", "catalog.cit", "-o", "out", "--version", version],
            dir.path(),
        );
        assert_eq!(
            diff.status.code(),
            Some(2),
            "{version:?}: {}",
            stderr(&diff)
        );
        assert_eq!(build.status.code(), Some(2), "{version:?}");
        assert_eq!(stderr(&diff), stderr(&build), "{version:?}");
        assert!(
            stderr(&diff).starts_with("error: --version"),
            "{}",
            stderr(&diff)
        );
        assert!(diff.stdout.is_empty());
    }
    // A valid one is taken.
    let out = citc(&["diff", "old.yaml", "--version", "v1.2.3"], dir.path());
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
}
