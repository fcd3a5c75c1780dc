//! The hash maps of resolution and checking. Their keys are short names from
//! the author's own files, looked up for every field of every resource:
//! std's SipHash, built to resist hash flooding by hostile input, cost 7% of
//! a build; rustc's FxHash does the same lookups for a fraction of that.

use rustc_hash::FxBuildHasher;

pub type HashMap<K, V> = std::collections::HashMap<K, V, FxBuildHasher>;
pub type HashSet<T> = std::collections::HashSet<T, FxBuildHasher>;
pub type IndexMap<K, V> = indexmap::IndexMap<K, V, FxBuildHasher>;
pub type IndexSet<T> = indexmap::IndexSet<T, FxBuildHasher>;
