; What folds: blocks, maps, lists, table bodies, text blocks, derive and
; type bodies.
[
  (block)
  (map)
  (list)
  (table_body)
  (text_block)
  (derive_item)
  (type_item)
] @fold
