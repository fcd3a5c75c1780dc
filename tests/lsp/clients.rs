//! What trials in real clients (Neovim, Emacs with eglot, VS Code) asked
//! of the server: hover that renders everywhere (no Markdown tables) with
//! KubeVirt's field descriptions and the version label the build writes,
//! maps that merge called merged, hover and definition on `patch`/`remove`
//! targets and patterns, the standard library served by the same server,
//! completion filtered by context, `codeDescription`, semantic tokens.

use std::path::Path;

use serde_json::{json, Value};

use crate::harness::*;

/// Opens `text` as `path` and waits for its first diagnostics.
fn opened(client: &mut Client, path: &Path, text: &str) -> (String, Vec<Value>) {
    let uri = client.open(path, text);
    let diagnostics = client.diagnostics(&uri);
    (uri, diagnostics)
}

fn hover_at(client: &mut Client, uri: &str, text: &str, needle: &str, skip: u32) -> String {
    hover_text(&client.at(
        "textDocument/hover",
        uri,
        find(text, needle, skip),
        json!({}),
    ))
}

/// The (file name, 0-based line) of every location a definition answers.
fn definition_lines(result: &Value) -> Vec<(String, u64)> {
    let list = match result {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    list.iter()
        .map(|l| {
            let uri = l["uri"].as_str().unwrap_or_default();
            let name = uri.rsplit('/').next().unwrap_or_default().to_string();
            (
                name,
                l["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect()
}

/// The 0-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    find(text, needle, 0).0 as u64
}

#[test]
fn the_carried_kubevirt_schema_is_the_shared_one() {
    let carried = std::fs::read(repo().join("compiler/lsp/kubevirt-api.schema.json"))
        .expect("compiler/lsp/kubevirt-api.schema.json");
    let shared = repo().join("../shared/kubevirt-api/instancetype-v1beta1.schema.json");
    match std::fs::read(&shared) {
        Ok(bytes) => assert!(
            bytes == carried,
            "compiler/lsp/kubevirt-api.schema.json differs from {}: copy it again",
            shared.display()
        ),
        Err(_) => eprintln!("skipped: {} is not there", shared.display()),
    }
}

#[test]
fn field_hover_has_kubevirts_description_its_type_and_no_table() {
    let mut client = Client::start();
    let path = repo().join("catalog.cit");
    let text = std::fs::read_to_string(&path).expect("catalog.cit");
    let (uri, _) = opened(&mut client, &path, &text);
    let hover = hover_at(&mut client, &uri, &text, "spec.cpu.maxSockets = cpu", 10);
    assert!(
        hover.contains("MaxSockets specifies the maximum amount of sockets that can be hotplugged"),
        "{hover}"
    );
    assert!(
        hover.contains("`int(0..") || hover.contains("`int`"),
        "{hover}"
    );
    assert!(hover.contains("- `cx1.medium`: `"), "{hover}");
    for line in hover.lines() {
        assert!(
            !line.trim_start().starts_with('|'),
            "a table row: {line}\n{hover}"
        );
    }
    // A field in a nested block of a preference.
    let console = hover_at(
        &mut client,
        &uri,
        &text,
        "preferredAutoattachSerialConsole = true",
        3,
    );
    assert!(
        console.contains("spec.devices.preferredAutoattachSerialConsole"),
        "{console}"
    );
    assert!(
        console.contains("(preferences)") && console.contains("(KubeVirt)"),
        "{console}"
    );
    client.shutdown();
}

#[test]
fn hover_writes_the_version_label_with_the_release_default_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.cit");
    let text = "import \"std/kubevirt\"\n\nrelease {\n  version_label = \"acme.example/version\"\n  default_version = \"v0-dev\"\n}\n\npreference linux {\n  osType = \"linux\"\n  spec.devices.preferredDiskBus = \"virtio\"\n}\n";
    let mut client = Client::start();
    let (uri, diags) = opened(&mut client, &path, text);
    assert_eq!(diags, Vec::<Value>::new());
    let hover = hover_at(&mut client, &uri, text, "preference linux", 12);
    assert!(hover.contains("acme.example/version: v0-dev"), "{hover}");
    assert!(!hover.contains("noversion"), "{hover}");
    client.shutdown();
}

#[test]
fn a_merged_map_is_merged_and_a_replaced_one_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.cit");
    let text = "import \"std/kubevirt\"\n\nmixin noted {\n  spec.annotations { a = \"1\" }\n}\n\npreference merged {\n  use noted\n  spec.annotations { b = \"2\" }\n}\n\npreference replaced {\n  use noted\n  spec.annotations := { c = \"3\" }\n}\n";
    let mut client = Client::start();
    let (uri, diags) = opened(&mut client, &path, text);
    assert_eq!(diags, Vec::<Value>::new());
    let hover = hover_at(&mut client, &uri, text, "spec.annotations { a", 6);
    let merged = hover
        .lines()
        .find(|l| l.contains("`merged`"))
        .unwrap_or_default();
    assert!(
        merged.contains("merged with ") && merged.ends_with("catalog.cit:9"),
        "{hover}"
    );
    assert!(!merged.contains("overridden"), "{hover}");
    let replaced = hover
        .lines()
        .find(|l| l.contains("`replaced`"))
        .unwrap_or_default();
    assert!(
        replaced.contains("replaced at ") && replaced.ends_with("catalog.cit:14"),
        "{hover}"
    );
    assert!(
        hover.contains("(instance types and preferences)"),
        "{hover}"
    );
    client.shutdown();
}

#[test]
fn patch_and_remove_targets_have_hover_and_definition() {
    let downstream = repo().join("examples/downstream/catalog.cit");
    let text = std::fs::read_to_string(&downstream).expect("the downstream example");
    let upstream = std::fs::read_to_string(repo().join("catalog.cit")).expect("catalog.cit");
    let mut client = Client::start();
    let (uri, diags) = opened(&mut client, &downstream, &text);
    assert_eq!(diags, Vec::<Value>::new());

    // A name that a matrix made: removed here, defined by the matrix.
    let xp = hover_at(&mut client, &uri, &text, "remove preference windows.xp", 19);
    assert!(xp.contains("removes preference `windows.xp`"), "{xp}");
    let matrix = line_of(&upstream, "preference \"windows.${version}");
    assert!(xp.contains(&format!("catalog.cit:{}", matrix + 1)), "{xp}");
    let definition = client.at(
        "textDocument/definition",
        &uri,
        find(&text, "remove preference windows.xp", 19),
        json!({}),
    );
    assert_eq!(
        definition_lines(&definition),
        vec![("catalog.cit".to_string(), matrix)]
    );

    // A pattern: every resource it selects, and where each is defined.
    let rhel = hover_at(&mut client, &uri, &text, "rhel.7*", 2);
    assert!(rhel.contains("removes 2 resource(s)"), "{rhel}");
    assert!(
        rhel.contains("- preference `rhel.7`") && rhel.contains("- preference `rhel.7.desktop`"),
        "{rhel}"
    );
    let definitions = client.at(
        "textDocument/definition",
        &uri,
        find(&text, "rhel.7*", 2),
        json!({}),
    );
    assert_eq!(
        definition_lines(&definitions),
        vec![
            (
                "catalog.cit".to_string(),
                line_of(&upstream, "preference rhel.7 ")
            ),
            (
                "catalog.cit".to_string(),
                line_of(&upstream, "preference \"rhel.${release}.desktop\"")
            ),
        ]
    );

    // A label: the instance types that carry it, as built.
    let label = hover_at(
        &mut client,
        &uri,
        &text,
        "label class == \"compute.exclusive\"",
        14,
    );
    assert!(label.contains("- instance type `cx1.medium`"), "{label}");
    assert!(!label.contains("u1.medium"), "{label}");

    // A name that a series made: its YAML after the patch, defined by the series.
    let dir = tempfile::tempdir().expect("temp dir");
    let own = dir.path().join("own.cit");
    let own_text = format!(
        "import \"{}\"\n\npatch instancetype u1.medium {{\n  spec.cpu.model = \"host-model\"\n}}\n",
        repo().join("catalog.cit").display()
    );
    let (own_uri, diags) = opened(&mut client, &own, &own_text);
    assert_eq!(diags, Vec::<Value>::new());
    let medium = hover_at(&mut client, &own_uri, &own_text, "u1.medium", 3);
    assert!(
        medium.contains("patches instance type `u1.medium`"),
        "{medium}"
    );
    assert!(medium.contains("model: host-model"), "{medium}");
    let definition = client.at(
        "textDocument/definition",
        &own_uri,
        find(&own_text, "u1.medium", 3),
        json!({}),
    );
    assert_eq!(
        definition_lines(&definition),
        vec![("catalog.cit".to_string(), line_of(&upstream, "series u1 {"))]
    );
    client.shutdown();
}

/// A std copy that the client opens after a definition is served by the
/// same server: no diagnostics of its own, hover and definition inside it.
#[test]
fn the_standard_librarys_copy_is_served_by_the_same_server() {
    let mut client = Client::start();
    let path = repo().join("catalog.cit");
    let text = std::fs::read_to_string(&path).expect("catalog.cit");
    let (uri, _) = opened(&mut client, &path, &text);
    let spread4 = client.at(
        "textDocument/definition",
        &uri,
        find(&text, "use cpu-topology-spread-4", 6),
        json!({}),
    );
    let std_uri = spread4["uri"].as_str().expect("a location").to_string();
    assert!(std_uri.ends_with("/std/components.cit"), "{std_uri}");
    let std_path = std_uri
        .strip_prefix("file://")
        .unwrap_or_default()
        .to_string();
    let std_text = std::fs::read_to_string(&std_path).expect("the std copy");
    // The client opens the copy in the same server, as it opens any file.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": std_uri, "languageId": "cit", "version": 1, "text": std_text}}),
    );
    let hover = hover_at(
        &mut client,
        &std_uri,
        &std_text,
        "mixin cpu-topology-spread-4",
        7,
    );
    assert!(hover.contains("mixin cpu-topology-spread-4"), "{hover}");
    // From inside the copy: definition of the mixin it uses, in the copy.
    let inner = client.at(
        "textDocument/definition",
        &std_uri,
        find(&std_text, "  use cpu-topology-spread\n", 7),
        json!({}),
    );
    assert_eq!(inner["uri"].as_str(), Some(std_uri.as_str()), "{inner}");
    assert_eq!(
        inner["range"]["start"]["line"].as_u64(),
        Some(line_of(&std_text, "mixin cpu-topology-spread {")),
        "{inner}"
    );
    // The copy gets no diagnostics of its own (it is the catalog's std).
    client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": std_uri}, "position": {"line": 0, "character": 0}}),
    );
    assert!(
        !client.backlog.iter().any(|m| is_publish_for(m, &std_uri)
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty())),
        "diagnostics for the std copy"
    );
    client.shutdown();
}

#[test]
fn use_in_a_series_offers_instance_type_mixins_and_when_offers_the_rows_in_scope() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("c.cit");
    let text = "import \"std/kubevirt\"\nimport \"std/sizes\"\nimport \"std/components\"\n\nmixin fast { spec.cpu.dedicatedCPUPlacement = true }\nmixin quiet { spec.devices.preferredAutoattachSerialConsole = false }\nmixin labelled { metadata.labels.\"example.com/x\" = \"y\" }\n\ntable other_sizes (size, cpu) {\n  tiny  1\n  huge  64\n}\n\nseries s1 {\n  use sized\n  sizes general_sizes\n}\n\npreference p1 {\n  osType = \"linux\"\n}\n";
    let mut client = Client::start();
    let (uri, _) = opened(&mut client, &path, text);
    let edited = text
        .replace(
            "  use sized\n  sizes general_sizes\n",
            "  use sized\n  sizes general_sizes\n  use \n  when size == \n",
        )
        .replace("  osType = \"linux\"\n", "  osType = \"linux\"\n  use \n");
    client.change(&uri, 2, &edited);
    client.diagnostics(&uri);
    let (series_use, _) = find(&edited, "  use \n", 0);
    let in_series = labels(&client.at("textDocument/completion", &uri, (series_use, 6), json!({})));
    for wanted in ["fast", "labelled", "sized"] {
        assert!(
            in_series.contains(&wanted.to_string()),
            "{wanted} in {in_series:?}"
        );
    }
    for unwanted in ["quiet", "efi", "secureboot"] {
        assert!(
            !in_series.contains(&unwanted.to_string()),
            "{unwanted} in {in_series:?}"
        );
    }
    let preference_use = edited
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "  use ")
        .map(|(i, _)| i as u32)
        .last()
        .expect("the preference's use");
    let in_preference = labels(&client.at(
        "textDocument/completion",
        &uri,
        (preference_use, 6),
        json!({}),
    ));
    for wanted in ["quiet", "labelled", "efi"] {
        assert!(
            in_preference.contains(&wanted.to_string()),
            "{wanted} in {in_preference:?}"
        );
    }
    assert!(
        !in_preference.contains(&"fast".to_string()),
        "{in_preference:?}"
    );

    let (when, _) = find(&edited, "when size == ", 0);
    let sizes = labels(&client.at("textDocument/completion", &uri, (when, 15), json!({})));
    assert!(
        sizes.contains(&"medium".to_string()) && sizes.contains(&"nano".to_string()),
        "{sizes:?}"
    );
    assert!(
        !sizes.contains(&"tiny".to_string()) && !sizes.contains(&"huge".to_string()),
        "{sizes:?}"
    );
    client.shutdown();
}

#[test]
fn diagnostics_carry_a_code_description_that_explains_the_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("typo.cit");
    let text = "import \"std/kubevirt\"\npreference linux {\n  use secureboots\n}\n";
    let mut client = Client::start();
    let (_, diags) = opened(&mut client, &path, text);
    let e0102 = diags.iter().find(|d| d["code"] == "E0102").expect("E0102");
    let href = e0102["codeDescription"]["href"].as_str().expect("an href");
    let file = href.strip_prefix("file://").expect("a file URI");
    assert!(
        file.starts_with(&client.cache.to_string_lossy().to_string()) || file.contains("/citc/"),
        "{href}"
    );
    let page = std::fs::read_to_string(file).expect("the explanation");
    let info = citc::codes::lookup("E0102").expect("E0102 is a code");
    assert!(
        page.contains(info.title)
            && page.contains(info.explanation.lines().next().unwrap_or_default()),
        "{page}"
    );
    assert!(page.contains("citc explain E0102"), "{page}");
    client.shutdown();
}

/// Semantic tokens as (line, start, length, type, modifiers), decoded.
fn semantic_tokens(client: &mut Client, uri: &str) -> Vec<(u32, u32, u32, String, Vec<String>)> {
    let legend = client.capabilities["semanticTokensProvider"]["legend"].clone();
    let types: Vec<String> = legend["tokenTypes"]
        .as_array()
        .expect("token types")
        .iter()
        .map(|t| t.as_str().unwrap_or_default().to_string())
        .collect();
    let modifiers: Vec<String> = legend["tokenModifiers"]
        .as_array()
        .expect("token modifiers")
        .iter()
        .map(|t| t.as_str().unwrap_or_default().to_string())
        .collect();
    let result = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let data: Vec<u32> = result["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|v| v.as_u64().unwrap_or_default() as u32)
        .collect();
    assert_eq!(data.len() % 5, 0);
    let (mut line, mut start) = (0, 0);
    data.chunks(5)
        .map(|t| {
            if t[0] > 0 {
                start = 0;
            }
            line += t[0];
            start += t[1];
            let mods = (0..modifiers.len())
                .filter(|bit| t[4] & (1 << bit) != 0)
                .map(|bit| modifiers[bit].clone())
                .collect();
            (line, start, t[2], types[t[3] as usize].clone(), mods)
        })
        .collect()
}

#[test]
fn semantic_tokens_classify_every_token_of_a_file() {
    let path = repo().join("editors/test/fixtures/all-constructs.cit");
    let text = std::fs::read_to_string(&path).expect("the fixture");
    let mut client = Client::start();
    let (uri, diags) = opened(&mut client, &path, &text);
    assert_eq!(diags, Vec::<Value>::new());
    let tokens = semantic_tokens(&mut client, &uri);
    let lines: Vec<&str> = text.lines().collect();
    // Sorted, on their line, not overlapping.
    let mut last = (0, 0);
    for &(line, start, length, ..) in &tokens {
        assert!(
            (line, start) >= last,
            "tokens out of order at {line}:{start}"
        );
        assert!((start + length) as usize <= lines[line as usize].len());
        last = (line, start + length);
    }
    let at = |needle: &str, skip: u32| -> (String, Vec<String>) {
        let (line, column) = find(&text, needle, skip);
        tokens
            .iter()
            .find(|(l, s, n, ..)| *l == line && *s <= column && column < s + n)
            .map(|(.., t, m)| (t.clone(), m.clone()))
            .unwrap_or_else(|| panic!("no token at {needle:?}+{skip}"))
    };
    let kind = |needle: &str, skip: u32| at(needle, skip).0;
    assert_eq!(kind("import \"std/kubevirt\"", 0), "keyword");
    assert_eq!(kind("import \"std/kubevirt\"", 8), "string");
    assert_eq!(kind("// a comment after a statement", 3), "comment");
    assert_eq!(
        at("mixin shared {", 7),
        ("function".into(), vec!["declaration".into()])
    );
    assert_eq!(
        at("use sized", 5),
        ("function".into(), vec!["defaultLibrary".into()])
    );
    assert_eq!(kind("use kubevirt::sized", 5), "namespace");
    assert_eq!(kind("use kubevirt::sized", 15), "function");
    assert_eq!(kind("sizes common::tiny_sizes", 15), "type");
    assert_eq!(kind("= common::site", 11), "variable");
    assert_eq!(kind("table tiers (tier_key", 7), "type");
    assert_eq!(kind("table tiers (tier_key", 14), "parameter");
    assert_eq!(
        at("series t1 : base1", 8),
        ("class".into(), vec!["declaration".into()])
    );
    assert_eq!(kind("series t1 : base1", 13), "class");
    assert_eq!(kind("spec.cpu.model = ", 1), "property");
    assert_eq!(kind("spec.cpu.model = ", 10), "property");
    assert_eq!(kind("spec.cpu.model = ", 15), "operator");
    assert_eq!(kind("let count = 42", 12), "number");
    assert_eq!(kind("let half = 1.5Gi", 12), "number");
    assert_eq!(kind("let enabled = true", 15), "keyword");
    assert_eq!(
        at("let greeting", 5),
        (
            "variable".into(),
            vec!["declaration".into(), "readonly".into()]
        )
    );
    assert_eq!(kind("  gold-x   4", 3), "enumMember");
    assert_eq!(kind("from @size", 6), "decorator");
    assert_eq!(kind("A text block spans lines", 2), "string");
    assert_eq!(kind("remove preference app.pro.b*", 19), "class");
    assert_eq!(kind("type ExampleSettings", 6), "type");
    assert_eq!(kind("name: required string(..63)", 16), "type");
    assert_eq!(kind("\"team-${count}\"", 9), "variable");
    assert_eq!(kind("\"team-${count}\"", 2), "string");
    // Every character but whitespace and punctuation has a token: a client
    // without a grammar highlights all of it.
    let mut bare = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        for (column, c) in line.char_indices() {
            if c.is_whitespace() || "{}()[],.".contains(c) {
                continue;
            }
            let covered = tokens.iter().any(|(l, s, len, ..)| {
                *l as usize == n && (*s as usize) <= column && column < (*s + *len) as usize
            });
            if !covered {
                bare.push(format!("{}:{}: {c:?} in {line:?}", n + 1, column + 1));
            }
        }
    }
    assert!(bare.is_empty(), "without a token:\n{}", bare.join("\n"));
    client.shutdown();
}

/// `citc lsp --help` names the editors' files: each one exists.
#[test]
fn lsp_help_points_at_files_that_exist() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_citc"))
        .args(["lsp", "--help"])
        .output()
        .expect("citc lsp --help");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    let mut named = Vec::new();
    for word in help.split(|c: char| c.is_whitespace() || "(),;:".contains(c)) {
        let word = word.trim_end_matches('.');
        if word.starts_with("editors/") {
            named.push(word.to_string());
        }
    }
    for wanted in [
        "editors/vscode",
        "editors/neovim/lsp/citc.lua",
        "editors/helix/languages.toml",
        "editors/emacs/cit-mode.el",
    ] {
        assert!(named.iter().any(|n| n == wanted), "{wanted} in {named:?}");
    }
    for path in &named {
        assert!(
            repo().join(path).exists(),
            "`citc lsp --help` names {path}, which is not there"
        );
    }
    // The Emacs mode it names is the one that registers the server.
    let mode =
        std::fs::read_to_string(repo().join("editors/emacs/cit-mode.el")).expect("cit-mode.el");
    assert!(
        mode.contains("(define-derived-mode cit-mode") && mode.contains("eglot-server-programs")
    );
}
