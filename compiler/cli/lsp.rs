//! `citc lsp`: the language server, over stdio.

use std::process::ExitCode;

use clap::Args;

/// Run the language server on stdin/stdout (the Language Server Protocol).
///
/// Editors start it themselves; it is not meant to be run by hand. It
/// checks every open .cit file as you type (the diagnostics of `citc
/// check`, for the open file and the open files that import it), and
/// answers hover, go to definition, find references, rename, completion,
/// document symbols, formatting (`citc fmt`), quick fixes for every "did
/// you mean" and folding ranges.
///
/// Configure an editor to start `citc lsp` for files ending in `.cit`:
///
///   Neovim (0.8+):  vim.api.nvim_create_autocmd("FileType", { pattern = "cit",
///                     callback = function() vim.lsp.start({ name = "citc",
///                     cmd = { "citc", "lsp" }, root_dir = vim.fn.getcwd() }) end })
///                   (with `vim.filetype.add({ extension = { cit = "cit" } })`);
///                   Neovim 0.7, vim-lsp, coc.nvim: see editors/neovim/.
///   VS Code:        the extension in editors/vscode (setting `citc.path`).
///   Helix:          [[language]] name = "cit", file-types = ["cit"],
///                   language-servers = ["citc"] and [language-server.citc]
///                   command = "citc", args = ["lsp"] in languages.toml.
///   Emacs (eglot):  (add-to-list 'eglot-server-programs '(cit-mode "citc" "lsp"))
///
/// The standard library's modules open read-only from a cache folder
/// ($XDG_CACHE_HOME/citc/std-<hash>, else ~/.cache/citc/…), the only place
/// the server writes. Log lines go to stderr. `initializationOptions`
/// may set `debounceMs` (default 50): how long typing must pause before
/// the document is checked.
#[derive(Args)]
pub struct LspArgs {
    /// Accepted for clients that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(_args: LspArgs) -> ExitCode {
    match crate::lsp::run_stdio() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("citc lsp: {err}");
            ExitCode::from(2)
        }
    }
}
