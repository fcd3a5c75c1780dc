//! `citc lsp`, driven over stdio as an editor drives it (harness.rs):
//! the features on the repository's catalogs (features.rs) and what the
//! trials in real clients asked for (clients.rs).

mod clients;
mod features;
mod harness;
