//! The `citc` binary: parse arguments, run the command, exit with its code.

/// A compilation allocates many small maps and strings and frees them
/// together; mimalloc does that at a fraction of glibc's cost (measured in
/// the language server, where half the time of an edit went to malloc/free).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    citc::cli::main()
}
