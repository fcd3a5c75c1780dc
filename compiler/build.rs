#![allow(clippy::result_large_err)]
//! Prepares the standard library at build time: every `stdlib/*.cit` module
//! is parsed once, with the compiler's own parser (compiler/syntax, compiled
//! here as well), and its AST is stored in `$OUT_DIR/<module>.ast` for
//! compiler/resolve/load.rs to embed. A run then decodes the AST instead of
//! parsing 640 lines of standard library: a quarter of a build's work.
//!
//! A module that does not parse fails the build: the binary must never ship
//! a standard library that it cannot read.

// pest without its `std` feature generates code that names `alloc`.
extern crate alloc;

use std::path::Path;

#[allow(dead_code)]
#[path = "source.rs"]
mod source;

#[allow(dead_code)]
#[path = "suggest.rs"]
mod suggest;

#[allow(dead_code, unused_imports)]
#[path = "syntax/mod.rs"]
mod syntax;

#[path = "build_version.rs"]
mod build_version;

/// What the parser needs of `crate::diagnostic`: here a syntax error only
/// has to be shown in the build's failure.
mod diagnostic {
    use crate::source::Span;

    #[derive(Debug)]
    pub struct Diagnostic {
        pub code: &'static str,
        pub span: Span,
        pub message: String,
    }

    impl Diagnostic {
        pub fn new(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
            Diagnostic {
                code,
                span,
                message: message.into(),
            }
        }

        pub fn label(self, _label: impl Into<String>) -> Diagnostic {
            self
        }

        pub fn help(self, _help: impl Into<String>) -> Diagnostic {
            self
        }

        pub fn with_secondary(self, _span: Span, _message: impl Into<String>) -> Diagnostic {
            self
        }

        pub fn fix(self, _span: Span, _replacement: impl Into<String>) -> Diagnostic {
            self
        }

        pub fn describe(&self) -> String {
            format!(
                "error[{}] at bytes {}..{}: {}",
                self.code, self.span.start, self.span.end, self.message
            )
        }
    }
}

fn main() {
    println!("cargo::rerun-if-changed=stdlib");
    println!("cargo::rerun-if-changed=grammar/cit.pest");
    println!("cargo::rerun-if-changed=compiler/syntax");
    println!("cargo::rerun-if-changed=compiler/source.rs");
    println!("cargo::rerun-if-changed=compiler/suggest.rs");
    build_version::emit();

    // The `citc` binary is linked as a fixed-address executable on Linux: a
    // position-independent one has the loader apply its relocations at
    // every start, touching (and copying) 40 more pages of a 60 MB binary.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }

    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut modules: Vec<_> = std::fs::read_dir("stdlib")
        .expect("stdlib/ is readable")
        .map(|entry| entry.expect("stdlib/ is readable").path())
        .filter(|path| path.extension().is_some_and(|e| e == "cit"))
        .collect();
    modules.sort();
    for path in modules {
        let text = std::fs::read_to_string(&path).expect("a std module is UTF-8 text");
        // The file id is not stored (see `Span`'s serde impls in source.rs).
        let ast = syntax::parse_file(source::FileId(0), &text).unwrap_or_else(|diag| {
            panic!("{} does not parse: {}", path.display(), diag.describe())
        });
        let bytes = postcard::to_allocvec(&ast).expect("an AST always serializes");
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 module name");
        std::fs::write(Path::new(&out_dir).join(format!("{stem}.ast")), bytes)
            .expect("OUT_DIR is writable");
    }
}
