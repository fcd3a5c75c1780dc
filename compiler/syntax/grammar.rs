//! The pest binding of `grammar/cit.pest`: the generated parser and its
//! `Rule`s, below everything else in syntax/ that names a rule.

use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "grammar/cit.pest"]
pub(super) struct CitParser;
