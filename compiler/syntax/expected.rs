//! What pest expected, in words: the names of grammar rules as a syntax
//! error lists them.

use super::grammar::Rule;

pub(super) fn describe_rules(rules: &[Rule]) -> String {
    let mut names: Vec<&str> = rules.iter().map(|r| rule_name(*r)).collect();
    names.sort_unstable();
    names.dedup();
    match names.len() {
        0 => "something else".to_string(),
        1 => names[0].to_string(),
        n => format!("{} or {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::string
        | Rule::string_inner
        | Rule::text_block
        | Rule::variable
        | Rule::int
        | Rule::float
        | Rule::quantity
        | Rule::bool
        | Rule::map
        | Rule::list
        | Rule::paren => "a value",
        Rule::bin_op | Rule::arith_tail => "an operator (`*`, `/`, `+`, `-`)",
        Rule::ident | Rule::reference => "a name",
        Rule::resource_name => "a resource name",
        Rule::path | Rule::key_word => "a field path",
        Rule::value => "a value",
        Rule::block => "`{`",
        Rule::assign_op => "`=` or `:=`",
        Rule::bad_number => "a value",
        Rule::kw_use
        | Rule::kw_sizes
        | Rule::kw_variants
        | Rule::kw_when
        | Rule::kw_ratio
        | Rule::kw_allow
        | Rule::kw_unset
        | Rule::let_stmt
        | Rule::unset_stmt
        | Rule::ratio_stmt
        | Rule::allow_stmt => "a statement",
        Rule::table_row => "a table row",
        Rule::word => "a word",
        Rule::kind => "`instancetype` or `preference`",
        Rule::parent => "`:` and a parent",
        Rule::for_clause | Rule::kw_for => "`for`",
        Rule::except_clause | Rule::kw_except => "`except`",
        Rule::derive_rule | Rule::kw_label => "`label`",
        Rule::derive_from | Rule::kw_from => "`from`",
        Rule::derive_if | Rule::kw_if => "`if`",
        Rule::attribute => "an attribute like `@size`",
        Rule::import_item
        | Rule::let_item
        | Rule::alias_item
        | Rule::mixin_item
        | Rule::table_item
        | Rule::series_item
        | Rule::definition_item
        | Rule::derive_item
        | Rule::abstract_kw
        | Rule::kw_import
        | Rule::kw_let
        | Rule::kw_alias
        | Rule::kw_mixin
        | Rule::kw_table
        | Rule::kw_series
        | Rule::kw_derive
        | Rule::kw_release
        | Rule::kw_patch
        | Rule::kw_remove
        | Rule::release_item
        | Rule::patch_item
        | Rule::remove_item
        | Rule::file => "a top-level item (`mixin`, `preference`, `patch`, …)",
        Rule::use_stmt
        | Rule::sizes_stmt
        | Rule::variants_stmt
        | Rule::when_stmt
        | Rule::assign_stmt
        | Rule::nested_stmt => "a statement",
        Rule::when_eq | Rule::when_in => "`==` or `in`",
        _ => "a token",
    }
}
