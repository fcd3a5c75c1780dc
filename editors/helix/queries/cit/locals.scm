; Made by editors/test/helix-test.py --write from
; editors/tree-sitter-cit/queries/locals.scm.
; Scopes, definitions and references of constants and columns (names that a
; block can hide), for highlighting references like their definitions.

(source_file) @local.scope

(block) @local.scope

(map) @local.scope

(let_item
  name: (identifier) @local.definition)

(let_stmt
  name: (identifier) @local.definition)

(table_item
  column: (identifier) @local.definition)

(variable
  !module
  name: (identifier) @local.reference)

(when_stmt
  variable: (identifier) @local.reference)
