//! The wire: LSP's base protocol (headers, `Content-Length`, a JSON body)
//! over stdin and stdout, read so that no frame a client sends stops the
//! server. (lsp-server's own reader allocates whatever length a header
//! claims and ends the connection at the first malformed frame.)
//!
//! A frame that cannot be read is refused: logged, answered with an error
//! (ParseError or InvalidRequest, with the request's id when it has one and
//! `null` otherwise, as JSON-RPC says), and the reader goes on. When the
//! headers do not say where the body ends, it skips to the next
//! `Content-Length` header.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{bounded, select, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, RequestId, Response};
use lsp_types::notification::{LogMessage, Notification as _};
use lsp_types::{LogMessageParams, MessageType};
use serde_json::Value;

use crate::source::MAX_SOURCE_BYTES;

/// The largest message read: a document at the file cap
/// ([`MAX_SOURCE_BYTES`]), escaped as JSON, with room to spare, so that a
/// document over the cap still arrives and is told so (see
/// `Workspace::oversized`). A longer `Content-Length` is refused before
/// anything is allocated for it.
pub const MAX_FRAME_BYTES: u64 = 4 * MAX_SOURCE_BYTES;

/// The longest header line, and the most header lines, of one frame.
const MAX_HEADER_LINE: usize = 8 << 10;
const MAX_HEADER_LINES: usize = 32;

/// What the reader found on the wire.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A body of the length its header gave.
    Body(Vec<u8>),
    /// A frame that cannot be read, and why; what it held is skipped.
    Refused(String),
}

/// Reads frames from a byte stream.
pub struct FrameReader<R> {
    input: R,
    /// The last frame's end is unknown: skip to the next `Content-Length`.
    lost: bool,
}

const CONTENT_LENGTH: &[u8] = b"content-length:";

impl<R: BufRead> FrameReader<R> {
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader { input, lost: false }
    }

    /// The next frame; `None` at the end of the input.
    pub fn next_frame(&mut self) -> io::Result<Option<Frame>> {
        let mut first: Vec<u8> = Vec::new();
        if self.lost {
            if !self.skip_to_content_length()? {
                return Ok(None);
            }
            self.lost = false;
            first.extend_from_slice(CONTENT_LENGTH);
        }
        let mut length: Option<u64> = None;
        let mut problem: Option<String> = None;
        let mut lines = 0usize;
        loop {
            let Some((line, whole)) = self.read_line(std::mem::take(&mut first))? else {
                return Ok(None);
            };
            if line.is_empty() && whole {
                if lines == 0 {
                    // Blank lines between frames.
                    continue;
                }
                break;
            }
            lines += 1;
            if !whole {
                problem.get_or_insert_with(|| {
                    format!("a header line longer than {} KiB", MAX_HEADER_LINE >> 10)
                });
                continue;
            }
            if lines > MAX_HEADER_LINES {
                problem.get_or_insert_with(|| format!("more than {MAX_HEADER_LINES} header lines"));
                continue;
            }
            let text = String::from_utf8_lossy(&line);
            let Some((name, value)) = text.split_once(':') else {
                problem.get_or_insert_with(|| {
                    format!("a header line that is not `Name: value`: {:?}", clip(&text))
                });
                continue;
            };
            if !name.trim().eq_ignore_ascii_case("content-length") {
                // Content-Type is the only other header; utf-8 is assumed.
                continue;
            }
            let value = value.trim();
            let parsed = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                // All digits: too many of them is a length past any cap.
                Some(value.parse::<u64>().unwrap_or(u64::MAX))
            } else {
                None
            };
            match (parsed, length) {
                (None, _) => {
                    problem.get_or_insert_with(|| {
                        format!("a Content-Length that is not a number: {:?}", clip(value))
                    });
                }
                (Some(n), Some(before)) if n != before => {
                    problem.get_or_insert_with(|| {
                        format!("two different Content-Length headers ({before} and {n})")
                    });
                }
                (Some(n), _) => length = Some(n),
            }
        }
        let length = match (problem, length) {
            (Some(problem), _) => return Ok(Some(self.refuse(problem))),
            (None, None) => return Ok(Some(self.refuse("no Content-Length header".into()))),
            (None, Some(n)) if n > MAX_FRAME_BYTES => {
                return Ok(Some(self.refuse(format!(
                    "a Content-Length of {n} bytes, more than a message may have ({} MiB)",
                    MAX_FRAME_BYTES >> 20
                ))))
            }
            (None, Some(n)) => n,
        };
        // Read as it arrives: the length is a claim, not an allocation.
        let mut body = Vec::with_capacity(length.min(1 << 20) as usize);
        (&mut self.input).take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Ok(None);
        }
        Ok(Some(Frame::Body(body)))
    }

    fn refuse(&mut self, why: String) -> Frame {
        self.lost = true;
        Frame::Refused(why)
    }

    /// One line without its `\n` (and `\r`), after `start`; whether it was
    /// whole (not cut at [`MAX_HEADER_LINE`]). `None` at the end of input.
    fn read_line(&mut self, start: Vec<u8>) -> io::Result<Option<(Vec<u8>, bool)>> {
        let mut line = start;
        let mut whole = true;
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Ok(None);
            }
            let (taken, done) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            let room = MAX_HEADER_LINE.saturating_sub(line.len());
            if taken > room {
                whole = false;
            }
            line.extend_from_slice(&available[..taken.min(room)]);
            self.input.consume(taken);
            if done {
                if whole {
                    line.pop();
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                }
                return Ok(Some((line, whole)));
            }
        }
    }

    /// Skips input up to and including the next `Content-Length:` (in any
    /// case); `false` when the input ends first.
    fn skip_to_content_length(&mut self) -> io::Result<bool> {
        // No letter of the name repeats its first: a mismatch restarts the
        // match at this byte.
        let mut matched = 0usize;
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Ok(false);
            }
            for (i, &byte) in available.iter().enumerate() {
                let byte = byte.to_ascii_lowercase();
                if byte == CONTENT_LENGTH[matched] {
                    matched += 1;
                } else {
                    matched = usize::from(byte == CONTENT_LENGTH[0]);
                }
                if matched == CONTENT_LENGTH.len() {
                    self.input.consume(i + 1);
                    return Ok(true);
                }
            }
            let n = available.len();
            self.input.consume(n);
        }
    }
}

/// At most 80 characters of a client's text, for a log line.
fn clip(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A body that is not a message: the error to answer it with.
#[derive(Debug)]
pub struct Invalid {
    /// The request's id, when one can be read from it.
    pub id: Option<RequestId>,
    pub code: ErrorCode,
    pub message: String,
}

/// A frame's body as a JSON-RPC message.
pub fn parse(body: &[u8]) -> Result<Message, Invalid> {
    let invalid = |id, code, message: String| Invalid { id, code, message };
    let text = std::str::from_utf8(body).map_err(|err| {
        invalid(
            None,
            ErrorCode::ParseError,
            format!(
                "the message is not UTF-8 (invalid byte at offset {})",
                err.valid_up_to()
            ),
        )
    })?;
    let err = match serde_json::from_str::<Message>(text) {
        Ok(message) => return Ok(message),
        Err(err) => err,
    };
    let value: Value = serde_json::from_str(text).map_err(|err| {
        invalid(
            None,
            ErrorCode::ParseError,
            format!("the message is not JSON: {err}"),
        )
    })?;
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    let message = if value.is_array() {
        "a batch of messages, which LSP does not have".to_string()
    } else {
        format!("not a JSON-RPC request, response or notification: {err}")
    };
    Err(invalid(id, ErrorCode::InvalidRequest, message))
}

/// The error response to an unreadable frame, as a whole frame's bytes
/// (its id may be `null`, which `lsp_server::Response` cannot hold).
fn error_frame(id: Option<&RequestId>, code: ErrorCode, message: &str) -> Vec<u8> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": message },
    })
    .to_string();
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body.as_bytes());
    frame
}

/// A `window/logMessage` of an error, also written to stderr.
pub fn log_message(text: String) -> Message {
    eprintln!("{text}");
    Message::Notification(Notification::new(
        LogMessage::METHOD.into(),
        LogMessageParams {
            typ: MessageType::ERROR,
            message: text,
        },
    ))
}

fn frame_of(message: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into memory does not fail.
    let _ = message.write(&mut out);
    out
}

/// The threads of the stdio transport.
pub struct Threads {
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits until everything sent has been written. The reader is not
    /// waited for: it may be blocked on a client that keeps stdin open.
    pub fn join(self) -> io::Result<()> {
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// A connection over stdin and stdout.
pub fn stdio() -> (Connection, Threads) {
    let (to_writer, from_server) = bounded::<Message>(0);
    // The reader's own answers: a channel apart, so that the writer ends
    // when the server drops its sender, whatever the reader is doing.
    let (reader_out, from_reader) = bounded::<Vec<u8>>(16);
    let writer = thread::Builder::new()
        .name("citc-lsp-writer".into())
        .spawn(move || write_loop(from_server, from_reader))
        .expect("a thread for the writer");
    let (to_server, receiver) = bounded::<Message>(0);
    thread::Builder::new()
        .name("citc-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            read_loop(&mut FrameReader::new(stdin.lock()), &to_server, &reader_out);
        })
        .expect("a thread for the reader");
    (
        Connection {
            sender: to_writer,
            receiver,
        },
        Threads { writer },
    )
}

fn write_loop(from_server: Receiver<Message>, from_reader: Receiver<Vec<u8>>) -> io::Result<()> {
    // stdout is the protocol's channel here, not the command's output: a
    // failed write ends the loop with its error (cli::stdout is for text).
    #[allow(clippy::disallowed_methods)]
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut from_reader = from_reader;
    loop {
        select! {
            recv(from_server) -> message => match message {
                Ok(message) => message.write(&mut out)?,
                Err(_) => return Ok(()),
            },
            recv(from_reader) -> frame => match frame {
                Ok(frame) => {
                    out.write_all(&frame)?;
                    out.flush()?;
                }
                Err(_) => from_reader = crossbeam_channel::never(),
            },
        }
    }
}

/// Reads frames until the input ends or `exit` has been passed on.
pub fn read_loop<R: BufRead>(
    reader: &mut FrameReader<R>,
    to_server: &Sender<Message>,
    out: &Sender<Vec<u8>>,
) {
    loop {
        let frame = match reader.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => return,
            Err(err) => {
                let _ = out.send(frame_of(&log_message(format!(
                    "citc lsp: cannot read stdin: {err}"
                ))));
                return;
            }
        };
        let refused = match frame {
            Frame::Body(body) => match parse(&body) {
                Ok(message) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if to_server.send(message).is_err() || exit {
                        return;
                    }
                    continue;
                }
                Err(invalid) => invalid,
            },
            Frame::Refused(why) => Invalid {
                id: None,
                code: ErrorCode::ParseError,
                message: format!("a frame was refused: {why}"),
            },
        };
        let log = log_message(format!("citc lsp: {}", refused.message));
        let _ = out.send(frame_of(&log));
        let _ = out.send(error_frame(
            refused.id.as_ref(),
            refused.code,
            &refused.message,
        ));
    }
}

/// An error response to a request, for the server's own refusals.
pub fn error_response(id: RequestId, code: ErrorCode, message: impl Into<String>) -> Message {
    Message::Response(Response::new_err(id, code as i32, message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        while let Some(frame) = reader.next_frame().expect("in memory") {
            out.push(frame);
        }
        out
    }

    fn body(text: &str) -> Frame {
        Frame::Body(text.as_bytes().to_vec())
    }

    #[test]
    fn frames_follow_each_other_with_lf_or_crlf_headers() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Type: x\ncontent-length:3\n\n[1]";
        assert_eq!(frames(input), vec![body("{}"), body("[1]")]);
    }

    #[test]
    fn a_broken_header_skips_to_the_next_content_length() {
        let cases: [&[u8]; 5] = [
            b"Content-Length: x\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
            b"Content-Type: a\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
            b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
            b"Content-Length: 99999999999999999999999\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
            b"no colon\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
        ];
        for input in cases {
            let read = frames(input);
            assert_eq!(read.len(), 2, "{read:?}");
            assert!(matches!(read[0], Frame::Refused(_)), "{read:?}");
            assert_eq!(read[1], body("{}"));
        }
    }

    #[test]
    fn a_length_over_the_cap_is_refused_without_reading_it() {
        let input = format!(
            "Content-Length: {}\r\n\r\n{{}}Content-Length: 2\r\n\r\n{{}}",
            MAX_FRAME_BYTES + 1
        );
        let read = frames(input.as_bytes());
        assert!(matches!(&read[0], Frame::Refused(why) if why.contains("more than")));
        assert_eq!(read[1], body("{}"));
    }

    #[test]
    fn a_long_header_line_is_cut_and_refused() {
        let mut input = vec![b'x'; MAX_HEADER_LINE * 3];
        input.extend_from_slice(b"\r\n\r\nContent-Length: 2\r\n\r\n{}");
        let read = frames(&input);
        assert!(matches!(&read[0], Frame::Refused(why) if why.contains("longer")));
        assert_eq!(read[1], body("{}"));
    }

    #[test]
    fn a_body_cut_short_ends_the_input() {
        assert_eq!(frames(b"Content-Length: 10\r\n\r\n{}"), Vec::new());
    }

    #[test]
    fn bodies_that_are_not_messages() {
        let code = |body: &[u8]| parse(body).map(|_| ()).map_err(|e| (e.id, e.code as i32));
        assert_eq!(code(b"\xff"), Err((None, -32700)));
        assert_eq!(code(b"{"), Err((None, -32700)));
        assert_eq!(code(b"[]"), Err((None, -32600)));
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","id":7,"method":5}"#),
            Err((Some(RequestId::from(7)), -32600))
        );
        assert!(code(br#"{"jsonrpc":"2.0","method":"x","params":5}"#).is_ok());
    }
}
