//! Emit: Kubernetes documents become bytes (go-yaml v2 style), bundles and
//! checksums; reports become JSON laid out for reading.
pub mod bundle;
pub mod json;
pub mod outdir;
pub mod yaml;
