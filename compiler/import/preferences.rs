//! Preferences: std/components mixins recognised, and an inheritance tree.

use super::model::Catalog;
use super::stdlib::Std;

pub fn arrange(_catalog: &mut Catalog, _std: &Std) {}
