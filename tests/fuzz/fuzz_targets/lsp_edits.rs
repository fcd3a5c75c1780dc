//! Any bytes as a document and a sequence of `didChange` edits (chunks
//! split at byte 0): each edit must land where the protocol's positions
//! say (UTF-16 columns; `\n`, `\r\n` and a lone `\r` end a line), out of
//! range or not, never panic, and agree with a character-by-character
//! count. The checks are tests/lsp/wire.rs's, which `cargo test --test lsp`
//! also runs as property tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../lsp/wire.rs"]
#[allow(dead_code)] // each target uses half of it
mod wire;

fuzz_target!(|data: &[u8]| wire::edits(data));
