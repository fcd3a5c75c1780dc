//! `citc lsp`, driven over stdio as an editor drives it (harness.rs):
//! the features on the repository's catalogs (features.rs) and what the
//! trials in real clients asked for (clients.rs), and what no client can
//! break (robust.rs; wire.rs: properties of the framing and of edits,
//! shared with the fuzz targets).

mod clients;
mod features;
mod harness;
mod robust;
mod wire;
