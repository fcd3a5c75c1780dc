//! The GitHub action (action.yml) and what it runs: dist/install.sh against
//! a release folder made by dist/package.sh and served on 127.0.0.1 (the
//! archive checked against SHA256SUMS, a cached install reused without a
//! download, every failure refused with its reason), dist/gate.sh run on
//! catalog repositories and held to the same commands as
//! editors/github/citc-gate.yml, and the catalog workflows using the action
//! pinned at a commit of this repository whose action is today's. The
//! schema and zizmor checks of action.yml are in editors/github/test/lint.sh.

mod common;

use common::{stderr, stdout};

mod served;
mod workflow;

use std::path::Path;
use std::process::{Command, Output};

use saphyr::{LoadableYamlNode, YamlOwned};
use served::{release_folder, Server, TARGET, VERSION};
use workflow::{commit, git, project};

fn yaml(path: &Path) -> YamlOwned {
    let text = std::fs::read_to_string(path).expect("read");
    YamlOwned::load_from_str(&text).expect("YAML").remove(0)
}

fn get<'a>(y: &'a YamlOwned, key: &str) -> &'a YamlOwned {
    y.as_mapping_get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {y:?}"))
}

fn string(y: &YamlOwned) -> &str {
    y.as_str().unwrap_or_else(|| panic!("not a string: {y:?}"))
}

/// The repository named once in Cargo.toml (`kubevirt/citc`).
fn repository() -> String {
    let url = env!("CARGO_PKG_REPOSITORY");
    url.strip_prefix("https://github.com/")
        .unwrap_or_else(|| panic!("repository is not on GitHub: {url}"))
        .to_string()
}

#[test]
fn the_action_is_composite_documented_and_pinned() {
    let action = yaml(&project().join("action.yml"));
    assert_eq!(string(get(get(&action, "runs"), "using")), "composite");
    let inputs = get(&action, "inputs").as_mapping().expect("inputs");
    for (name, input) in inputs {
        let description = string(get(input, "description"));
        assert!(description.len() > 20, "{name:?}: {description}");
    }
    // It installs the release of this version by default.
    assert_eq!(
        string(get(get(get(&action, "inputs"), "version"), "default")),
        VERSION
    );
    let steps = get(get(&action, "runs"), "steps")
        .as_sequence()
        .expect("steps");
    for step in steps {
        if let Some(uses) = step.as_mapping_get("uses") {
            let (_, reference) = string(uses).split_once('@').expect("ACTION@REF");
            assert!(
                reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit()),
                "{uses:?} is not pinned by commit"
            );
        }
    }
    let runs: Vec<&str> = steps
        .iter()
        .filter_map(|s| s.as_mapping_get("run").map(string))
        .collect();
    assert!(runs
        .iter()
        .any(|r| r.contains("$GITHUB_ACTION_PATH/dist/install.sh")));
    assert!(runs
        .iter()
        .any(|r| r.contains("$GITHUB_ACTION_PATH/dist/gate.sh")));
    // No input reaches a script as an expression (template injection).
    for run in &runs {
        assert!(!run.contains("${{"), "{run}");
    }
}

/// Runs dist/install.sh with the settings given, GitHub's files in `dir`.
fn install(dir: &Path, settings: &[(&str, &str)]) -> Output {
    let mut command = Command::new("bash");
    command
        .arg(project().join("dist/install.sh"))
        .env("HOME", dir)
        .env("GITHUB_PATH", dir.join("github_path"))
        .env("GITHUB_OUTPUT", dir.join("github_output"))
        .env_remove("CITC_VERSION")
        .env_remove("CITC_RELEASE_URL")
        .env_remove("CITC_INSTALL_DIR")
        .env("CITC_TARGET", TARGET);
    for (key, value) in settings {
        command.env(key, value);
    }
    command.output().expect("run install.sh")
}

#[test]
fn install_sh_installs_a_release_served_here_and_checks_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let release = release_folder(dir.path());
    let server = Server::start(dir.path().to_path_buf(), 50);
    let url = server.url();
    let bin = dir.path().join("tool/citc").join(VERSION);
    let bin_str = bin.to_str().unwrap();
    let settings = [
        ("CITC_VERSION", VERSION),
        ("CITC_RELEASE_URL", url.as_str()),
        ("CITC_INSTALL_DIR", bin_str),
    ];

    // A fresh install: the sums and the archive, checked, unpacked, run.
    let out = install(dir.path(), &settings);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let archive = format!("citc-{VERSION}-{TARGET}.tar.gz");
    assert_eq!(
        server.asked(),
        [
            format!("/releases/{VERSION}/SHA256SUMS"),
            format!("/releases/{VERSION}/{archive}")
        ]
    );
    let version = Command::new(bin.join("citc"))
        .arg("--version")
        .output()
        .expect("run the installed citc");
    assert!(stdout(&version).starts_with(&format!("citc {} ", env!("CARGO_PKG_VERSION"))));
    assert!(stdout(&out).contains(&stdout(&version)));
    let path = std::fs::read_to_string(dir.path().join("github_path")).expect("GITHUB_PATH");
    assert_eq!(path, format!("{bin_str}\n"));
    let output = std::fs::read_to_string(dir.path().join("github_output")).expect("GITHUB_OUTPUT");
    assert_eq!(output, format!("path={bin_str}\n"));

    // Again into the same folder (the action's cache): no download.
    let out = install(dir.path(), &settings);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("(cached)"), "{}", stdout(&out));
    assert_eq!(server.asked().len(), 2);
    // A cached binary that changed is downloaded again.
    std::fs::write(bin.join("citc"), "#!/bin/sh\necho citc 9.9.9\n").expect("write");
    let out = install(dir.path(), &settings);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("(cached)"));
    assert_eq!(server.asked().len(), 4);

    // An archive that does not match SHA256SUMS is refused; nothing installed.
    let fresh = dir.path().join("fresh");
    let fresh_settings = [
        settings[0],
        settings[1],
        ("CITC_INSTALL_DIR", fresh.to_str().unwrap()),
    ];
    let sums = std::fs::read_to_string(release.join("SHA256SUMS")).expect("sums");
    let tampered = format!("{}{}", "0".repeat(64), &sums[64..]);
    std::fs::write(release.join("SHA256SUMS"), &tampered).expect("write");
    let out = install(dir.path(), &fresh_settings);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("does not match its checksum"),
        "{}",
        stderr(&out)
    );
    assert!(!fresh.join("citc").exists());
    // An archive the sums do not list is refused.
    std::fs::write(release.join("SHA256SUMS"), "").expect("write");
    let out = install(dir.path(), &fresh_settings);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("does not list"), "{}", stderr(&out));
    std::fs::write(release.join("SHA256SUMS"), &sums).expect("write");
    // A release that is not there.
    let out = install(
        dir.path(),
        &[("CITC_VERSION", "v0.0.1"), settings[1], fresh_settings[2]],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot download"), "{}", stderr(&out));
    // An archive whose binary is another version.
    let other = dir.path().join("releases/v9.9.9");
    std::fs::create_dir_all(&other).expect("mkdir");
    std::fs::copy(
        release.join(&archive),
        other.join(format!("citc-v9.9.9-{TARGET}.tar.gz")),
    )
    .expect("copy");
    let out = Command::new("bash")
        .args(["-c", "mkdir x && tar -xzf *.tar.gz -C x && rm *.tar.gz && mv x/* x/citc-v9.9.9-x86_64-unknown-linux-gnu 2>/dev/null; cd x && tar -czf ../citc-v9.9.9-x86_64-unknown-linux-gnu.tar.gz citc-v9.9.9-x86_64-unknown-linux-gnu && cd .. && rm -r x && sha256sum citc-* > SHA256SUMS"])
        .current_dir(&other)
        .output()
        .expect("bash");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = install(
        dir.path(),
        &[("CITC_VERSION", "v9.9.9"), settings[1], fresh_settings[2]],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("does not run as citc 9.9.9"),
        "{}",
        stderr(&out)
    );

    // Settings: a version is required, and downloads are https (http only
    // on this machine).
    for (bad, says) in [
        (vec![settings[1]], "CITC_VERSION is not set"),
        (
            vec![("CITC_VERSION", "latest"), settings[1]],
            "not a release tag",
        ),
        (
            vec![settings[0], ("CITC_RELEASE_URL", "http://example.com/r")],
            "only https",
        ),
    ] {
        let out = install(dir.path(), &bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&out).contains(says), "{bad:?}: {}", stderr(&out));
    }
}

/// A catalog repository: catalog.cit and a README with its resource
/// tables, committed and tagged v1.7.0.
fn catalog_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::copy(project().join("catalog.cit"), root.join("catalog.cit")).expect("copy");
    std::fs::write(root.join("README.md"), "# A catalog\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(["doc", "readme", "--write", "README.md"])
        .current_dir(root)
        .output()
        .expect("citc");
    assert!(out.status.success());
    git(root, &["init", "-q", "."]);
    commit(root, "catalog");
    git(root, &["tag", "v1.7.0"]);
    dir
}

fn gate(repo: &Path, steps: &[&str]) -> Output {
    let bin = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_citc"), bin.path().join("citc")).expect("link");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .arg(project().join("dist/gate.sh"))
        .args(steps)
        .current_dir(repo)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("GITHUB_STEP_SUMMARY", bin.path().join("summary.md"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run gate.sh")
}

#[test]
fn gate_sh_runs_the_steps_asked_for_and_stops_at_the_first_failure() {
    let repo = catalog_repository();
    let all = ["fmt", "check", "build", "readme", "diff"];
    let out = gate(repo.path(), &all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    for step in all {
        assert!(stdout(&out).contains(&format!("::group::citc gate: {step}\n")));
    }
    // An unformatted catalog stops the gate at fmt, with fmt's exit code.
    let text = std::fs::read_to_string(repo.path().join("catalog.cit")).expect("read");
    std::fs::write(repo.path().join("catalog.cit"), format!("{text}\n\n")).expect("write");
    let out = gate(repo.path(), &all);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("::error title=citc gate::step fmt failed with exit code 1"));
    assert!(!stdout(&out).contains("citc gate: check"));
    // Only the steps asked for run.
    let out = gate(repo.path(), &["readme"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // A step that does not exist is refused before any runs.
    let out = gate(repo.path(), &["check", "lint"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown step 'lint'"));
    assert!(!stdout(&out).contains("::group::"));
}

/// Each gate step's shell text, from the `step_NAME() { … }` functions of
/// gate.sh, in the catalog workflow's words: the catalog is `catalog.cit`
/// there (diff's default, which the workflow leaves unsaid), and a
/// function returns where a step exits.
fn gate_sh_steps() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(project().join("dist/gate.sh")).expect("read");
    let mut steps = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(name) = line
            .strip_prefix("step_")
            .and_then(|l| l.strip_suffix("() {"))
        {
            current = Some((name.to_string(), String::new()));
        } else if line == "}" {
            steps.extend(current.take());
        } else if let Some((_, body)) = current.as_mut() {
            let line = line
                .strip_prefix("  ")
                .unwrap_or(line)
                // The workflow's diff reads catalog.cit, diff's default.
                .replace(
                    "citc diff \"$last\" --catalog \"$catalog\"",
                    "citc diff \"$last\"",
                )
                .replace("\"$catalog\"", "catalog.cit")
                .replace("${GITHUB_STEP_SUMMARY:-/dev/null}", "$GITHUB_STEP_SUMMARY")
                .replace("return 0", "exit 0");
            body.push_str(&line);
            body.push('\n');
        }
    }
    steps
}

#[test]
fn gate_sh_runs_the_commands_of_the_catalog_workflow() {
    let workflow = workflow::load("citc-gate.yml");
    let names = [
        ("fmt", "Formatting"),
        ("check", "Type check and lint"),
        ("build", "The catalog builds"),
        ("readme", "README's generated tables are up to date"),
        ("diff", "No breaking change since the last release"),
    ];
    let steps = gate_sh_steps();
    assert_eq!(
        steps.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        names.iter().map(|(n, _)| *n).collect::<Vec<_>>()
    );
    for ((name, body), (_, title)) in steps.iter().zip(names) {
        let step = workflow
            .steps
            .iter()
            .find(|s| s.name == title)
            .unwrap_or_else(|| panic!("citc-gate.yml has no step {title:?}"));
        let run = step.run.as_deref().expect("run");
        assert_eq!(
            body.trim(),
            run.trim(),
            "gate.sh's {name} and citc-gate.yml's {title:?}"
        );
    }
}

/// The commit of this repository that `uses: REPOSITORY@SHA` pins, in a
/// workflow of editors/github.
fn pinned_commit(workflow: &str) -> String {
    let wanted = format!("{}@", repository());
    let flow = workflow::load(workflow);
    let step = flow
        .steps
        .iter()
        .find(|s| s.uses.as_deref().is_some_and(|u| u.starts_with(&wanted)))
        .unwrap_or_else(|| panic!("{workflow} does not use {wanted}…"));
    assert_eq!(step.name, "Install citc");
    assert_eq!(
        step.with,
        [("version".to_string(), VERSION.to_string())],
        "{workflow}: the release installed is this version"
    );
    step.uses.as_deref().unwrap()[wanted.len()..].to_string()
}

#[test]
fn the_catalog_workflows_use_the_action_as_it_is_now() {
    let gate = pinned_commit("citc-gate.yml");
    let release = pinned_commit("citc-release.yml");
    assert_eq!(gate, release, "both workflows pin the same commit");
    assert!(gate.len() == 40 && gate.bytes().all(|b| b.is_ascii_hexdigit()));
    // The commit is in this repository's history, and its action and
    // scripts are today's: a change to them needs the pin moved too.
    let git_here = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(project())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| o.stdout)
    };
    if git_here(&["rev-parse", "--git-dir"]).is_none() {
        eprintln!("skipping the pinned commit's contents: not a git checkout");
        return;
    }
    if git_here(&["cat-file", "-e", &format!("{gate}^{{commit}}")]).is_none() {
        let shallow = git_here(&["rev-parse", "--is-shallow-repository"])
            .is_some_and(|o| o.starts_with(b"true"));
        assert!(
            shallow,
            "the workflows pin {gate}, which is not a commit of this repository"
        );
        eprintln!("skipping the pinned commit's contents: a shallow clone without {gate}");
        return;
    }
    for file in ["action.yml", "dist/install.sh", "dist/gate.sh"] {
        let then = git_here(&["show", &format!("{gate}:{file}")])
            .unwrap_or_else(|| panic!("{gate} has no {file}"));
        let now = std::fs::read(project().join(file)).expect("read");
        assert!(
            then == now,
            "{file} changed since {gate}, the commit the workflows of editors/github pin: \
             commit it, then pin that commit in citc-gate.yml and citc-release.yml"
        );
    }
}

#[test]
fn the_repository_is_named_once_and_the_same_everywhere() {
    let repository = repository();
    let files = [
        "action.yml",
        "dist/install.sh",
        "editors/github/citc-gate.yml",
        "editors/github/citc-release.yml",
        "Containerfile",
        ".pre-commit-hooks.yaml",
        "README.md",
        ".github/workflows/release.yml",
    ];
    for file in files {
        let text =
            std::fs::read_to_string(project().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        for (at, _) in text.match_indices("github.com/") {
            let rest = &text[at + "github.com/".len()..];
            let named: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "-_./".contains(*c))
                .collect();
            let mut parts = named.split('/');
            let (Some(owner), Some(name)) = (parts.next(), parts.next()) else {
                continue;
            };
            if name == "citc" || name.starts_with("citc.") {
                assert_eq!(format!("{owner}/citc"), repository, "{file}: {named}");
            }
        }
        assert!(
            !text.contains("your-org"),
            "{file} still has the placeholder"
        );
    }
}
