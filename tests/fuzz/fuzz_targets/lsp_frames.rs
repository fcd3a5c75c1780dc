//! Any bytes as what a client writes to `citc lsp`'s stdin: the frame
//! reader (its caps on lengths and header lines, and how it finds the next
//! frame after a broken one) and the JSON-RPC parser. It must never panic,
//! hang or allocate what a header claims; every frame it answers itself is
//! one well-formed error or log frame. The checks are tests/lsp/wire.rs's,
//! which `cargo test --test lsp` also runs as property tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../lsp/wire.rs"]
#[allow(dead_code)] // each target uses half of it
mod wire;

fuzz_target!(|data: &[u8]| wire::frames(data));
