//! Running the tool: `kustomize build DIR`, else `kubectl kustomize DIR`,
//! whichever is on PATH first in that order (upstream's generate.sh needs
//! kustomize; kubectl embeds it). Its output is read up to a bound, its
//! error output up to a smaller one.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// The most bytes of output read from the tool: as much as one bundle
/// file may hold.
const MAX_OUTPUT_BYTES: u64 = crate::diff::read::MAX_BUNDLE_BYTES;
/// The most bytes of the tool's error output kept for the message.
const MAX_STDERR_BYTES: u64 = 64 << 10;

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
        let mut child = match Command::new(program)
            .arg(subcommand)
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(child) => child,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => {
                return Err(failed(format!(
                    "cannot run {program}: {}",
                    crate::source::plain_io_error(&err)
                )))
            }
        };
        // The error output is read on a thread of its own: a tool that
        // fills one pipe while citc waits on the other would block both.
        let stderr = child.stderr.take();
        let reader = std::thread::Builder::new().spawn(move || {
            let mut bytes = Vec::new();
            if let Some(stderr) = stderr {
                let _ = stderr.take(MAX_STDERR_BYTES).read_to_end(&mut bytes);
            }
            bytes
        });
        let mut output = Vec::new();
        let read = child
            .stdout
            .take()
            .map(|stdout| stdout.take(MAX_OUTPUT_BYTES + 1).read_to_end(&mut output));
        let too_large = output.len() as u64 > MAX_OUTPUT_BYTES;
        if too_large {
            let _ = child.kill();
        }
        let status = child.wait();
        let stderr = match reader {
            Ok(handle) => handle.join().unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        if too_large {
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
