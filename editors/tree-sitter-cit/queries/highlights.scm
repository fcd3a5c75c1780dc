; Highlighting of .cit with the capture names of nvim-treesitter and Zed
; (Helix's names: editors/helix/queries/cit/, made from this file). No node
; gets two captures, so that engines where the first pattern wins and those
; where the last one wins agree. Tested by test/highlight/ (`tree-sitter test`).

(comment) @comment

; ------------------------------------------------------------- keywords

"import" @keyword.import

[
  "let"
  "alias"
  "mixin"
  "table"
  "series"
  "derive"
  "type"
  "schema"
  "release"
  "patch"
  "remove"
] @keyword

[
  "use"
  "sizes"
  "variants"
  "ratio"
  "allow"
  "unset"
  "label"
  "from"
] @keyword

[
  "when"
  "in"
  "if"
  "except"
] @keyword.conditional

"for" @keyword.repeat

[
  (abstract)
  (field_flag)
] @keyword.modifier

(kind) @keyword.type

; ---------------------------------------------------------------- names

; What an item defines.
(mixin_item
  name: (identifier) @function)

(table_item
  name: (identifier) @type.definition)

(table_item
  column: (identifier) @variable.parameter)

(series_item
  name: (identifier) @type.definition)

(definition_item
  name: (resource_name) @type.definition)

(let_item
  name: (identifier) @constant)

(let_stmt
  name: (identifier) @constant)

(alias_item
  name: (identifier) @property)

(type_item
  name: (identifier) @type.definition)

(field_decl
  name: (identifier) @property)

; What a name refers to.
(parent
  name: (resource_name) @type)

(use_stmt
  mixin: (reference
    name: (identifier) @function.call))

(sizes_stmt
  table: (reference
    name: (identifier) @type))

(variants_stmt
  table: (reference
    name: (identifier) @type))

(for_clause
  table: (reference
    name: (identifier) @type))

(module) @module

(variable
  name: (identifier) @variable)

(when_stmt
  variable: (identifier) @variable)

(path
  (identifier) @property)

(attribute) @attribute

(code) @constant

(type_expr
  name: (identifier) @type.builtin
  (#any-of? @type.builtin
    "string" "bool" "int" "number" "quantity" "enum" "dns_subdomain" "map" "list"))

(type_expr
  name: (identifier) @type
  (#not-any-of? @type
    "string" "bool" "int" "number" "quantity" "enum" "dns_subdomain" "map" "list"))

(schema_item
  type: (identifier) @type)

; Overlays: the resources a selection names.
(name_pattern) @type

(series_target
  name: (identifier) @type)

(label_target
  key: (identifier) @property)

; --------------------------------------------------------------- values

(string) @string

(text_block) @string

(escape_sequence) @string.escape

(interpolation) @string.special

[
  (integer)
  (quantity)
  (ratio)
  (range)
] @number

(float) @number.float

(boolean) @boolean

(word) @constant

; ---------------------------------------------------------- punctuation

[
  "="
  ":="
  "=="
  "*"
  "/"
  "+"
  "-"
] @operator

[
  "."
  ","
  ":"
  "::"
] @punctuation.delimiter

[
  "{"
  "}"
  "("
  ")"
  "["
  "]"
] @punctuation.bracket
