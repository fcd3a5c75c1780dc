; Indentation (nvim-treesitter's captures): 2 spaces inside every brace,
; bracket and parenthesis pair, as `citc fmt` writes it.
[
  (block)
  (map)
  (list)
  (table_body)
  (derive_item)
  (type_item)
] @indent.begin

[
  "}"
  "]"
  ")"
] @indent.branch @indent.end

(comment) @indent.auto

(text_block) @indent.ignore
