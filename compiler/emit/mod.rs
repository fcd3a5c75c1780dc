//! Emit: Kubernetes documents become bundles, checksums and output
//! folders (the go-yaml v2 bytes of one document are crate::yaml's);
//! reports become JSON laid out for reading.
pub mod bundle;
pub mod json;
pub mod outdir;
