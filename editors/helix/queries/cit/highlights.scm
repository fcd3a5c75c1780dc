; Highlighting of .cit in Helix. Made by `editors/test/helix-test.py --write`
; from editors/tree-sitter-cit/queries/highlights.scm, with Helix's scope
; names; no node gets two captures.

(comment) @comment

; ------------------------------------------------------------- keywords

"import" @keyword.control.import

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
] @keyword.control.conditional

"for" @keyword.control.repeat

[
  (abstract)
  (field_flag)
] @keyword.storage.modifier

(kind) @keyword.storage.type

; ---------------------------------------------------------------- names

; What an item defines.
(mixin_item
  name: (identifier) @function)

(table_item
  name: (identifier) @type)

(table_item
  column: (identifier) @variable.parameter)

(series_item
  name: (identifier) @type)

(definition_item
  name: (resource_name) @type)

(let_item
  name: (identifier) @constant)

(let_stmt
  name: (identifier) @constant)

(alias_item
  name: (identifier) @variable.other.member)

(type_item
  name: (identifier) @type)

(field_decl
  name: (identifier) @variable.other.member)

; What a name refers to.
(parent
  name: (resource_name) @type)

(use_stmt
  mixin: (reference
    name: (identifier) @function))

(sizes_stmt
  table: (reference
    name: (identifier) @type))

(variants_stmt
  table: (reference
    name: (identifier) @type))

(for_clause
  table: (reference
    name: (identifier) @type))

(module) @namespace

(variable
  name: (identifier) @variable)

(when_stmt
  variable: (identifier) @variable)

(path
  (identifier) @variable.other.member)

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
  key: (identifier) @variable.other.member)

; --------------------------------------------------------------- values

(string) @string

(text_block) @string

(escape_sequence) @constant.character.escape

(interpolation) @string.special

[
  (integer)
  (quantity)
  (ratio)
  (range)
] @constant.numeric.integer

(float) @constant.numeric.float

(boolean) @constant.builtin.boolean

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
