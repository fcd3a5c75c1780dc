//! A citc release folder as the release workflow publishes it (an archive
//! made by dist/package.sh with the binary under test, and SHA256SUMS),
//! served over HTTP on 127.0.0.1: what tests/action.rs installs with
//! dist/install.sh and tests/precommit.rs with the pre-commit hooks.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

pub const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));
pub const TARGET: &str = "x86_64-unknown-linux-gnu";

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A release folder as the release workflow publishes it, for this
/// machine's target, holding the binary under test (a copy without debug
/// info when `strip` is there: the debug binary is large to compress).
pub fn release_folder(dir: &Path) -> PathBuf {
    let binary = dir.join("citc");
    std::fs::copy(env!("CARGO_BIN_EXE_citc"), &binary).expect("copy");
    let _ = Command::new("strip")
        .arg("--strip-debug")
        .arg(&binary)
        .status();
    let release = dir.join("releases").join(VERSION);
    let out = Command::new("bash")
        .arg(project().join("dist/package.sh"))
        .arg(&binary)
        .args([TARGET, VERSION])
        .arg(&release)
        .output()
        .expect("run package.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sums(&release);
    release
}

/// SHA256SUMS over the folder's archives, as the release workflow writes it.
pub fn sums(release: &Path) {
    let out = Command::new("bash")
        .args(["-c", "sha256sum citc-* > SHA256SUMS"])
        .current_dir(release)
        .output()
        .expect("sha256sum");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An HTTP server on 127.0.0.1 for the files under `root`; it records the
/// paths asked for and serves at most `limit` requests.
pub struct Server {
    port: u16,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(root: PathBuf, limit: usize) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("address").port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&asked);
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
                log.lock().unwrap().push(path.clone());
                let file = root.join(path.trim_start_matches('/'));
                let (status, body) = match std::fs::read(&file) {
                    Ok(body) if !path.contains("..") => ("200 OK", body),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Server { port, asked }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/releases", self.port)
    }

    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}
