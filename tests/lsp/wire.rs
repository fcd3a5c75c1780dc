//! What must hold for any bytes a client writes: the frame reader and the
//! message parser never panic and answer every unreadable frame with one
//! well-formed error frame; `didChange` edits land where the protocol's
//! positions say (UTF-16 columns; `\n`, `\r\n` and a lone `\r` end a
//! line). Shared by the property tests below and the cargo-fuzz targets
//! `lsp_frames` and `lsp_edits` (tests/fuzz), which include this file.

use citc::lsp::transport::{self, Frame, FrameReader, MAX_FRAME_BYTES};
use lsp_server::Message;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Any bytes through the reader as the server's stdin: every frame it
/// answers itself is one well-formed frame (an error response or a log
/// line), and every message it passes on was a frame within the cap.
pub fn frames(data: &[u8]) {
    let (to_server, from_reader) = crossbeam_channel::unbounded();
    let (out, written) = crossbeam_channel::unbounded();
    transport::read_loop(&mut FrameReader::new(data), &to_server, &out);
    drop((to_server, out));
    for message in from_reader.try_iter() {
        let _ = serde_json::to_string(&message).expect("a message serializes");
    }
    for frame in written.try_iter() {
        let mut reader = FrameReader::new(frame.as_slice());
        let Ok(Some(Frame::Body(body))) = reader.next_frame() else {
            panic!("not one frame: {:?}", String::from_utf8_lossy(&frame));
        };
        assert!(body.len() as u64 <= MAX_FRAME_BYTES);
        let value: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        let is_error = value["error"]["code"].is_i64() && value.get("id").is_some();
        let is_log = value["method"] == "window/logMessage";
        assert!(is_error || is_log, "{value}");
        assert!(
            matches!(reader.next_frame(), Ok(None)),
            "more than one frame"
        );
    }
    // Parsing a body alone never panics either.
    let _: Result<Message, _> = transport::parse(data);
}

/// The byte offset of a position, counted the slow way: one character at
/// a time, by the protocol's rules.
fn offset_of(text: &str, position: Position) -> usize {
    let bytes = text.as_bytes();
    let (mut line, mut column) = (0u32, 0u32);
    for (i, c) in text.char_indices() {
        if line == position.line {
            if c == '\n' || c == '\r' || column >= position.character {
                return i;
            }
            column += c.len_utf16() as u32;
        } else if c == '\n' || (c == '\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            column = 0;
        }
    }
    text.len()
}

/// Bytes as a document and a sequence of edits (chunks split at 0: the
/// first is the text; each next one a range of four small numbers and the
/// text to put there, or, shorter, a whole new text). Each edit must give
/// what the slow count of positions gives.
pub fn edits(data: &[u8]) {
    let mut chunks = data.split(|&b| b == 0);
    let mut text = String::from_utf8_lossy(chunks.next().unwrap_or_default()).into_owned();
    for chunk in chunks {
        let change = match chunk {
            [a, b, c, d, rest @ ..] => TextDocumentContentChangeEvent {
                range: Some(Range::new(
                    Position::new(u32::from(*a % 16), u32::from(*b % 32)),
                    Position::new(u32::from(*c % 16), u32::from(*d % 32)),
                )),
                range_length: None,
                text: String::from_utf8_lossy(rest).into_owned(),
            },
            rest => TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: String::from_utf8_lossy(rest).into_owned(),
            },
        };
        let mut expected = text.clone();
        match change.range {
            Some(range) => {
                let start = offset_of(&text, range.start);
                let end = offset_of(&text, range.end).max(start);
                expected.replace_range(start..end, &change.text);
            }
            None => expected = change.text.clone(),
        }
        citc::lsp::apply_change(&mut text, change);
        assert_eq!(text, expected);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// Bytes that look like what a client writes, cut and mixed up.
    fn wire() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"Content-Length: 2\r\n\r\n{}".to_vec()),
            Just(b"Content-Length: 5\n\n[1,2]".to_vec()),
            Just(b"content-length:99999999999\r\n\r\n".to_vec()),
            Just(b"Content-Type: application/vscode-jsonrpc\r\n".to_vec()),
            Just(
                br#"Content-Length: 39

{"jsonrpc":"2.0","id":1,"method":"x"}"#
                    .to_vec()
            ),
            Just(b"\r\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..24),
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    /// Text with every kind of line ending and characters of one to four
    /// bytes (two UTF-16 units for 𝄞).
    fn document() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just("\n"),
            Just("\r\n"),
            Just("\r"),
            Just("a"),
            Just("é"),
            Just("𝄞"),
            Just("€"),
            Just(" "),
            Just("\0"),
        ];
        proptest::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat().into_bytes())
    }

    proptest! {
        #[test]
        fn any_bytes_on_stdin(data in wire()) {
            super::frames(&data);
        }

        #[test]
        fn any_edits(data in document()) {
            super::edits(&data);
        }
    }
}
