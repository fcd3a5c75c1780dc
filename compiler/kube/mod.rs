//! Kube: what Kubernetes itself defines and more than one phase needs —
//! the names it accepts (object names, label keys and values), its
//! resource quantities, and the kinds of resource with their API version.
//! Below resolve, check, release and lower, so none of them reaches into
//! another for these.

mod kind;
mod names;
mod quantity;

pub use kind::{ApiKind, API_VERSION};
pub use names::{is_dns_subdomain, is_label_value, is_qualified_name};
pub use quantity::quantity_help;
