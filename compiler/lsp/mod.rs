//! `citc lsp`: a language server over stdio. It maps editor requests onto
//! the library's analysis and back to positions, and holds no rules of its
//! own: diagnostics are `citc check`'s, hover shows what `citc build`
//! writes, formatting is `citc fmt`'s printer.
//!
//! The loop is synchronous (lsp-server's messages, our own transport:
//! transport.rs): edits are coalesced and analysed once the client has been
//! quiet for a moment (or before the next request), then diagnostics are
//! published for every open document. Every handler runs under
//! `catch_unwind`: a panic is logged and answered with an error, and the
//! server goes on. The lifecycle is the specification's: requests before
//! `initialize` and after `shutdown` are answered with errors, and `exit`
//! ends the process with 0 after `shutdown`, 1 without. The only files it
//! writes are the read-only copies of the standard library in its cache
//! folder.

// lsp-types' `Uri` hashes and compares by its text; clippy cannot see that
// its inner cell never changes, and `WorkspaceEdit` needs it as a map key.
#![allow(clippy::mutable_key_type)]

mod apidoc;
mod complete;
pub mod convert;
mod edit;
mod hover;
pub mod index;
mod navigate;
mod outline;
mod select;
mod semantic;
pub mod transport;
pub mod workspace;

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::*;
use serde_json::Value;

use convert::LineIndex;
use workspace::{Snapshot, Workspace};

/// How long the client must be quiet after an edit before it is analysed.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(50);

/// How a session ended, for the process's exit code: the specification
/// asks for 0 when `exit` (or the end of input) follows `shutdown`, else 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    AfterShutdown,
    WithoutShutdown,
}

/// Serves on stdin/stdout until the client says `exit` or closes stdin.
pub fn run_stdio() -> Result<Ended, String> {
    let (connection, threads) = transport::stdio();
    let ended = serve(&connection);
    drop(connection);
    threads.join().map_err(|e| e.to_string())?;
    Ok(ended)
}

/// Serves one client over a connection (stdio, or in memory for tests).
pub fn serve(connection: &Connection) -> Ended {
    let send = |message: Message| {
        let _ = connection.sender.send(message);
    };
    // Before `initialize`: requests are refused, notifications dropped.
    let (id, params) = loop {
        match connection.receiver.recv() {
            Err(_) => return Ended::WithoutShutdown,
            Ok(Message::Request(request)) if request.method == req::Initialize::METHOD => {
                break (request.id, request.params);
            }
            Ok(Message::Request(request)) => send(transport::error_response(
                request.id,
                ErrorCode::ServerNotInitialized,
                format!("`{}` before `initialize`", request.method),
            )),
            Ok(Message::Notification(n)) if n.method == notif::Exit::METHOD => {
                return Ended::WithoutShutdown;
            }
            Ok(_) => {}
        }
    };
    let debounce = params
        .get("initializationOptions")
        .and_then(|o| o.get("debounceMs"))
        .and_then(Value::as_u64)
        .map_or(DEFAULT_DEBOUNCE, Duration::from_millis);
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "citc", "version": crate::version::LONG },
    });
    send(Message::Response(Response::new_ok(id, result)));
    let mut server = Server {
        connection,
        workspace: Workspace::new(),
        debounce,
        deadline: None,
        published: HashMap::new(),
        shut_down: false,
    };
    server.main_loop()
}

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into(), ":".into(), "{".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        )),
        ..ServerCapabilities::default()
    }
}

/// A request that cannot be answered, as the error response says it.
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
}

impl Failure {
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            code: ErrorCode::InvalidParams,
            message: message.into(),
        }
    }

    pub fn refused(message: impl Into<String>) -> Failure {
        Failure {
            code: ErrorCode::RequestFailed,
            message: message.into(),
        }
    }
}

type Answer = Result<Value, Failure>;

struct Server<'c> {
    connection: &'c Connection,
    workspace: Workspace,
    debounce: Duration,
    /// When the pending edits are analysed, unless a request comes first.
    deadline: Option<Instant>,
    /// What was last published for each document.
    published: HashMap<Uri, Vec<Diagnostic>>,
    /// `shutdown` was answered: only `exit` is accepted now.
    shut_down: bool,
}

impl Server<'_> {
    fn main_loop(&mut self) -> Ended {
        let ended = |shut_down: bool| {
            if shut_down {
                Ended::AfterShutdown
            } else {
                Ended::WithoutShutdown
            }
        };
        loop {
            let message = match self.deadline {
                None => match self.connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return ended(self.shut_down),
                },
                Some(deadline) => {
                    let wait = deadline.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(message) => message,
                        Err(RecvTimeoutError::Timeout) => {
                            self.flush();
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => return ended(self.shut_down),
                    }
                }
            };
            match message {
                Message::Request(request) if self.shut_down => {
                    self.send(transport::error_response(
                        request.id,
                        ErrorCode::InvalidRequest,
                        format!(
                            "`{}` after `shutdown`: only `exit` is accepted now",
                            request.method
                        ),
                    ));
                }
                Message::Request(request) if request.method == req::Shutdown::METHOD => {
                    self.shut_down = true;
                    self.deadline = None;
                    self.send(Message::Response(Response::new_ok(request.id, ())));
                }
                Message::Request(request) if request.method == req::Initialize::METHOD => {
                    self.send(transport::error_response(
                        request.id,
                        ErrorCode::InvalidRequest,
                        "`initialize` was already received",
                    ));
                }
                Message::Request(request) => {
                    self.flush();
                    self.answer(request);
                }
                Message::Notification(notification) => {
                    if notification.method == notif::Exit::METHOD {
                        return ended(self.shut_down);
                    }
                    if self.shut_down {
                        continue;
                    }
                    let method = notification.method.clone();
                    let outcome = catch_unwind(AssertUnwindSafe(|| self.notified(notification)));
                    if let Err(panic) = outcome {
                        self.log(format!(
                            "citc lsp: {method} panicked: {}",
                            panic_text(&panic)
                        ));
                    }
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) {
        // A client gone away ends the loop at the next receive.
        let _ = self.connection.sender.send(message);
    }

    fn log(&self, message: String) {
        self.send(transport::log_message(message));
    }

    fn notified(&mut self, notification: Notification) {
        let method = notification.method.clone();
        let changed = match method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                let Some(params) =
                    self.notification_params::<DidOpenTextDocumentParams>(notification)
                else {
                    return;
                };
                let doc = params.text_document;
                self.workspace.open(doc.uri, doc.text, doc.version);
                true
            }
            notif::DidChangeTextDocument::METHOD => {
                let Some(params) =
                    self.notification_params::<DidChangeTextDocumentParams>(notification)
                else {
                    return;
                };
                let Some(document) = self.workspace.documents.get_mut(&params.text_document.uri)
                else {
                    return;
                };
                document.change(params.content_changes);
                document.version = params.text_document.version;
                let path = document.path.clone();
                self.workspace.dirty.insert(path);
                true
            }
            notif::DidCloseTextDocument::METHOD => {
                let Some(params) =
                    self.notification_params::<DidCloseTextDocumentParams>(notification)
                else {
                    return;
                };
                let uri = params.text_document.uri;
                if self.workspace.close(&uri).is_some() {
                    self.published.remove(&uri);
                    self.publish_one(uri, Vec::new(), None);
                }
                true
            }
            _ => false,
        };
        if changed {
            self.deadline = Some(Instant::now() + self.debounce);
        }
    }

    /// A notification's params, or `None` and a log line saying why not
    /// (a notification has no response to carry an error).
    fn notification_params<P: serde::de::DeserializeOwned>(
        &self,
        notification: Notification,
    ) -> Option<P> {
        match serde_json::from_value(notification.params) {
            Ok(params) => Some(params),
            Err(err) => {
                self.log(format!(
                    "citc lsp: `{}` ignored, its params are invalid: {err}",
                    notification.method
                ));
                None
            }
        }
    }

    /// Analyses the pending edits and publishes diagnostics.
    fn flush(&mut self) {
        self.deadline = None;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let roots = self.workspace.analyse();
            if !roots.is_empty() {
                self.publish(&roots);
            }
        }));
        if let Err(panic) = outcome {
            self.workspace.dirty.clear();
            self.log(format!(
                "citc lsp: analysis panicked: {}",
                panic_text(&panic)
            ));
        }
    }

    /// Publishes diagnostics for every open document: always for those the
    /// analysed roots loaded, for others when what they have changed.
    fn publish(&mut self, analysed: &[PathBuf]) {
        let per_uri = diagnostics_by_uri(&mut self.workspace);
        let touched: HashSet<PathBuf> = analysed
            .iter()
            .filter_map(|root| self.workspace.snapshots.get(root))
            .flat_map(|s| s.loaded.iter().cloned())
            .chain(analysed.iter().cloned())
            .collect();
        let mut documents: Vec<(Uri, PathBuf, i32, Option<Diagnostic>)> = self
            .workspace
            .documents
            .iter()
            .map(|(uri, d)| {
                let oversized = d.oversized().then(|| oversized_diagnostic(d));
                (uri.clone(), d.path.clone(), d.version, oversized)
            })
            .collect();
        documents.sort_by(|a, b| a.0.cmp(&b.0));
        for (uri, path, version, oversized) in documents {
            if self.workspace.is_std_copy(&path) {
                continue;
            }
            let diagnostics = match oversized {
                Some(diagnostic) => vec![diagnostic],
                None => per_uri.get(&uri).cloned().unwrap_or_default(),
            };
            if touched.contains(&path) || self.published.get(&uri) != Some(&diagnostics) {
                self.published.insert(uri.clone(), diagnostics.clone());
                self.publish_one(uri, diagnostics, Some(version));
            }
        }
    }

    fn publish_one(&self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            notif::PublishDiagnostics::METHOD.into(),
            params,
        )));
    }

    fn answer(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        let workspace = &mut self.workspace;
        let outcome = catch_unwind(AssertUnwindSafe(|| dispatch(workspace, request)));
        let response = match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(failure)) => Response::new_err(id, failure.code as i32, failure.message),
            Err(panic) => {
                let message = format!("citc lsp: {method} panicked: {}", panic_text(&panic));
                self.log(message.clone());
                Response::new_err(id, ErrorCode::InternalError as i32, message)
            }
        };
        self.send(Message::Response(response));
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

/// Applies one change of a `didChange` to a document's text.
pub fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let index = LineIndex::new(text);
            let start = index.offset(range.start);
            let end = index.offset(range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

fn params<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, Failure> {
    serde_json::from_value(request.params).map_err(|e| Failure::invalid(e.to_string()))
}

fn to_value<T: serde::Serialize>(value: T) -> Answer {
    serde_json::to_value(value).map_err(|e| Failure::invalid(e.to_string()))
}

fn dispatch(workspace: &mut Workspace, request: Request) -> Answer {
    match request.method.as_str() {
        req::HoverRequest::METHOD => to_value(hover::hover(workspace, params(request)?)),
        req::GotoDefinition::METHOD => to_value(navigate::definition(workspace, params(request)?)),
        req::References::METHOD => to_value(navigate::references(workspace, params(request)?)),
        req::PrepareRenameRequest::METHOD => {
            to_value(navigate::prepare_rename(workspace, params(request)?)?)
        }
        req::Rename::METHOD => to_value(navigate::rename(workspace, params(request)?)?),
        req::Completion::METHOD => to_value(complete::completion(workspace, params(request)?)),
        req::DocumentSymbolRequest::METHOD => {
            to_value(outline::symbols(workspace, params(request)?))
        }
        req::FoldingRangeRequest::METHOD => to_value(outline::folding(workspace, params(request)?)),
        req::Formatting::METHOD => to_value(edit::formatting(workspace, params(request)?)),
        req::CodeActionRequest::METHOD => to_value(edit::code_actions(workspace, params(request)?)),
        req::SemanticTokensFullRequest::METHOD => {
            to_value(semantic::full(workspace, params(request)?))
        }
        method => Err(Failure {
            code: ErrorCode::MethodNotFound,
            message: format!("citc lsp does not handle `{method}`"),
        }),
    }
}

/// Warnings that something is never read (resolve/effects.rs): a column,
/// a constant, a table.
const UNREAD: &[&str] = &["W0120", "W0121", "W0122"];

/// Every open document's diagnostics, from every analysis that loads it.
fn diagnostics_by_uri(workspace: &mut Workspace) -> HashMap<Uri, Vec<Diagnostic>> {
    let mut out: HashMap<Uri, Vec<Diagnostic>> = HashMap::new();
    let mut roots: Vec<PathBuf> = workspace.snapshots.keys().cloned().collect();
    roots.sort();
    let snapshots: Vec<(PathBuf, std::rc::Rc<Snapshot>)> = roots
        .iter()
        .map(|r| (r.clone(), std::rc::Rc::clone(&workspace.snapshots[r])))
        .collect();
    for (root, snapshot) in &snapshots {
        // A file that another open file imports is part of that catalog:
        // that it defines nothing by itself is no fault.
        let imported = snapshots
            .iter()
            .any(|(other, s)| other != root && s.loaded.contains(root));
        for diag in &snapshot.diagnostics {
            // Nor that nothing in it reads a column, constant or table:
            // the importer's analysis, which loads it, says whether the
            // catalog does.
            if imported && (diag.code == crate::check::EMPTY_CATALOG || UNREAD.contains(&diag.code))
            {
                continue;
            }
            let Some(uri) = workspace.uri_of(snapshot, diag.span.file) else {
                continue;
            };
            let converted = to_lsp_diagnostic(workspace, snapshot, diag);
            let list = out.entry(uri).or_default();
            let seen = list.iter().any(|d| {
                d.range == converted.range
                    && d.code == converted.code
                    && d.message == converted.message
            });
            if !seen {
                list.push(converted);
            }
        }
    }
    out
}

/// The one diagnostic of a document too large to analyse, at its start.
fn oversized_diagnostic(document: &workspace::Document) -> Diagnostic {
    let diag = workspace::oversized(document);
    let help = diag.help.unwrap_or_default();
    Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(diag.code.to_string())),
        source: Some("citc".into()),
        message: format!("{}\nhelp: {help}", diag.message),
        ..Diagnostic::default()
    }
}

pub fn span_range(snapshot: &Snapshot, span: crate::source::Span) -> Range {
    let text = &snapshot.analysis.sources.get(span.file).text;
    LineIndex::new(text).range(span.start as usize, span.end as usize)
}

fn to_lsp_diagnostic(
    workspace: &mut Workspace,
    snapshot: &Snapshot,
    diag: &crate::diagnostic::Diagnostic,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = diag
        .secondary
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    workspace.uri_of(snapshot, label.span.file)?,
                    span_range(snapshot, label.span),
                ),
                message: label.message.clone(),
            })
        })
        .collect();
    let mut message = diag.message.clone();
    if let Some(help) = &diag.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    Diagnostic {
        range: span_range(snapshot, diag.span),
        severity: Some(match diag.severity {
            crate::diagnostic::Severity::Error => DiagnosticSeverity::ERROR,
            crate::diagnostic::Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diag.code.to_string())),
        code_description: workspace
            .explanation(diag.code)
            .map(|href| CodeDescription { href }),
        source: Some("citc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        data: Some(serde_json::json!({ "label": diag.label, "help": diag.help })),
        ..Diagnostic::default()
    }
}

/// The document a request is about: its path, the analysis to answer
/// from, and the file's id and offset in it.
pub struct Target {
    pub snapshot: std::rc::Rc<Snapshot>,
    pub file: crate::source::FileId,
    pub offset: u32,
}

pub fn target(
    workspace: &Workspace,
    uri: &Uri,
    position: Position,
    navigation: bool,
) -> Option<Target> {
    let path = convert::uri_to_path(uri)?;
    let path = path.canonicalize().unwrap_or(path);
    let (snapshot, file) = workspace.snapshot_for(&path, navigation)?;
    let text = &snapshot.analysis.sources.get(file).text;
    let offset = LineIndex::new(text).offset(position) as u32;
    Some(Target {
        snapshot,
        file,
        offset,
    })
}
