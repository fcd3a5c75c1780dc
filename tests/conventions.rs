//! The command-line conventions people expect of a tool like citc, each
//! checked through the binary (and, where one is on this machine, the real
//! consumer: bash's completion, man, patch): `--version` with the commit and
//! date (and the language server's serverInfo the same), shell completions,
//! manual pages, colour (`--color`, NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE),
//! `fmt -` and `fmt --check --diff`, examples at the end of every `--help`
//! that the parser accepts, and catalog.cit as every command's default.

mod common;

use common::{project, stderr, stdout};

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn citc_in(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citc"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run citc")
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(project())
        .env("TZ", "UTC")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// What `citc --version` must say, found here as compiler/build_version.rs
/// finds it at build time, from the same sources.
fn expected_version() -> String {
    let version = env!("CARGO_PKG_VERSION");
    if let Ok(commit) = std::env::var("CITC_BUILD_COMMIT") {
        let date = std::env::var("CITC_BUILD_DATE").unwrap_or_default();
        return format!("{version} ({})", [commit, date].join(" ").trim());
    }
    let top = git(&["rev-parse", "--show-toplevel"]).map(PathBuf::from);
    let is_top = top.and_then(|t| t.canonicalize().ok()) == project().canonicalize().ok();
    if is_top {
        let hash = git(&["rev-parse", "--short=7", "HEAD"]).expect("HEAD");
        let date =
            git(&["log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%d"]).expect("date");
        let dirty = git(&[
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            "compiler",
            "stdlib",
            "grammar",
            "Cargo.toml",
            "Cargo.lock",
        ])
        .is_some_and(|s| !s.is_empty());
        return format!(
            "{version} ({hash}{} {date})",
            if dirty { "-dirty" } else { "" }
        );
    }
    match std::fs::read_to_string(project().join(".cargo_vcs_info.json")) {
        Ok(info) => {
            let sha = info.split("\"sha1\": \"").nth(1).expect("sha1");
            format!("{version} ({})", &sha[..7])
        }
        Err(_) => version.to_string(),
    }
}

#[test]
fn version_names_the_commit_and_its_date() {
    let out = run(&mut citc_in(&project(), &["--version"]));
    assert_eq!(out.status.code(), Some(0));
    let expected = expected_version();
    assert_eq!(stdout(&out), format!("citc {expected}\n"));
    // In this repository: a commit and a date, as the issue asked
    // (`citc 0.2.0 (1a2b3c4 2026-12-10)`).
    if project().join(".git").exists() {
        let inside = expected
            .split_once(" (")
            .map(|(_, rest)| rest.trim_end_matches(')'))
            .expect("a commit and a date");
        let (hash, date) = inside.split_once(' ').expect("hash and date");
        assert!(hash.trim_end_matches("-dirty").len() >= 7, "{expected}");
        assert_eq!(date.len(), 10, "{expected}");
    }
    let short = run(&mut citc_in(&project(), &["-V"]));
    assert_eq!(stdout(&short), stdout(&out));
}

/// Sends one LSP message over the server's stdin.
fn send(stdin: &mut impl Write, message: &serde_json::Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
    stdin.flush().expect("flush");
}

/// Reads one LSP message from the server's stdout.
fn receive(reader: &mut impl BufRead) -> serde_json::Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().expect("length");
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    serde_json::from_slice(&body).expect("JSON")
}

#[test]
fn the_language_server_reports_the_same_version() {
    let mut server = citc_in(&project(), &["lsp"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start citc lsp");
    let mut stdin = server.stdin.take().expect("stdin");
    let mut reader = BufReader::new(server.stdout.take().expect("stdout"));
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
    );
    let reply = receive(&mut reader);
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    let _ = receive(&mut reader);
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "method": "exit"}),
    );
    drop(stdin);
    assert!(server.wait().expect("wait").success());
    assert_eq!(reply["result"]["serverInfo"]["name"], "citc");
    assert_eq!(
        reply["result"]["serverInfo"]["version"],
        expected_version().as_str()
    );
}

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];

#[test]
fn completions_for_every_shell_know_the_commands() {
    for shell in SHELLS {
        let out = run(&mut citc_in(&project(), &["completions", shell]));
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for word in ["check", "build", "completions", "message-format"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    let out = run(&mut citc_in(&project(), &["completions", "tcsh"]));
    assert_eq!(out.status.code(), Some(2));
}

/// bash itself completes `citc ch` to `check` and `citc check --message-format `
/// to the formats, with the script `citc completions bash` prints.
#[test]
fn bash_completes_with_the_script() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("citc.bash");
    let out = run(&mut citc_in(&project(), &["completions", "bash"]));
    std::fs::write(&script, out.stdout).expect("write");
    let complete = |words: &str| {
        let program = format!(
            "source {}\nCOMP_WORDS=({words})\nCOMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n\
             COMP_LINE=\"${{COMP_WORDS[*]}}\"\nCOMP_POINT=${{#COMP_LINE}}\n\
             _citc citc \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &program])
            .output()
            .expect("bash");
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(complete("citc ch").trim(), "check");
    let formats = complete("citc check --message-format ''");
    for format in ["human", "short", "json", "github", "sarif", "junit"] {
        assert!(formats.lines().any(|l| l == format), "{formats}");
    }
}

#[test]
fn man_pages_for_citc_and_every_command() {
    let out = run(&mut citc_in(&project(), &["man"]));
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.contains(".TH citc 1"), "{page}");
    assert!(page.contains(&format!("\"citc {}\"", env!("CARGO_PKG_VERSION"))));
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("man1");
    let out = run(&mut citc_in(
        &project(),
        &["man", "--output", out_dir.to_str().unwrap()],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("read")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for command in ["build", "check", "diff", "fmt", "completions", "man"] {
        assert!(names.contains(&format!("citc-{command}.1")), "{names:?}");
    }
    assert!(names.contains(&"citc.1".to_string()));
    let fmt_page = std::fs::read_to_string(out_dir.join("citc-fmt.1")).expect("page");
    assert!(fmt_page.contains("\\-\\-diff"), "{fmt_page}");
    // man renders it, where man is installed.
    if Command::new("man").arg("--version").output().is_ok() {
        let out = Command::new("man")
            .args(["-l", "-P", "cat"])
            .arg(out_dir.join("citc-fmt.1"))
            .env("MANWIDTH", "80")
            .output()
            .expect("man");
        let text = stdout(&out);
        assert!(text.contains("citc fmt"), "{text}{}", stderr(&out));
        assert!(text.contains("Examples:"), "{text}");
    } else {
        eprintln!("skipping the rendering of the pages: no `man` on PATH");
    }
    // A folder that cannot be made is an I/O error, with a message.
    let file = dir.path().join("file");
    std::fs::write(&file, "").expect("write");
    let out = run(&mut citc_in(
        &project(),
        &["man", "--output", file.join("x").to_str().unwrap()],
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write the manual pages"));
}

const ESC: char = '\u{1b}';

/// A catalog with one error, for the human report's colours.
fn broken() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("catalog.cit"),
        "preference p : missing { }\n",
    )
    .expect("w");
    dir
}

#[test]
fn colour_follows_the_flag_then_the_environment() {
    let dir = broken();
    // (flag, environment) → coloured? The output is a pipe, not a terminal.
    type Case<'a> = (Option<&'a str>, &'a [(&'a str, &'a str)], bool);
    let cases: &[Case] = &[
        (None, &[], false),
        (Some("always"), &[], true),
        (Some("never"), &[("FORCE_COLOR", "1")], false),
        (Some("always"), &[("NO_COLOR", "1")], true),
        (None, &[("FORCE_COLOR", "1")], true),
        (None, &[("FORCE_COLOR", "0")], false),
        (None, &[("CLICOLOR_FORCE", "1")], true),
        (None, &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], false),
        // An empty NO_COLOR does not count (no-color.org).
        (None, &[("NO_COLOR", ""), ("FORCE_COLOR", "1")], true),
    ];
    for (flag, env, coloured) in cases {
        let mut args = vec!["check"];
        if let Some(when) = flag {
            args.extend(["--color", when]);
        }
        let mut command = citc_in(dir.path(), &args);
        for (key, value) in *env {
            command.env(key, value);
        }
        let out = run(&mut command);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            stderr(&out).contains(ESC),
            *coloured,
            "{flag:?} {env:?}: {}",
            stderr(&out)
        );
    }
    // The flag goes anywhere on the line, and reaches clap's help too.
    let out = run(&mut citc_in(
        dir.path(),
        &["--color=always", "check", "--help"],
    ));
    assert!(stdout(&out).contains(ESC));
    let out = run(citc_in(dir.path(), &["check", "--help"]).env("FORCE_COLOR", "1"));
    assert!(stdout(&out).contains(ESC));
    let out =
        run(citc_in(dir.path(), &["check", "--help", "--color", "never"]).env("FORCE_COLOR", "1"));
    assert!(!stdout(&out).contains(ESC));
    let out = run(&mut citc_in(dir.path(), &["--color", "sometimes", "check"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn diff_reports_are_coloured_through_the_same_choice() {
    let releases = project().join("tests/golden/releases");
    let args = [
        "diff",
        "v1.7.0",
        "main-7c1e305b",
        "--releases",
        releases.to_str().unwrap(),
    ];
    let plain = run(&mut citc_in(&project(), &args));
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert!(!stdout(&plain).contains(ESC));
    let coloured = run(citc_in(&project(), &args).env("FORCE_COLOR", "1"));
    let text = stdout(&coloured);
    assert!(text.contains(&format!("{ESC}[1m")), "bold headings");
    // Without the escapes, the same report.
    let mut stripped = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == ESC {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            stripped.push(c);
        }
    }
    assert_eq!(stripped, stdout(&plain));
}

const UNFORMATTED: &str = "import \"std/kubevirt\"\npreference   p {\n  osType =    \"linux\"\n}\n";

fn fmt_stdin(args: &[&str], input: impl AsRef<[u8]>) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = citc_in(dir.path(), args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_ref())
        .expect("write");
    child.wait_with_output().expect("wait")
}

#[test]
fn fmt_reads_stdin_and_writes_stdout() {
    let out = fmt_stdin(&["fmt", "-"], UNFORMATTED);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let formatted = stdout(&out);
    assert_eq!(
        formatted,
        "import \"std/kubevirt\"\n\npreference p {\n  osType = \"linux\"\n}\n"
    );
    // Formatted text comes back unchanged; --check says so by its status.
    assert_eq!(stdout(&fmt_stdin(&["fmt", "-"], &formatted)), formatted);
    assert_eq!(
        fmt_stdin(&["fmt", "--check", "-"], &formatted)
            .status
            .code(),
        Some(0)
    );
    let out = fmt_stdin(&["fmt", "--check", "-"], UNFORMATTED);
    assert_eq!(
        (out.status.code(), stdout(&out)),
        (Some(1), "<stdin>\n".to_string())
    );
    // A syntax error: nothing on stdout (the editor keeps its text), exit 1.
    let out = fmt_stdin(&["fmt", "-"], "preference p {\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("<stdin>"), "{}", stderr(&out));
    // Not UTF-8: exit 2 with a message.
    let out = fmt_stdin(&["fmt", "-"], [0xff, 0xfe, 0x00]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("stdin is not UTF-8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn fmt_check_diff_shows_a_patch_that_formats_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("catalog.cit"), UNFORMATTED).expect("write");
    let out = run(&mut citc_in(dir.path(), &["fmt", "--check", "--diff"]));
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let (listed, diff) = text.split_once('\n').expect("name, then the diff");
    assert_eq!(listed, "catalog.cit");
    assert!(
        diff.starts_with("--- catalog.cit\n+++ catalog.cit (formatted)\n@@ "),
        "{diff}"
    );
    assert!(diff.contains("-preference   p {\n"), "{diff}");
    assert!(diff.contains("+preference p {\n"), "{diff}");
    // Nothing was written.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("catalog.cit")).unwrap(),
        UNFORMATTED
    );
    // patch(1) applies it, and the result is what `citc fmt` writes.
    let patched = Command::new("patch")
        .args(["--quiet", "catalog.cit"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(diff.as_bytes())?;
            child.wait()
        });
    match patched {
        Ok(status) => {
            assert!(status.success());
            let out = run(&mut citc_in(dir.path(), &["fmt", "--check"]));
            assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        }
        Err(err) => eprintln!("skipping the patch check: cannot run patch: {err}"),
    }
    // --diff alone is a usage error: it only shows what --check finds.
    let out = run(&mut citc_in(dir.path(), &["fmt", "--diff"]));
    assert_eq!(out.status.code(), Some(2));
}

/// Splits an example line as a shell would, up to a pipe, a redirection
/// or a comment.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, '|' | '>' | '<' | '#') => break,
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[test]
fn every_help_ends_with_examples_that_parse() {
    let command = citc::cli::command();
    let mut names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    names.sort();
    assert!(names.len() >= 11, "{names:?}");
    for name in &names {
        let out = run(&mut citc_in(&project(), &[name, "--help"]));
        assert_eq!(out.status.code(), Some(0));
        let help = stdout(&out);
        let (_, examples) = help
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("citc {name} --help has no examples:\n{help}"));
        let lines: Vec<&str> = examples.lines().collect();
        assert!(!lines.is_empty(), "{name}");
        for line in lines {
            let words = words(line.trim());
            assert_eq!(words.first().map(String::as_str), Some("citc"), "{line}");
            assert_eq!(words.get(1), Some(name), "citc {name}'s example: {line}");
            if let Err(err) = citc::cli::command().try_get_matches_from(&words) {
                panic!("citc {name}'s example does not parse: {line}\n{err}");
            }
        }
    }
}

#[test]
fn every_command_that_reads_a_catalog_defaults_to_catalog_cit() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        project().join("catalog.cit"),
        dir.path().join("catalog.cit"),
    )
    .expect("copy");
    let readme = dir.path().join("README.md");
    std::fs::write(&readme, "# x\n").expect("write");
    for (args, code) in [
        (vec!["check", "-q"], 0),
        (vec!["build"], 0),
        (vec!["build", "--check"], 0),
        (vec!["fmt", "--check"], 0),
        (vec!["show", "u1.medium"], 0),
        (vec!["doc", "readme"], 0),
        (vec!["diff", "_build"], 0),
    ] {
        let out = run(&mut citc_in(dir.path(), &args));
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        let help = stdout(&run(&mut citc_in(dir.path(), &[args[0], "--help"])));
        assert!(
            help.contains("[default: catalog.cit]"),
            "citc {} --help:\n{help}",
            args[0]
        );
    }
    // Elsewhere, the same message names the missing file, exit 2.
    let empty = tempfile::tempdir().expect("temp dir");
    for args in [vec!["check"], vec!["build"], vec!["fmt"], vec!["show", "x"]] {
        let out = run(&mut citc_in(empty.path(), &args));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("catalog.cit"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}
