//! `cargo bench --bench lsp`: the language server's latencies on catalog.cit,
//! measured in-process over lsp-server's memory connection (so the numbers
//! are the server's own time, with no pipe or client in them), and its
//! memory after many edits. Prints numbers; asserts nothing.

use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

fn main() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("catalog.cit");
    let text = std::fs::read_to_string(&path).expect("catalog.cit");
    let cache = tempfile::tempdir().expect("cache");
    std::env::set_var("XDG_CACHE_HOME", cache.path());
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || citc::lsp::serve(&server));
    let mut next = 0;
    let mut request = |method: &str, params: Value| -> (Value, Duration) {
        next += 1;
        let id = RequestId::from(next);
        let start = Instant::now();
        client
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .expect("send");
        loop {
            if let Message::Response(r) = client.receiver.recv().expect("answer") {
                if r.id == id {
                    return (r.response_result.unwrap_or(Value::Null), start.elapsed());
                }
            }
        }
    };
    let init = json!({"capabilities": {}, "initializationOptions": {"debounceMs": 0}});
    request("initialize", init);
    let notify = |method: &str, params: Value| {
        client
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .expect("send");
    };
    notify("initialized", json!({}));
    let uri = citc::lsp::convert::path_to_uri(&path).as_str().to_string();
    let wait_publish = || loop {
        if let Message::Notification(n) = client.receiver.recv().expect("publish") {
            if n.method == "textDocument/publishDiagnostics" {
                return n;
            }
        }
    };
    notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "cit", "version": 1, "text": text}}),
    );
    wait_publish();

    // A one-character edit (typing in a description and taking it back).
    let at = text.find("The U Series").expect("u1 description");
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut edit_times = Vec::new();
    let rss_start = rss_kib();
    let mut rss_marks = Vec::new();
    for version in 2..5002 {
        let change = if version % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""})
        };
        let start = Instant::now();
        notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
        wait_publish();
        edit_times.push(start.elapsed());
        if version % 1000 == 1 {
            rss_marks.push((version - 1, rss_kib()));
        }
    }
    report("edit → publishDiagnostics", &mut edit_times);

    let position = |needle: &str, skip: usize| {
        let at = text.find(needle).expect(needle) + skip;
        let line = text[..at].matches('\n').count();
        let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col}})
    };
    let cases = [
        (
            "hover on a resource (series u1)",
            "textDocument/hover",
            position("series u1 {", 8),
        ),
        (
            "hover on a field",
            "textDocument/hover",
            position("spec.cpu.maxSockets", 10),
        ),
        (
            "hover on a mixin use",
            "textDocument/hover",
            position("use common-series, dedicated-cpu\n", 22),
        ),
        (
            "definition of a std mixin",
            "textDocument/definition",
            position("use sized", 5),
        ),
        (
            "definition of a parent",
            "textDocument/definition",
            position("series o1 : u1", 12),
        ),
        (
            "completion after `use `",
            "textDocument/completion",
            position("use common-series, dedicated-cpu\n", 4),
        ),
        (
            "completion of a field path",
            "textDocument/completion",
            position("spec.cpu.maxSockets", 9),
        ),
    ];
    for (name, method, params) in cases {
        let mut times: Vec<Duration> = (0..200)
            .map(|_| request(method, params.clone()).1)
            .collect();
        report(name, &mut times);
    }
    println!(
        "RSS: {} KiB at start of edits; {}",
        rss_start,
        rss_marks
            .iter()
            .map(|(n, k)| format!("{k} KiB after {n} edits"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // The same work without the server: where an edit's time goes.
    let mut analyse = Vec::new();
    let mut parse_std = Vec::new();
    let mut index = Vec::new();
    let mut compile = Vec::new();
    for _ in 0..100 {
        let start = Instant::now();
        let _ = citc::compile(citc::resolve::Root::Path(&path), "noversion");
        compile.push(start.elapsed());
        let start = Instant::now();
        let analysis = citc::analyze(citc::resolve::Root::Path(&path));
        analyse.push(start.elapsed());
        let start = Instant::now();
        for (i, m) in citc::resolve::STDLIB.iter().enumerate() {
            let _ = citc::syntax::parse_file(citc::source::FileId(i as u32), m.text);
        }
        parse_std.push(start.elapsed());
        let start = Instant::now();
        let _ = citc::lsp::index::Index::build(&analysis.files);
        index.push(start.elapsed());
    }
    report("analyze (load, resolve, check)", &mut analyse);
    report("  of which: parsing the std modules", &mut parse_std);
    report("index of names", &mut index);
    report("compile (analyze and lower)", &mut compile);
    request("shutdown", Value::Null);
    notify("exit", Value::Null);
    let _ = thread.join();
}

fn report(name: &str, times: &mut [Duration]) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{name:40} median {:>8.3} ms   p90 {:>8.3} ms   max {:>8.3} ms   (n={})",
        at(0.5).as_secs_f64() * 1e3,
        at(0.9).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
        times.len()
    );
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
