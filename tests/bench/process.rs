//! The process benchmark: `cargo bench --bench process`.
//!
//! Times whole `citc` processes as users run them (exec, parse, write, exit),
//! not phases in one process: `build`, `check`, `fmt --check` and `diff` on
//! the real catalog. Each is timed pairwise with the same work done by the
//! tools that are installed — upstream's release script (kustomize, the
//! version label, sha256sum) through tests/downstream/generate.sh, and
//! `kubectl kustomize` alone — in one interleaved loop, so that machine noise
//! falls on both sides and the ratios are fair.
//!
//! `-- --quick` runs fewer rounds and no alternatives.
//! `-- --guard` is CI's regression guard: it times `citc build` against
//! `citc --version` (the cost of starting a process on this machine, which
//! no change to the compiler moves) and fails only when the ratio is more
//! than three times the one recorded in [`RECORDED_BUILD_OVER_START`], so
//! that a slow or loaded machine never fails CI but a build made 3× slower
//! does.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `citc build catalog.cit` over `citc --version`, medians, measured on the
/// project's 2-core machine (2026-12-02): see README's performance section.
const RECORDED_BUILD_OVER_START: f64 = 4.5;

/// How much slower than recorded the guard lets a build be.
const GUARD_FACTOR: f64 = 3.0;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn citc() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_citc"))
}

/// One way to do a job: a program and its arguments, run in the project.
struct Job {
    label: &'static str,
    program: PathBuf,
    args: Vec<String>,
}

impl Job {
    fn citc(label: &'static str, args: &[&str]) -> Job {
        Job {
            label,
            program: citc(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// One run's wall time; panics when the job fails, so that a broken
    /// job is never timed as a fast one.
    fn run(&self) -> Duration {
        let start = Instant::now();
        let status = Command::new(&self.program)
            .args(&self.args)
            .current_dir(project())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("{}: cannot run {:?}: {e}", self.label, self.program));
        let elapsed = start.elapsed();
        assert!(
            status.success(),
            "{} failed ({status}): {:?} {:?}",
            self.label,
            self.program,
            self.args
        );
        elapsed
    }
}

struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

fn stats(mut runs: Vec<Duration>) -> Stats {
    runs.sort();
    Stats {
        median: runs[runs.len() / 2],
        min: runs[0],
        max: runs[runs.len() - 1],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Times `jobs` in `rounds` interleaved rounds (one run of each per round,
/// after one warm-up run of each) and returns their runs.
fn interleaved(jobs: &[Job], rounds: usize) -> Vec<Vec<Duration>> {
    for job in jobs {
        job.run();
    }
    let mut runs = vec![Vec::with_capacity(rounds); jobs.len()];
    for _ in 0..rounds {
        for (job, runs) in jobs.iter().zip(&mut runs) {
            runs.push(job.run());
        }
    }
    runs
}

/// This run's own folder under the temporary directory; removed at the end
/// (only it: never the temporary directory itself).
fn scratch_dir() -> PathBuf {
    std::env::temp_dir().join(format!("citc-process-bench-{}", std::process::id()))
}

fn scratch(name: &str) -> PathBuf {
    let dir = scratch_dir();
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir.join(name)
}

fn path_arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The citc commands, each beside the alternatives that do its job.
fn comparisons(alternatives: bool) -> Vec<Vec<Job>> {
    let out = path_arg(&scratch("citc"));
    let release = project().join("tests/golden/releases/v1.7.0");
    let source = project().join("../shared/upstream/source");
    let mut build = vec![Job::citc(
        "citc build catalog.cit -o DIR",
        &["build", "catalog.cit", "-o", &out],
    )];
    if alternatives && source.is_dir() && (on_path("kustomize") || on_path("kubectl")) {
        build.push(Job {
            label: "upstream's release script (generate.sh: 5 kustomize builds, yq, sha256sum)",
            program: "sh".into(),
            args: vec![
                "tests/downstream/generate.sh".into(),
                path_arg(&scratch("kustomize")),
                path_arg(&source),
                "v1.7.0".into(),
            ],
        });
        let (program, mut args) = if on_path("kustomize") {
            ("kustomize", vec!["build".to_string()])
        } else {
            ("kubectl", vec!["kustomize".to_string()])
        };
        args.push(path_arg(&source));
        build.push(Job {
            label: "kustomize build of the all-bundle alone",
            program: program.into(),
            args,
        });
    }
    let mut all = vec![
        build,
        vec![Job::citc(
            "citc check catalog.cit",
            &["check", "catalog.cit"],
        )],
        vec![Job::citc(
            "citc fmt --check catalog.cit",
            &["fmt", "--check", "catalog.cit"],
        )],
    ];
    if release.is_dir() {
        all.push(vec![Job::citc(
            "citc diff v1.7.0-folder",
            &["diff", &path_arg(&release), "--catalog", "catalog.cit"],
        )]);
    }
    all
}

fn report(jobs: &[Job], runs: Vec<Vec<Duration>>) {
    let base = stats(runs[0].clone()).median;
    for (job, runs) in jobs.iter().zip(runs) {
        let s = stats(runs);
        let ratio = ms(s.median) / ms(base);
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {} |",
            job.label,
            ms(s.median),
            ms(s.min),
            ms(s.max),
            if ratio == 1.0 {
                "1".to_string()
            } else {
                format!("{ratio:.1}×")
            }
        );
    }
}

/// CI's guard: fails on a gross regression of `citc build`, measured against
/// the start of a process on the same machine.
fn guard() -> bool {
    let start = Job::citc("citc --version", &["--version"]);
    let out = path_arg(&scratch("guard"));
    let build = Job::citc("citc build", &["build", "catalog.cit", "-o", &out]);
    let runs = interleaved(&[start, build], 15);
    let start = stats(runs[0].clone()).median;
    let build = stats(runs[1].clone()).median;
    let ratio = ms(build) / ms(start);
    let limit = RECORDED_BUILD_OVER_START * GUARD_FACTOR;
    println!(
        "citc build {:.2} ms, citc --version {:.2} ms: ratio {ratio:.1} (recorded {RECORDED_BUILD_OVER_START:.1}, limit {limit:.1})",
        ms(build),
        ms(start)
    );
    ratio <= limit
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    if has("--guard") {
        let passed = guard();
        let _ = std::fs::remove_dir_all(scratch_dir());
        if !passed {
            eprintln!("error: `citc build` is more than {GUARD_FACTOR}× slower than recorded, measured against process start on this machine");
            eprintln!("  help: profile it (`cargo bench --bench pipeline`, perf) before recording a new ratio in tests/bench/process.rs");
            std::process::exit(1);
        }
        return;
    }
    let quick = has("--quick");
    let rounds = if quick { 10 } else { 31 };
    println!("| job | median ms | min ms | max ms | vs citc |");
    println!("|---|---|---|---|---|");
    for jobs in comparisons(!quick) {
        // The alternatives take seconds: fewer rounds for them.
        let rounds = if jobs.len() > 1 {
            rounds.min(11)
        } else {
            rounds
        };
        let runs = interleaved(&jobs, rounds);
        report(&jobs, runs);
    }
    let start = Job::citc("citc --version (process start)", &["--version"]);
    let runs = interleaved(&[start], rounds);
    let s = stats(runs[0].clone());
    println!(
        "| citc --version (process start) | {:.2} | {:.2} | {:.2} | |",
        ms(s.median),
        ms(s.min),
        ms(s.max)
    );
    let _ = std::fs::remove_dir_all(scratch_dir());
}
