//! Any text through the whole front end and lowering: parse, resolve,
//! check, lower, emit. It must never panic, hang or blow up memory; bad input
//! gets diagnostics, and every diagnostic must point inside a loaded file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let compilation = citc::compile_str("fuzz.cit", text, "v0");
    for diag in &compilation.diagnostics {
        let file = compilation.sources.get(diag.span.file);
        assert!(diag.span.start <= diag.span.end);
        assert!(diag.span.end as usize <= file.text.len().max(diag.span.start as usize));
        let _ = citc::diagnostic::render_short(&compilation.sources, diag);
        let _ = citc::diagnostic::render_human(&compilation.sources, diag, false);
    }
    if !compilation.has_errors() {
        let _ = citc::emit::bundle::bundles(&compilation.documents, &compilation.release);
    }
});
