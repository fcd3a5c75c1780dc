//! `citc doc html`: a static site of the catalog to choose from — the
//! series, the size grid, every instance type and preference with its
//! labels, requirements and the YAML citc builds, which instance types meet
//! each preference's requirements, filters and search; with `--compare`,
//! what changed as `citc diff` reports it.
//!
//! - [`model`]: what the page shows, read from the lowered documents (the
//!   same pipeline as `citc build`) and the resolved resources.
//! - [`page`]: index.html. site.css and site.js are embedded as written:
//!   no framework, no network; the page reads whole without script, which
//!   only hides what the filters leave out.

mod model;
mod page;

pub use model::{model, Model};
pub use page::Meta;

use crate::lower::Document;
use crate::resolve::Catalog;

/// The files of the site, in the order they are listed in its manifest.
pub const FILES: [&str; 3] = ["index.html", "site.css", "site.js"];

const CSS: &str = include_str!("site.css");
const JS: &str = include_str!("site.js");

/// The site's files as (name, text), named as in [`FILES`].
pub fn site(catalog: &Catalog, documents: &[Document], meta: &Meta) -> Vec<(&'static str, String)> {
    let model = model::model(catalog, documents);
    let files = [page::page(&model, meta), CSS.to_string(), JS.to_string()];
    FILES.into_iter().zip(files).collect()
}
