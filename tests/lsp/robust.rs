//! The language server survives any client: frames that are malformed or
//! too large, documents over the file cap, the lifecycle as the
//! specification says it, line endings and UTF-16 columns as the protocol
//! counts them, and a rename that `citc check` would refuse.

use serde_json::{json, Value};

use super::harness::{check_json, lsp_key, Client};

/// A request that needs no open document, answered by a live server.
fn alive(client: &mut Client) {
    let answer = client.raw_request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///nowhere/x.cit"}}),
    );
    assert!(answer.get("error").is_none(), "{answer}");
}

/// The next response whose id is `id` (`Value::Null` for a frame the
/// server could not read an id from).
fn response_with_id(client: &mut Client, id: Value) -> Value {
    client.next_where("response", move |m| {
        m.get("method").is_none() && m.get("id") == Some(&id)
    })
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

#[test]
fn a_content_length_over_the_cap_is_refused_unread_and_the_server_goes_on() {
    let mut client = Client::start();
    // 2 GiB, and a number past u64: neither is allocated nor waited for.
    for length in ["2147483648", "99999999999999999999999"] {
        client.send_raw(format!("Content-Length: {length}\r\n\r\n{{}}").as_bytes());
        let refused = response_with_id(&mut client, Value::Null);
        assert_eq!(refused["error"]["code"], -32700, "{refused}");
        let message = refused["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("Content-Length"), "{message}");
        alive(&mut client);
    }
    client.shutdown();
}

#[test]
fn malformed_frames_are_answered_or_logged_and_never_stop_the_server() {
    let mut client = Client::start();
    // (what is sent, the error code of the answer with a null id).
    let cases: Vec<(Vec<u8>, i64)> = vec![
        (b"Content-Type: x\r\n\r\n{}".to_vec(), -32700),
        (b"Content-Length: twelve\r\n\r\n{}".to_vec(), -32700),
        (b"Content-Length: -2\r\n\r\n{}".to_vec(), -32700),
        (
            b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}".to_vec(),
            -32700,
        ),
        (b"Content-Length 2\r\n\r\n{}".to_vec(), -32700),
        (
            [vec![b'X'; 20_000], b"\r\n\r\n{}".to_vec()].concat(),
            -32700,
        ),
        (frame(b"{\"jsonrpc\": \"2.0\", \"id\": 1,"), -32700),
        (
            frame(b"{\"jsonrpc\": \"2.0\", \"method\": \"\xff\xfe\"}"),
            -32700,
        ),
        (frame(b"[]"), -32600),
        (frame(b"42"), -32600),
    ];
    for (bytes, code) in cases {
        client.send_raw(&bytes);
        let answer = response_with_id(&mut client, Value::Null);
        assert_eq!(
            answer["error"]["code"],
            code,
            "{:?}: {answer}",
            String::from_utf8_lossy(&bytes)
        );
        alive(&mut client);
    }
    // Not a message, with an id: InvalidRequest for that id.
    client.send_raw(&frame(br#"{"jsonrpc":"2.0","id":9001,"method":7}"#));
    let answer = response_with_id(&mut client, json!(9001));
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    // A request with params of the wrong shape: InvalidParams.
    let answer = client.raw_request("textDocument/hover", json!({"position": "here"}));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    // A notification with wrong params has no answer: it is logged.
    client.drop_backlog();
    client.notify("textDocument/didOpen", json!(5));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": 1}, "contentChanges": "x"}),
    );
    for method in ["textDocument/didOpen", "textDocument/didChange"] {
        let log = client.next_where("log message", |m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|t| t.contains(method))
        });
        assert_eq!(log["params"]["type"], 1, "{log}");
    }
    // Headers ended by LF alone are read as the protocol's CRLF.
    let body = br#"{"jsonrpc":"2.0","id":777,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///nowhere/x.cit"}}}"#;
    let mut lf = format!("Content-Length: {}\n\n", body.len()).into_bytes();
    lf.extend_from_slice(body);
    client.send_raw(&lf);
    let answer = response_with_id(&mut client, json!(777));
    assert!(answer.get("error").is_none(), "{answer}");
    client.shutdown();
}

#[test]
fn exit_after_shutdown_is_0_and_without_it_1() {
    // After shutdown: 0 (Client::shutdown asserts success).
    Client::start().shutdown();
    // exit without shutdown: 1.
    let mut client = Client::start();
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_status().code(), Some(1));
    // exit before initialize: 1.
    let mut client = Client::spawn();
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_status().code(), Some(1));
    // stdin closed without shutdown: 1; after shutdown: 0.
    let mut client = Client::start();
    client.close_stdin();
    assert_eq!(client.exit_status().code(), Some(1));
    let mut client = Client::start();
    client.request("shutdown", Value::Null);
    client.close_stdin();
    assert_eq!(client.exit_status().code(), Some(0));
}

#[test]
fn requests_after_shutdown_are_invalid_and_before_initialize_not_initialized() {
    let mut client = Client::spawn();
    let early = client.raw_request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize();
    let again = client.raw_request("initialize", json!({"capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    client.request("shutdown", Value::Null);
    for method in ["textDocument/documentSymbol", "shutdown"] {
        let late = client.raw_request(
            method,
            json!({"textDocument": {"uri": "file:///nowhere/x.cit"}}),
        );
        assert_eq!(late["error"]["code"], -32600, "{method}: {late}");
    }
    // Notifications other than exit are dropped; exit is still 0.
    client.notify("textDocument/didOpen", json!(5));
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_status().code(), Some(0));
}

#[test]
fn a_document_over_the_file_cap_gets_one_diagnostic_and_is_not_analysed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.cit");
    let line = "// a line of filler that no catalog needs, repeated to pass the cap\n";
    let big = line.repeat((33 << 20) / line.len() + 1);
    let mut client = Client::start();
    let uri = client.open(&path, &big);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0002");
    let message = diagnostics[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("larger than citc reads (32 MiB"),
        "{message}"
    );
    // Nothing is answered from it (formatting would print 33 MiB).
    let formatted = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(formatted, Value::Null);
    // The server held it without analysing it: far below the 1.6 GB that
    // analysing such a document took.
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", client.child.id())).unwrap_or_default();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    assert!(peak_kib < 512 << 10, "peak {peak_kib} KiB");
    // Back under the cap, it is analysed again.
    let small = "import \"std/kubevirt\"\n\npreference p {\n  osType = 1\n}\n";
    client.change(&uri, 2, small);
    let diagnostics = client.diagnostics(&uri);
    assert!(
        diagnostics.iter().all(|d| d["code"] != "E0002") && !diagnostics.is_empty(),
        "{diagnostics:?}"
    );
    client.shutdown();
}

#[test]
fn a_lone_cr_ends_a_line_for_positions_and_edits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cr.cit");
    // Line 0 ends with CRLF, line 1 (a comment after 𝄞, two UTF-16
    // units) with a lone CR: E0007 there, at UTF-16 column 5.
    let text = "import \"std/kubevirt\"\r\n// 𝄞\rpreference p {\n  osType = 1\n}\n";
    let mut client = Client::start();
    let uri = client.open(&path, text);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0007");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 1, "character": 5})
    );
    // `citc check` says the same place (line 2, column 5 in characters).
    std::fs::write(&path, text).expect("write cr.cit");
    let checked = check_json(dir.path(), "cr.cit");
    assert_eq!(
        checked.iter().map(|k| (&k.0, k.1)).collect::<Vec<_>>(),
        vec![(&"E0007".to_string(), 2)]
    );
    // An edit in protocol positions: the lone CR (1:5 to 2:0) becomes LF.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": 1, "character": 5}, "end": {"line": 2, "character": 0}},
                "text": "\n",
            }],
        }),
    );
    let fixed = "import \"std/kubevirt\"\r\n// 𝄞\npreference p {\n  osType = 1\n}\n";
    std::fs::write(&path, fixed).expect("write cr.cit");
    let expected = check_json(dir.path(), "cr.cit");
    assert!(expected.iter().all(|k| k.0 != "E0007"), "{expected:?}");
    let diagnostics = client.diagnostics(&uri);
    let mut got: Vec<_> = diagnostics.iter().map(lsp_key).collect();
    got.sort();
    let mut expected = expected;
    expected.sort();
    assert_eq!(got, expected);
    client.shutdown();
}

#[test]
fn rename_to_a_name_check_refuses_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("r.cit");
    let text = "import \"std/kubevirt\"\n\nmixin shared {\n  osType = \"linux\"\n}\n\npreference linux {\n  use shared\n}\n";
    std::fs::write(&path, text).expect("write r.cit");
    let mut client = Client::start();
    let uri = client.open(&path, text);
    client.diagnostics(&uri);
    let rename = |client: &mut Client, line: u32, character: u32, name: &str| {
        client.raw_request(
            "textDocument/rename",
            json!({
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": character},
                "newName": name,
            }),
        )
    };
    // A preference named as no Kubernetes object may be: E0207.
    let answer = rename(&mut client, 6, 12, "Linux_2");
    assert_eq!(answer["error"]["code"], -32803, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("E0207"), "{message}");
    // Longer than a Kubernetes name may be (253 characters): E0207 too.
    let answer = rename(&mut client, 6, 12, &"a".repeat(254));
    assert_eq!(answer["error"]["code"], -32803, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("E0207"), "{message}");
    // A mixin's name is no Kubernetes name: `Shared_1` is fine.
    let answer = rename(&mut client, 2, 7, "Shared_1");
    assert!(answer.get("error").is_none(), "{answer}");
    // A valid name is renamed.
    let answer = rename(&mut client, 6, 12, "linux-2");
    assert!(answer.get("error").is_none(), "{answer}");
    let edits = &answer["result"]["changes"][uri.as_str()];
    assert_eq!(edits.as_array().map(Vec::len), Some(1), "{answer}");
    client.shutdown();
}
