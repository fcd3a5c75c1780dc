//! What `citc --version` and the language server's serverInfo say: the
//! crate's version, and the commit and date it was built from
//! (`0.2.0 (1a2b3c4 2026-12-10)`; see compiler/build_version.rs).

/// `0.2.0 (1a2b3c4 2026-12-10)`, `0.2.0 (1a2b3c4-dirty 2026-12-10)` for a
/// build whose sources differ from the commit, or `0.2.0` when the build
/// had no commit to name.
pub const LONG: &str = env!("CITC_LONG_VERSION");

/// The date of the commit the build was made from (`2026-12-10`), or empty.
pub const DATE: &str = env!("CITC_BUILD_DATE");
