//! Emit: Kubernetes documents become bytes (go-yaml v2 style), bundles and checksums.
pub mod bundle;
#[path = "yaml_stub.rs"]
pub mod yaml;
