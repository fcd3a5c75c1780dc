//! The GitHub Actions workflows of editors/github/, run here as GitHub runs
//! them: each `run:` step's script, in order, with bash's flags of
//! `shell: bash` (`--noprofile --norc -eo pipefail`), the step's `env:`, and
//! the runner's GITHUB_* variables pointing into a temporary folder; the job
//! stops at the first step that fails. Steps that `uses:` an action
//! (checkout) are the repository itself here, and "Install citc" is the
//! binary under test on PATH.
//!
//! Shared by tests/gate.rs, tests/release_workflow.rs and
//! tests/migration_kit.rs (`mod workflow;`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use saphyr::{LoadableYamlNode, YamlOwned};

pub fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One step of the workflow's job.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    pub run: Option<String>,
    pub uses: Option<String>,
    /// `env:` and `with:`, as written (expressions unexpanded).
    pub env: Vec<(String, String)>,
    pub with: Vec<(String, String)>,
}

/// The workflow file: what the tests check of its settings, and its one
/// job's steps.
#[derive(Debug)]
pub struct Workflow {
    pub file: PathBuf,
    /// `on.push.tags`, `on.push.branches` (empty when absent).
    pub push_tags: Vec<String>,
    /// Top-level `permissions:` as key → value (`contents` → `read`).
    pub permissions: Vec<(String, String)>,
    /// The job's own `permissions:`.
    pub job_permissions: Vec<(String, String)>,
    /// `defaults.run.shell`.
    pub shell: Option<String>,
    pub steps: Vec<Step>,
}

fn text(y: &YamlOwned) -> String {
    match y {
        YamlOwned::Value(scalar) => {
            if let Some(s) = y.as_str() {
                s.to_string()
            } else if let Some(b) = y.as_bool() {
                b.to_string()
            } else if let Some(i) = y.as_integer() {
                i.to_string()
            } else {
                format!("{scalar:?}")
            }
        }
        other => panic!("not a scalar: {other:?}"),
    }
}

fn pairs(y: Option<&YamlOwned>) -> Vec<(String, String)> {
    let Some(map) = y.and_then(YamlOwned::as_mapping) else {
        return Vec::new();
    };
    map.iter().map(|(k, v)| (text(k), text(v))).collect()
}

fn strings(y: Option<&YamlOwned>) -> Vec<String> {
    y.and_then(YamlOwned::as_sequence)
        .map(|seq| seq.iter().map(text).collect())
        .unwrap_or_default()
}

/// Reads `editors/github/NAME`; it must have exactly one job.
pub fn load(name: &str) -> Workflow {
    let file = project().join("editors/github").join(name);
    let source = std::fs::read_to_string(&file).expect("read the workflow");
    let docs = YamlOwned::load_from_str(&source)
        .unwrap_or_else(|e| panic!("{}: not YAML: {e}", file.display()));
    let doc = &docs[0];
    let jobs = doc
        .as_mapping_get("jobs")
        .and_then(YamlOwned::as_mapping)
        .expect("jobs");
    assert_eq!(jobs.len(), 1, "{name}: one job");
    let job = jobs.values().next().expect("a job");
    let steps = job
        .as_mapping_get("steps")
        .and_then(YamlOwned::as_sequence)
        .expect("steps")
        .iter()
        .map(|step| Step {
            name: step.as_mapping_get("name").map(text).unwrap_or_default(),
            run: step.as_mapping_get("run").map(text),
            uses: step.as_mapping_get("uses").map(text),
            env: pairs(step.as_mapping_get("env")),
            with: pairs(step.as_mapping_get("with")),
        })
        .collect();
    let push = doc
        .as_mapping_get("on")
        .and_then(|on| on.as_mapping_get("push"));
    Workflow {
        push_tags: strings(push.and_then(|p| p.as_mapping_get("tags"))),
        permissions: pairs(doc.as_mapping_get("permissions")),
        job_permissions: pairs(job.as_mapping_get("permissions")),
        shell: doc
            .as_mapping_get("defaults")
            .and_then(|d| d.as_mapping_get("run"))
            .and_then(|r| r.as_mapping_get("shell"))
            .map(text),
        steps,
        file,
    }
}

/// What every workflow of the kit must say, whatever zizmor is there to
/// check: read-only permissions at the top, bash with pipefail, actions
/// pinned by commit, no credentials left in the checkout, citc installed.
pub fn assert_hardened(workflow: &Workflow) {
    let name = workflow.file.display();
    assert_eq!(
        workflow.permissions,
        [("contents".to_string(), "read".to_string())],
        "{name}: permissions"
    );
    assert_eq!(workflow.shell.as_deref(), Some("bash"), "{name}: shell");
    let mut checkouts = 0;
    for step in &workflow.steps {
        if let Some(uses) = &step.uses {
            let (_, reference) = uses.split_once('@').expect("uses ACTION@REF");
            assert!(
                reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit()),
                "{name}: {uses} is not pinned by commit"
            );
            if uses.starts_with("actions/checkout@") {
                checkouts += 1;
                assert!(
                    step.with
                        .contains(&("persist-credentials".into(), "false".into())),
                    "{name}: checkout persists credentials"
                );
                assert!(
                    step.with.contains(&("fetch-depth".into(), "0".into())),
                    "{name}: checkout without tags"
                );
            }
        }
    }
    assert_eq!(checkouts, 1, "{name}: one checkout");
    assert!(
        workflow.steps.iter().any(|s| s.name == "Install citc"),
        "{name}: installs citc"
    );
}

/// The result of one step that ran.
#[derive(Debug)]
pub struct Ran {
    pub name: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// The runner's files and variables for one job.
pub struct Runner {
    pub dir: tempfile::TempDir,
    /// Extra variables (GITHUB_REF_NAME, ...).
    pub vars: Vec<(String, String)>,
    /// Folders put before the system's PATH, after citc's.
    pub path: Vec<PathBuf>,
}

impl Runner {
    pub fn new() -> Runner {
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).expect("mkdir");
        // `citc` on PATH is the binary under test.
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_citc"), bin.join("citc")).expect("link");
        for file in ["summary.md", "output", "env"] {
            std::fs::write(dir.path().join(file), "").expect("write");
        }
        Runner {
            dir,
            vars: Vec::new(),
            path: Vec::new(),
        }
    }

    pub fn var(mut self, key: &str, value: &str) -> Runner {
        self.vars.push((key.to_string(), value.to_string()));
        self
    }

    /// A program of the test's own on PATH (e.g. a `gh` that records what
    /// it was asked).
    pub fn program(self, name: &str, script: &str) -> Runner {
        let file = self.dir.path().join("bin").join(name);
        std::fs::write(&file, script).expect("write");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        self
    }

    pub fn summary(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("summary.md")).expect("summary")
    }

    /// Runs the job's `run:` steps in `repo`, in order, until one fails.
    pub fn run(&self, workflow: &Workflow, repo: &Path) -> Vec<Ran> {
        let mut ran = Vec::new();
        let system_path = std::env::var_os("PATH").unwrap_or_default();
        let mut path = vec![self.dir.path().join("bin")];
        path.extend(self.path.iter().cloned());
        path.extend(std::env::split_paths(&system_path));
        let path = std::env::join_paths(path).expect("PATH");
        for (i, step) in workflow.steps.iter().enumerate() {
            let Some(script) = &step.run else { continue };
            if step.name == "Install citc" {
                continue;
            }
            let file = self.dir.path().join(format!("step-{i}.sh"));
            std::fs::write(&file, script).expect("write");
            let mut command = Command::new("bash");
            command
                .args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&file)
                .current_dir(repo)
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_WORKSPACE", repo)
                .env("GITHUB_STEP_SUMMARY", self.dir.path().join("summary.md"))
                .env("GITHUB_OUTPUT", self.dir.path().join("output"))
                .env("GITHUB_ENV", self.dir.path().join("env"))
                .env("RUNNER_TEMP", self.dir.path())
                // Never a download from `citc diff`: a cache of the test's own.
                .env("CITC_CACHE_DIR", self.dir.path().join("cache"))
                .env("GIT_CONFIG_GLOBAL", self.dir.path().join("gitconfig"))
                .env("GIT_CONFIG_NOSYSTEM", "1");
            for (key, value) in &step.env {
                command.env(key, expand(value));
            }
            for (key, value) in &self.vars {
                command.env(key, value);
            }
            let out = command.output().expect("run bash");
            let failed = !out.status.success();
            ran.push(Ran {
                name: step.name.clone(),
                code: out.status.code(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
            if failed {
                break;
            }
        }
        ran
    }
}

impl Default for Runner {
    fn default() -> Runner {
        Runner::new()
    }
}

/// The one expression the kit's steps use.
fn expand(value: &str) -> String {
    value.replace("${{ github.token }}", "test-token")
}

/// The steps' names and exit codes, for assertions that show the whole job.
pub fn codes(ran: &[Ran]) -> Vec<(&str, Option<i32>)> {
    ran.iter().map(|r| (r.name.as_str(), r.code)).collect()
}

/// Every step ran and passed: the number of `run:` steps but the install.
pub fn assert_all_passed(workflow: &Workflow, ran: &[Ran]) {
    let expected = workflow
        .steps
        .iter()
        .filter(|s| s.run.is_some() && s.name != "Install citc")
        .count();
    let failed: Vec<&Ran> = ran.iter().filter(|r| r.code != Some(0)).collect();
    assert!(
        failed.is_empty() && ran.len() == expected,
        "{}: {:?}\n{}",
        workflow.file.display(),
        codes(ran),
        failed
            .iter()
            .map(|r| format!("{}:\n{}{}", r.name, r.stdout, r.stderr))
            .collect::<String>()
    );
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Commits everything in the work tree.
pub fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A", "."]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Replaces the first `from` in `file` with `to`.
pub fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}
