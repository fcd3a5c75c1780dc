//! Series: instance types named `<series>.<size>` that share their fields
//! become one series with a size table.

use super::model::Catalog;
use super::stdlib::Std;

/// Groups instance types into series; returns the std tables used.
pub fn make_series(_catalog: &mut Catalog, _std: &Std) -> Vec<String> {
    Vec::new()
}
