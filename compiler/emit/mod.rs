//! Emit: Kubernetes documents become bundles, checksums and output
//! folders (the go-yaml v2 bytes of one document are crate::yaml's).
pub mod bundle;
pub mod outdir;
