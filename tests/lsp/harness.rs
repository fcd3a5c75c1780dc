//! The client the tests drive `citc lsp` with: a small JSON-RPC client
//! over stdio (Content-Length framing), as an editor drives it, and helpers.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(30);

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub struct Client {
    pub child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    pub backlog: Vec<Value>,
    _cache: tempfile::TempDir,
    pub cache: PathBuf,
    /// What the server answered to `initialize`.
    pub capabilities: Value,
}

impl Client {
    pub fn start() -> Client {
        let mut client = Client::spawn();
        client.initialize();
        client
    }

    /// `initialize` and `initialized`, as an editor begins.
    pub fn initialize(&mut self) {
        let root = uri(&repo());
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "capabilities": {},
                "initializationOptions": { "debounceMs": 5 },
            }),
        );
        assert!(result["capabilities"]["hoverProvider"].as_bool() == Some(true));
        self.capabilities = result["capabilities"].clone();
        self.notify("initialized", json!({}));
    }

    /// The server started, not initialized.
    pub fn spawn() -> Client {
        let cache = tempfile::tempdir().expect("cache dir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_citc"))
            .arg("lsp")
            .env("XDG_CACHE_HOME", cache.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start citc lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (send, incoming) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("JSON");
                if send.send(value).is_err() {
                    return;
                }
            }
        });
        let cache_path = cache.path().to_path_buf();
        Client {
            child,
            stdin: Some(stdin),
            incoming,
            next_id: 1,
            backlog: Vec::new(),
            _cache: cache,
            cache: cache_path,
            capabilities: Value::Null,
        }
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(frame.as_bytes());
    }

    /// Bytes as they are, framed or not.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    /// Closes the server's stdin (the end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The server's exit status, waiting for it to end.
    pub fn exit_status(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the server did not exit");
    }

    /// The next message that `keep` accepts; others go to the backlog.
    pub fn next_where(&mut self, what: &str, keep: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&keep) {
            return self.backlog.remove(at);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("no {what} from the server"));
            if keep(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response (result or error).
    pub fn raw_request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("no answer to {method}"));
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.backlog.push(message);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.raw_request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    pub fn receive(&mut self, deadline: Instant) -> Option<Value> {
        let wait = deadline.saturating_duration_since(Instant::now());
        self.incoming.recv_timeout(wait).ok()
    }

    /// The next diagnostics published for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(at) = self.backlog.iter().position(|m| is_publish_for(m, uri)) {
            let message = self.backlog.remove(at);
            return message["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("no diagnostics for {uri}"));
            if is_publish_for(&message, uri) {
                return message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.backlog.push(message);
        }
    }

    pub fn drop_backlog(&mut self) {
        self.backlog.clear();
        while self.incoming.try_recv().is_ok() {}
    }

    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "cit", "version": 1, "text": text}}),
        );
        uri
    }

    pub fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    pub fn at(
        &mut self,
        method: &str,
        uri: &str,
        (line, character): (u32, u32),
        extra: Value,
    ) -> Value {
        let mut params = json!({
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": character},
        });
        if let (Some(params), Some(extra)) = (params.as_object_mut(), extra.as_object()) {
            params.extend(extra.clone());
        }
        self.request(method, params)
    }

    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.exit_status();
        assert!(status.success(), "exit status {status}");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn is_publish_for(message: &Value, uri: &str) -> bool {
    message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
}

/// (line, character) of the first occurrence of `needle` in `text`, plus
/// `skip` characters (ASCII text).
pub fn find(text: &str, needle: &str, skip: u32) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"));
    let line = text[..at].matches('\n').count() as u32;
    let column = (at - text[..at].rfind('\n').map_or(0, |i| i + 1)) as u32;
    (line, column + skip)
}

pub fn hover_text(value: &Value) -> String {
    value["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// (code, start line, start column, end line, end column), 1-based like
/// `citc check`'s JSON, from an LSP diagnostic. ASCII text: UTF-16 columns
/// are characters.
pub fn lsp_key(d: &Value) -> (String, u64, u64, u64, u64) {
    let r = &d["range"];
    let n = |v: &Value| v.as_u64().unwrap_or(u64::MAX) + 1;
    (
        d["code"].as_str().unwrap_or_default().to_string(),
        n(&r["start"]["line"]),
        n(&r["start"]["character"]),
        n(&r["end"]["line"]),
        n(&r["end"]["character"]),
    )
}

/// `citc check --message-format json` on a file: its diagnostics in that
/// file, as (code, line, column, end line, end column).
pub fn check_json(dir: &Path, file: &str) -> Vec<(String, u64, u64, u64, u64)> {
    let out = Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(["check", file, "--message-format", "json", "--quiet"])
        .current_dir(dir)
        .output()
        .expect("run citc check");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("json line"))
        .filter(|d| d["file"] == file)
        .map(|d| {
            let n = |v: &Value| v.as_u64().unwrap_or_default();
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                n(&d["line"]),
                n(&d["column"]),
                n(&d["end"]["line"]),
                n(&d["end"]["column"]),
            )
        })
        .collect()
}

pub fn multi_file_catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("b.cit"),
        "import \"std/kubevirt\"\n\n// Shared by every preference.\nmixin shared {\n  vendor = \"example.org\"\n}\n",
    )
    .expect("write b.cit");
    std::fs::write(
        dir.path().join("a.cit"),
        "import \"b.cit\"\nimport \"std/kubevirt\"\n\npreference linux {\n  use shared\n  osType = \"linux\"\n}\n\npreference fedora : linux {\n  use shared\n}\n",
    )
    .expect("write a.cit");
    dir
}

pub fn uri_prefix(path: &Path) -> String {
    uri(&path.canonicalize().unwrap_or(path.to_path_buf()))
        .chars()
        .take(20)
        .collect()
}

pub fn pos((line, character): (u32, u32)) -> Value {
    json!({"line": line, "character": character})
}

pub fn labels(value: &Value) -> Vec<String> {
    let items = value.get("items").unwrap_or(value);
    items
        .as_array()
        .expect("completion items")
        .iter()
        .map(|i| i["label"].as_str().unwrap_or_default().to_string())
        .collect()
}
