//! `citc lsp`'s features on the repository's catalogs: diagnostics (as
//! `citc check` reports them: expected diagnostics come from `citc check` on
//! the same text and from tests/ui, never from the server), hover,
//! navigation, rename, completion, symbols, formatting, quick fixes.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::harness::*;

#[test]
fn diagnostics_match_citc_check_on_catalog_and_after_an_edit() {
    let mut client = Client::start();
    let path = repo().join("catalog.cit");
    let text = std::fs::read_to_string(&path).expect("catalog.cit");
    let uri = client.open(&path, &text);
    assert_eq!(
        client.diagnostics(&uri),
        Vec::<Value>::new(),
        "catalog.cit is clean"
    );

    // An edit introduces an unknown mixin and an unknown field.
    let broken = text
        .replacen(
            "use common-series, dedicated-cpu",
            "use common-series, dedicated-cpus",
            1,
        )
        .replacen(
            "spec.ioThreadsPolicy = \"auto\"",
            "spec.ioThreadPolicy = \"auto\"",
            1,
        );
    client.change(&uri, 2, &broken);
    let published: Vec<_> = client.diagnostics(&uri).iter().map(lsp_key).collect();

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("catalog.cit"), &broken).expect("write");
    let expected = check_json(dir.path(), "catalog.cit");
    assert!(!expected.is_empty());
    assert_eq!(published, expected);

    // The help line and the code's explanation come along.
    client.change(&uri, 3, &broken);
    let diags = client.diagnostics(&uri);
    assert!(diags.iter().any(|d| d["message"]
        .as_str()
        .unwrap_or_default()
        .contains("did you mean `dedicated-cpu`?")));
    client.change(&uri, 4, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn multi_file_catalog_publishes_for_importer_and_imported() {
    let dir = multi_file_catalog();
    let a = dir.path().join("a.cit");
    let b = dir.path().join("b.cit");
    let a_text = std::fs::read_to_string(&a).expect("a");
    let b_text = std::fs::read_to_string(&b).expect("b");
    let mut client = Client::start();
    let a_uri = client.open(&a, &a_text);
    let b_uri = client.open(&b, &b_text);
    client.drop_backlog();
    // An unsaved edit of b breaks a's use of it: both are published.
    let b_broken = b_text.replace("mixin shared", "mixin shard");
    client.change(&b_uri, 2, &b_broken);
    let a_diags = client.diagnostics(&a_uri);
    assert!(
        !a_diags.is_empty() && a_diags.iter().all(|d| d["code"] == "E0102"),
        "{a_diags:?}"
    );
    // Compare with `citc check` on the same (saved) text.
    std::fs::write(&b, &b_broken).expect("save b");
    let expected = check_json(dir.path(), "a.cit");
    assert_eq!(a_diags.iter().map(lsp_key).collect::<Vec<_>>(), expected);
    // b itself is clean (its emptiness is no fault: a imports it).
    let b_diags = client.diagnostics(&b_uri);
    assert_eq!(b_diags, Vec::<Value>::new());
    // Closing clears.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": a_uri}}),
    );
    assert_eq!(client.diagnostics(&a_uri), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn secondary_labels_become_related_information() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("dup.cit");
    let text = "mixin a { spec.cpu.guest = 1 }\nmixin a { spec.cpu.guest = 2 }\n";
    let mut client = Client::start();
    let uri = client.open(&path, text);
    let diags = client.diagnostics(&uri);
    let dup = diags.iter().find(|d| d["code"] == "E0108").expect("E0108");
    let related = &dup["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 0, "character": 6})
    );
    assert_eq!(related["message"], "first defined here");
    client.shutdown();
}

#[test]
fn hover_on_resource_field_mixin_quantity_and_code() {
    let mut client = Client::start();
    let path = repo().join("catalog.cit");
    let text = std::fs::read_to_string(&path).expect("catalog.cit");
    let uri = client.open(&path, &text);
    client.diagnostics(&uri);

    let resource = hover_text(&client.at(
        "textDocument/hover",
        &uri,
        find(&text, "series u1 {", 8),
        json!({}),
    ));
    assert!(resource.contains("u1.medium"), "{resource}");
    assert!(
        resource.contains("kind: VirtualMachineClusterInstancetype"),
        "{resource}"
    );
    assert!(resource.contains("guest: 1"), "{resource}");

    let field = hover_text(&client.at(
        "textDocument/hover",
        &uri,
        find(&text, "spec.cpu.maxSockets = cpu", 10),
        json!({}),
    ));
    assert!(field.contains("spec.cpu.maxSockets"), "{field}");
    assert!(field.contains("int"), "{field}");
    assert!(field.contains("cx1.medium"), "{field}");
    assert!(field.contains("set here"), "{field}");

    let mixin = hover_text(&client.at(
        "textDocument/hover",
        &uri,
        find(&text, "use common-series, dedicated-cpu\n", 22),
        json!({}),
    ));
    assert!(mixin.contains("mixin dedicated-cpu {"), "{mixin}");
    assert!(
        mixin.contains("Workloads on dedicated host cores"),
        "{mixin}"
    );

    let quantity = hover_text(&client.at(
        "textDocument/hover",
        &uri,
        find(&text, "pageSize = 1Gi", 12),
        json!({}),
    ));
    assert!(quantity.contains("1073741824"), "{quantity}");

    let dir = tempfile::tempdir().expect("temp dir");
    let allow = dir.path().join("allow.cit");
    let allow_text =
        "preference p {\n  allow W0101 \"why\"\n  spec.devices.preferredDiskBus = \"virtio\"\n}\n";
    let allow_uri = client.open(&allow, allow_text);
    client.diagnostics(&allow_uri);
    let code = hover_text(&client.at("textDocument/hover", &allow_uri, (1, 9), json!({})));
    let explanation = citc::codes::lookup("W0101")
        .map(|c| c.title)
        .unwrap_or_default();
    assert!(
        code.contains("W0101") && code.contains(explanation),
        "{code}"
    );
    client.shutdown();
}

#[test]
fn definition_references_and_std_files_in_the_cache() {
    let mut client = Client::start();
    let path = repo().join("catalog.cit");
    let text = std::fs::read_to_string(&path).expect("catalog.cit");
    let uri = client.open(&path, &text);
    client.diagnostics(&uri);

    let sized = client.at(
        "textDocument/definition",
        &uri,
        find(&text, "use sized", 5),
        json!({}),
    );
    let target = sized["uri"].as_str().expect("a location").to_string();
    assert!(target.starts_with(&uri_prefix(&client.cache)), "{target}");
    assert!(target.ends_with("/std/kubevirt.cit"), "{target}");
    let file = target.strip_prefix("file://").unwrap_or_default();
    let std_text = std::fs::read_to_string(file).expect("the std copy");
    let line = sized["range"]["start"]["line"].as_u64().unwrap_or_default() as usize;
    assert!(std_text
        .lines()
        .nth(line)
        .unwrap_or_default()
        .contains("mixin sized"));
    assert!(std::fs::metadata(file)
        .expect("meta")
        .permissions()
        .readonly());

    let parent = client.at(
        "textDocument/definition",
        &uri,
        find(&text, "series o1 : u1", 12),
        json!({}),
    );
    assert_eq!(
        parent["range"]["start"],
        json!({"line": find(&text, "series u1 {", 0).0, "character": 7})
    );

    let references = client.at(
        "textDocument/references",
        &uri,
        find(&text, "mixin dedicated-cpu", 7),
        json!({"context": {"includeDeclaration": true}}),
    );
    let lines: Vec<u64> = references
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap_or_default())
        .collect();
    let expected = text
        .lines()
        .filter(|l| {
            l.contains("dedicated-cpu") && !l.trim_start().starts_with("//") && !l.contains("\"")
        })
        .count();
    assert_eq!(lines.len(), expected, "{references}");
    client.shutdown();
}

#[test]
fn rename_a_mixin_across_files_and_refuse_a_collision() {
    let dir = multi_file_catalog();
    let a = dir.path().join("a.cit");
    let a_text = std::fs::read_to_string(&a).expect("a");
    let mut client = Client::start();
    let a_uri = client.open(&a, &a_text);
    client.diagnostics(&a_uri);
    let edit = client.at(
        "textDocument/rename",
        &a_uri,
        find(&a_text, "use shared", 5),
        json!({"newName": "common"}),
    );
    let changes = edit["changes"].as_object().expect("changes");
    let b_uri = uri(&dir.path().join("b.cit").canonicalize().expect("b"));
    let a_edits = changes[&uri(&a.canonicalize().expect("a"))]
        .as_array()
        .expect("a edits");
    let b_edits = changes[&b_uri].as_array().expect("b edits");
    assert_eq!(a_edits.len(), 2);
    assert_eq!(b_edits.len(), 1);
    assert!(a_edits
        .iter()
        .chain(b_edits)
        .all(|e| e["newText"] == "common"));

    // `linux` is a preference: renaming `fedora` to it collides.
    let refused = client.raw_request(
        "textDocument/rename",
        json!({"textDocument": {"uri": a_uri}, "position": pos(find(&a_text, "preference fedora", 12)), "newName": "linux"}),
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("already exists"),
        "{refused}"
    );
    let invalid = client.raw_request(
        "textDocument/rename",
        json!({"textDocument": {"uri": a_uri}, "position": pos(find(&a_text, "use shared", 5)), "newName": "no spaces"}),
    );
    assert!(invalid.get("error").is_some(), "{invalid}");
    // Std items are not renamed.
    let text = std::fs::read_to_string(repo().join("catalog.cit")).expect("catalog");
    let catalog_uri = client.open(&repo().join("catalog.cit"), &text);
    client.diagnostics(&catalog_uri);
    let std = client.raw_request(
        "textDocument/rename",
        json!({"textDocument": {"uri": catalog_uri}, "position": pos(find(&text, "use sized", 5)), "newName": "sizes2"}),
    );
    assert!(
        std["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("standard library"),
        "{std}"
    );
    client.shutdown();
}

#[test]
fn completion_of_mixins_fields_tables_and_keywords() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("c.cit");
    let text = "import \"std/kubevirt\"\nimport \"std/sizes\"\n\nmixin mine { spec.cpu.guest = 1 }\n\nseries s1 {\n  use sized\n  sizes general_sizes\n}\n";
    let mut client = Client::start();
    let uri = client.open(&path, text);
    client.diagnostics(&uri);
    let edited = "import \"std/kubevirt\"\nimport \"std/sizes\"\n\nmixin mine { spec.cpu.guest = 1 }\n\nseries s1 {\n  use \n  sizes \n  spec.cpu.\n  spec.memory.overcommitPercent = 10\n  \n}\n\n";
    client.change(&uri, 2, edited);
    client.diagnostics(&uri);

    let mixins = labels(&client.at("textDocument/completion", &uri, (6, 6), json!({})));
    assert!(
        mixins.contains(&"mine".to_string()) && mixins.contains(&"sized".to_string()),
        "{mixins:?}"
    );
    let tables = labels(&client.at("textDocument/completion", &uri, (7, 8), json!({})));
    assert!(tables.contains(&"general_sizes".to_string()), "{tables:?}");
    let fields = client.at("textDocument/completion", &uri, (8, 11), json!({}));
    let names = labels(&fields);
    assert!(
        names.contains(&"guest".to_string())
            && names.contains(&"dedicatedCPUPlacement".to_string()),
        "{names:?}"
    );
    let guest = fields
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == "guest"))
        .cloned()
        .unwrap_or_default();
    assert!(
        guest["detail"].as_str().unwrap_or_default().contains("int"),
        "{guest}"
    );
    let statement = labels(&client.at("textDocument/completion", &uri, (10, 2), json!({})));
    assert!(
        statement.contains(&"use".to_string()) && statement.contains(&"spec".to_string()),
        "{statement:?}"
    );
    assert!(!statement.contains(&"series".to_string()));
    let top = labels(&client.at("textDocument/completion", &uri, (12, 0), json!({})));
    assert!(
        top.contains(&"series".to_string()) && !top.contains(&"use".to_string()),
        "{top:?}"
    );
    client.shutdown();
}

#[test]
fn document_symbols_formatting_folding_and_code_actions() {
    let mut client = Client::start();
    let path = repo().join("catalog.cit");
    let text = std::fs::read_to_string(&path).expect("catalog.cit");
    let uri = client.open(&path, &text);
    client.diagnostics(&uri);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .expect("symbols")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    for expected in ["common-series", "cx1", "u1", "o1"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let folding = client.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let ranges = folding.as_array().expect("ranges");
    let (cx1, _) = find(&text, "series cx1 {", 0);
    assert!(
        ranges.iter().any(|r| r["startLine"] == cx1),
        "a fold for series cx1"
    );
    assert!(ranges.iter().any(|r| r["kind"] == "comment"));

    let dir = tempfile::tempdir().expect("temp dir");
    let messy = dir.path().join("messy.cit");
    let messy_text = "import \"std/kubevirt\"\npreference   linux{\nosType=\"linux\"\n    }\n";
    let messy_uri = client.open(&messy, messy_text);
    client.diagnostics(&messy_uri);
    let edits = client.request("textDocument/formatting", json!({"textDocument": {"uri": messy_uri}, "options": {"tabSize": 2, "insertSpaces": true}}));
    let formatted = edits[0]["newText"].as_str().expect("an edit");
    let expected = citc::fmt::format_source(citc::source::FileId(0), messy_text).expect("formats");
    assert_eq!(formatted, expected);

    // A misspelled mixin: the quick fix applies the suggestion.
    let typo = dir.path().join("typo.cit");
    let typo_text = "import \"std/kubevirt\"\nimport \"std/components\"\npreference linux {\n  use secureboots\n}\n";
    let typo_uri = client.open(&typo, typo_text);
    let diags = client.diagnostics(&typo_uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": typo_uri}, "range": diags[0]["range"], "context": {"diagnostics": diags}}),
    );
    let edit = &actions[0]["edit"]["changes"][&typo_uri][0];
    assert_eq!(edit["newText"], "secureboot");
    assert_eq!(edit["range"]["start"], json!({"line": 3, "character": 6}));
    assert_eq!(edit["range"]["end"], json!({"line": 3, "character": 17}));

    // A fix of several edits that a check attached: the missing import
    // and the name, one quick fix.
    let table = dir.path().join("table.cit");
    let table_text = "// sizes\nseries u9 {\n  sizes general_size\n}\n";
    let table_uri = client.open(&table, table_text);
    let diags = client.diagnostics(&table_uri);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": table_uri}, "range": diags[0]["range"], "context": {"diagnostics": diags}}),
    );
    let edits = actions[0]["edit"]["changes"][&table_uri]
        .as_array()
        .expect("edits");
    let new_texts: Vec<&str> = edits.iter().filter_map(|e| e["newText"].as_str()).collect();
    assert_eq!(
        new_texts,
        ["import \"std/sizes\"\n", "general_sizes"],
        "{actions}"
    );
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 1, "character": 0})
    );
    client.shutdown();
}

#[test]
fn a_half_typed_file_does_not_crash_the_server() {
    let mut client = Client::start();
    let path = repo().join("catalog.cit");
    let text = std::fs::read_to_string(&path).expect("catalog.cit");
    let uri = client.open(&path, &text);
    client.diagnostics(&uri);
    let (line, _) = find(&text, "series d1 {", 0);
    let half = text.replacen("series d1 {", "series d1 {\n  spec.cpu. = \n  use \"", 1);
    client.change(&uri, 2, &half);
    let diags = client.diagnostics(&uri);
    assert_eq!(diags[0]["code"], "E0001");
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
        "textDocument/references",
    ] {
        for character in [0, 3, 8, 11, 200] {
            let response = client.raw_request(
                method,
                json!({"textDocument": {"uri": uri}, "position": {"line": line + 1, "character": character}, "context": {"includeDeclaration": true}}),
            );
            assert!(response.get("result").is_some() || response.get("error").is_some());
        }
    }
    for method in [
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
        "textDocument/formatting",
    ] {
        client.request(
            method,
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
        );
    }
    // The previous good analysis still serves navigation.
    let sized = client.at(
        "textDocument/definition",
        &uri,
        find(&half, "use sized", 5),
        json!({}),
    );
    assert!(sized["uri"]
        .as_str()
        .unwrap_or_default()
        .ends_with("std/kubevirt.cit"));
    // Out-of-range edits and positions are survived too.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"range": {"start": {"line": 99999, "character": 5}, "end": {"line": 0, "character": 0}}, "text": "x"}]}),
    );
    client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 99999, "character": 99999}}),
    );
    client.shutdown();
}

/// Every tests/ui case: the server publishes the codes and start positions
/// of `citc check`'s short report (tests/ui/<case>.stderr).
#[test]
fn every_ui_case_publishes_what_citc_check_reports() {
    let ui = repo().join("tests/ui");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&ui)
        .expect("tests/ui")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "cit"))
        .collect();
    cases.sort();
    let mut client = Client::start();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let stderr = std::fs::read_to_string(case.with_extension("stderr")).unwrap_or_default();
        let prefix = format!("{name}:");
        let expected: Vec<(String, u64, u64)> = stderr
            .lines()
            .filter_map(|line| line.strip_prefix(&prefix))
            .filter_map(|rest| {
                let mut parts = rest.splitn(3, ':');
                let line: u64 = parts.next()?.parse().ok()?;
                let column: u64 = parts.next()?.parse().ok()?;
                let code = rest.split('[').nth(1)?.split(']').next()?.to_string();
                Some((code, line, column))
            })
            .collect();
        let text = match std::fs::read_to_string(case) {
            Ok(text) => text,
            Err(_) => continue, // an unreadable case (E0002) has no document to open
        };
        let uri = client.open(case, &text);
        let published: Vec<(String, u64, u64)> = client
            .diagnostics(&uri)
            .iter()
            .map(lsp_key)
            .map(|(code, line, column, _, _)| (code, line, column))
            .collect();
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        client.diagnostics(&uri);
        if published != expected {
            failures.push(format!(
                "{name}: expected {expected:?}\n  published {published:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Go to definition follows the language's rule for names: the nearer
/// definition, and `module::name` to the one it names.
#[test]
fn definition_of_a_hidden_name_and_of_a_module_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.cit");
    let text = "import \"std/kubevirt\"\nimport \"std/components\"\n\nmixin efi {\n  spec.firmware.preferredEfi.secureBoot = false\n}\n\npreference mine {\n  use efi\n}\n\npreference plain {\n  use components::efi\n}\n";
    std::fs::write(&path, text).expect("write");
    let mut client = Client::start();
    let uri = client.open(&path, text);
    client.diagnostics(&uri);

    let own = client.at(
        "textDocument/definition",
        &uri,
        find(text, "use efi", 5),
        json!({}),
    );
    assert_eq!(own["uri"].as_str(), Some(uri.as_str()), "{own}");
    assert_eq!(own["range"]["start"]["line"], json!(3), "{own}");

    let std = client.at(
        "textDocument/definition",
        &uri,
        find(text, "use components::efi", 18),
        json!({}),
    );
    let target = std["uri"].as_str().expect("a location").to_string();
    assert!(target.ends_with("/std/components.cit"), "{target}");
    let file = target.strip_prefix("file://").unwrap_or_default();
    let std_text = std::fs::read_to_string(file).expect("the std copy");
    let line = std["range"]["start"]["line"].as_u64().unwrap_or_default() as usize;
    assert!(
        std_text
            .lines()
            .nth(line)
            .unwrap_or_default()
            .contains("mixin efi {"),
        "{std}"
    );
    client.shutdown();
}
