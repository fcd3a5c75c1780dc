//! Running the tool: `kustomize build DIR`, else `kubectl kustomize DIR`,
//! whichever is on PATH first in that order (upstream's generate.sh needs
//! kustomize; kubectl embeds it). Its output is read up to a bound, its
//! error output up to a smaller one, and it runs at most [`timeout`]: past
//! either bound it is killed, with whatever it started (its own process
//! group), and the build is an error.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// The most bytes of output read from the tool: as much as one bundle
/// file may hold.
const MAX_OUTPUT_BYTES: u64 = super::MAX_BUNDLE_BYTES;
/// The most bytes of the tool's error output kept for the message.
const MAX_STDERR_BYTES: u64 = 64 << 10;

/// How long a build may take when `CITC_KUSTOMIZE_TIMEOUT` does not say:
/// upstream's tree builds in a second or two.
pub const DEFAULT_TIMEOUT_SECS: u64 = 120;

/// How long a build may take: `CITC_KUSTOMIZE_TIMEOUT` seconds (a whole
/// number above 0), else [`DEFAULT_TIMEOUT_SECS`].
pub fn timeout() -> Duration {
    let secs = std::env::var("CITC_KUSTOMIZE_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|secs| *secs > 0)
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    Duration::from_secs(secs)
}

/// Kills the tool and every process it started (they share its process
/// group, whose id is the tool's), so that none keeps its pipes open.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: a plain system call on the group citc made for the tool.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = child.kill();
}

/// Why the tool gave no build.
pub enum ToolFailure {
    /// Neither kustomize nor kubectl could be found.
    NoTool,
    Failed {
        tool: &'static str,
        message: String,
    },
}

/// The tool's name and its output.
pub fn run(dir: &Path) -> Result<(&'static str, String), ToolFailure> {
    let tools: [(&'static str, &str, &str); 2] = [
        ("kustomize build", "kustomize", "build"),
        ("kubectl kustomize", "kubectl", "kustomize"),
    ];
    for (name, program, subcommand) in tools {
        let failed = |message: String| ToolFailure::Failed {
            tool: name,
            message,
        };
        let mut command = Command::new(program);
        command
            .arg(subcommand)
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => {
                return Err(failed(format!(
                    "cannot run {program}: {}",
                    crate::source::plain_io_error(&err)
                )))
            }
        };
        // Both outputs are read on threads of their own: a tool that fills
        // one pipe while citc waits on the other would block both, and
        // this thread keeps the time.
        let stderr = child.stderr.take();
        let (err_send, err_done) = mpsc::channel();
        let err_reader = std::thread::Builder::new().spawn(move || {
            let mut bytes = Vec::new();
            if let Some(stderr) = stderr {
                let _ = stderr.take(MAX_STDERR_BYTES).read_to_end(&mut bytes);
            }
            let _ = err_send.send(bytes);
        });
        let too_large = Arc::new(AtomicBool::new(false));
        let stdout = child.stdout.take();
        let flag = Arc::clone(&too_large);
        let (out_send, out_done) = mpsc::channel();
        let out_reader = std::thread::Builder::new().spawn(move || {
            let mut output = Vec::new();
            let read =
                stdout.map(|stdout| stdout.take(MAX_OUTPUT_BYTES + 1).read_to_end(&mut output));
            if output.len() as u64 > MAX_OUTPUT_BYTES {
                flag.store(true, Ordering::SeqCst);
            }
            let _ = out_send.send((read, output));
        });
        if out_reader.is_err() || err_reader.is_err() {
            kill(&mut child);
            let _ = child.wait();
            return Err(failed("cannot read its output".to_string()));
        }
        let limit = timeout();
        let started = Instant::now();
        let mut timed_out = false;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) => {}
                Err(err) => break Err(err),
            }
            if too_large.load(Ordering::SeqCst) {
                kill(&mut child);
                break child.wait();
            }
            if started.elapsed() >= limit {
                timed_out = true;
                kill(&mut child);
                break child.wait();
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // A process the tool started may still hold its pipes open: it
        // has until the time is up, then goes with its group (which lives
        // as long as it does, so the kill reaches no one else).
        let left = limit.saturating_sub(started.elapsed()) + Duration::from_secs(1);
        let (read, output) = match out_done.recv_timeout(left) {
            Ok(done) => done,
            Err(_) => {
                timed_out = true;
                kill(&mut child);
                out_done
                    .recv_timeout(Duration::from_secs(5))
                    .unwrap_or((None, Vec::new()))
            }
        };
        let stderr = match err_done.recv_timeout(Duration::from_secs(1)) {
            Ok(bytes) => bytes,
            Err(_) => {
                kill(&mut child);
                err_done
                    .recv_timeout(Duration::from_secs(5))
                    .unwrap_or_default()
            }
        };
        if timed_out {
            return Err(failed(format!(
                "it ran for more than {} seconds and was stopped \
                 (set CITC_KUSTOMIZE_TIMEOUT to the seconds it may take)",
                limit.as_secs()
            )));
        }
        if too_large.load(Ordering::SeqCst) || output.len() as u64 > MAX_OUTPUT_BYTES {
            return Err(failed(format!(
                "its output is larger than citc reads ({} MiB at most)",
                MAX_OUTPUT_BYTES >> 20
            )));
        }
        let status = match (read, status) {
            (Some(Ok(_)), Ok(status)) => status,
            (_, Err(err)) | (Some(Err(err)), _) => {
                return Err(failed(format!(
                    "cannot read its output: {}",
                    crate::source::plain_io_error(&err)
                )))
            }
            (None, _) => return Err(failed("cannot read its output".to_string())),
        };
        if !status.success() {
            return Err(failed(
                one_line(&String::from_utf8_lossy(&stderr))
                    .unwrap_or_else(|| format!("it exited with {status}")),
            ));
        }
        return match String::from_utf8(output) {
            Ok(text) => Ok((name, text)),
            Err(_) => Err(failed("its output is not UTF-8".to_string())),
        };
    }
    Err(ToolFailure::NoTool)
}

/// The tool's error output on one line, at most 2000 bytes; `None` when it
/// said nothing.
fn one_line(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut message = lines.join("; ");
    if message.is_empty() {
        return None;
    }
    if message.len() > 2000 {
        let mut cut = 2000;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push('…');
    }
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_output_becomes_one_bounded_line() {
        assert_eq!(one_line("\n  \n"), None);
        assert_eq!(one_line("a\n\n  b  \n").as_deref(), Some("a; b"));
        let long = "é".repeat(3000);
        let line = one_line(&long).expect("a line");
        assert!(line.len() <= 2000 + '…'.len_utf8());
        assert!(line.ends_with('…'));
    }
}
