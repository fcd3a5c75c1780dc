//! Labels: the labels that std/kubevirt's derive rules compute are left to
//! them when every resource agrees. A rule that some resource contradicts
//! (v0.3.0's `hugepages: "true"`, a label missing where the rule would add
//! one) cannot run on this catalog: then the catalog does not import
//! std/kubevirt and writes its own `derive` blocks with the rules that
//! agree. Labels no rule derives stay explicit.

use crate::syntax::ast::{DeriveRule, DeriveSource, Kind};
use crate::yaml::Yaml;

use super::model::{Def, Derive, Field, Lit};
use super::stdlib::{rule_line, Std};
use super::text::scalar_text;

/// The label a rule derives for a definition's fields (`size` is the
/// `@size` attribute, for an instance type of a series).
pub fn derived(rule: &DeriveRule, fields: &[Field], size: Option<&str>) -> Option<String> {
    match &rule.source {
        DeriveSource::Field(path) => {
            let keys: Vec<&str> = path.segments.iter().map(|s| s.name.as_str()).collect();
            fields
                .iter()
                .find(|f| f.is(&keys))
                .and_then(|f| match &f.value {
                    Lit::Yaml(y) => scalar_text(y),
                    Lit::Var(_) => None,
                })
        }
        DeriveSource::Present(path) => {
            let keys: Vec<&str> = path.segments.iter().map(|s| s.name.as_str()).collect();
            let mut set = fields.iter().filter(|f| {
                f.path.len() >= keys.len() && f.path.iter().zip(&keys).all(|(a, b)| a == b)
            });
            let first = set.next()?;
            if first.path.len() == keys.len() && first.value == Lit::Yaml(Yaml::Bool(false)) {
                return None;
            }
            Some("true".to_string())
        }
        DeriveSource::Attribute(name) if name.name == "size" => size.map(str::to_string),
        DeriveSource::Attribute(_) => None,
    }
}

fn label_path(key: &str) -> [&str; 3] {
    ["metadata", "labels", key]
}

/// Does the rule agree with the definition: where it derives a value, the
/// definition has that label with that value?
fn agrees(rule: &DeriveRule, def: &Def) -> bool {
    match derived(rule, &def.fields, None) {
        None => true,
        Some(value) => def.fields.iter().any(|f| {
            f.is(&label_path(&rule.label)) && f.value == Lit::Yaml(Yaml::Str(value.clone()))
        }),
    }
}

/// Chooses std/kubevirt or the catalog's own rules, and removes the labels
/// the chosen rules derive.
pub fn leave_to_rules(defs: &mut [Def], std: &Std) -> Derive {
    let agreeing: Vec<&(Kind, DeriveRule)> = std
        .rules
        .iter()
        .filter(|(kind, rule)| {
            defs.iter()
                .filter(|d| d.kind == *kind)
                .all(|d| agrees(rule, d))
        })
        .collect();
    let derive = if agreeing.len() == std.rules.len() {
        Derive::Std
    } else {
        // `@size` is only known for series; the own rules leave the size
        // label explicit (the series pass may then write it from a column).
        Derive::Own(
            agreeing
                .iter()
                .filter(|(_, r)| !matches!(r.source, DeriveSource::Attribute(_)))
                .map(|(kind, rule)| (*kind, rule_line(rule)))
                .collect(),
        )
    };
    let active: Vec<&(Kind, DeriveRule)> = match &derive {
        Derive::Std => agreeing,
        Derive::Own(_) => agreeing
            .into_iter()
            .filter(|(_, r)| !matches!(r.source, DeriveSource::Attribute(_)))
            .collect(),
    };
    for def in defs.iter_mut() {
        let derived_here: Vec<(String, String)> = active
            .iter()
            .filter(|(kind, _)| *kind == def.kind)
            .filter_map(|(_, rule)| {
                derived(rule, &def.fields, None).map(|v| (rule.label.clone(), v))
            })
            .collect();
        def.fields.retain(|f| {
            !derived_here.iter().any(|(key, value)| {
                f.is(&label_path(key)) && f.value == Lit::Yaml(Yaml::Str(value.clone()))
            })
        });
    }
    derive
}
