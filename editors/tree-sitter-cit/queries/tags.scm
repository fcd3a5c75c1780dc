; Definitions and references for code navigation (GitHub, `tree-sitter tags`):
; mixins are functions (a `use` calls one), series, preferences and
; instance types classes (a parent is a reference), tables types.

(mixin_item
  name: (identifier) @name) @definition.function

(use_stmt
  mixin: (reference
    name: (identifier) @name)) @reference.call

(series_item
  name: (identifier) @name) @definition.class

(definition_item
  name: (resource_name) @name) @definition.class

(parent
  name: (resource_name) @name) @reference.class

(table_item
  name: (identifier) @name) @definition.type

[
  (sizes_stmt
    table: (reference
      name: (identifier) @name))
  (variants_stmt
    table: (reference
      name: (identifier) @name))
  (for_clause
    table: (reference
      name: (identifier) @name))
] @reference.type

(let_item
  name: (identifier) @name) @definition.constant

(alias_item
  name: (identifier) @name) @definition.field
