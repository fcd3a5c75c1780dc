//! `citc lsp`: the language server, over stdio.

use std::process::ExitCode;

use clap::Args;

/// Run the language server on stdin/stdout (the Language Server Protocol).
///
/// Editors start it themselves; it is not meant to be run by hand. It
/// checks every open .cit file as you type (the diagnostics of `citc
/// check`, each code linked to its explanation), for the open file and the
/// open files that import it, and answers hover, go to definition, find
/// references, rename, completion, document symbols, formatting (`citc
/// fmt`), quick fixes for every "did you mean", folding ranges and
/// semantic tokens.
///
/// Configure an editor to start `citc lsp` for files ending in `.cit`; the
/// files named below are in citc's repository, whose editors/README.md says
/// how to install each:
///
///   VS Code:        the extension in editors/vscode; its platform packages
///                   carry citc (setting `citc.path` to use another).
///   Neovim 0.11+:   editors/neovim/lsp/citc.lua, with editors/neovim on
///                   'runtimepath': vim.lsp.enable('citc') (and
///                   vim.filetype.add({ extension = { cit = 'cit' } }), or
///                   editors/vim on 'runtimepath'); Neovim 0.8 to 0.10:
///                   editors/neovim/citc.lua; 0.7: editors/neovim/citc-0.7.lua.
///   Helix:          editors/helix/languages.toml ([[language]] "cit" with
///                   scope "source.cit", language-servers = ["citc"];
///                   [language-server.citc] command = "citc", args = ["lsp"])
///                   with the tree-sitter grammar and editors/helix/queries.
///   Emacs (eglot):  editors/emacs/cit-mode.el registers `citc lsp` with
///                   eglot: (require 'cit-mode) and
///                   (add-hook 'cit-mode-hook #'eglot-ensure).
///   Vim (vim-lsp), coc.nvim: editors/neovim/README.md.
///
/// The standard library's modules open read-only from a cache folder
/// ($XDG_CACHE_HOME/citc/std-<hash>, else ~/.cache/citc/…), beside the
/// explanations of the codes (explain-<hash>/CODE.md): the only places the
/// server writes. Log lines go to stderr. `initializationOptions` may set
/// `debounceMs` (default 50): how long typing must pause before the
/// document is checked.
///
/// Exit status: 0 when the client sent `shutdown` before `exit` (or before
/// closing stdin), 1 when it did not, 2 when stdout cannot be written. A
/// malformed message is logged and answered with an error, never fatal; a
/// message over 128 MiB is refused unread, and a document over 32 MiB gets
/// one diagnostic and is not checked.
// Verbatim: the configurations above keep their lines.
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct LspArgs {
    /// Accepted for clients that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(_args: LspArgs) -> ExitCode {
    match crate::lsp::run_stdio() {
        Ok(crate::lsp::Ended::AfterShutdown) => ExitCode::SUCCESS,
        Ok(crate::lsp::Ended::WithoutShutdown) => ExitCode::from(1),
        Err(err) => {
            eprintln!("citc lsp: {err}");
            ExitCode::from(2)
        }
    }
}
