/**
 * @file The .cit catalog language (KubeVirt instance types, compiled by citc)
 * @license Apache-2.0
 *
 * Follows grammar/cit.pest construct for construct; every rule names the pest
 * rule it stands for. Where pest is atomic (no whitespace inside: paths,
 * `module::name`), the tokens after the first are `token.immediate`. A table
 * row is one line: src/scanner.c ends it at the end of the line.
 * Tested by `bash editors/test/run.sh` (editors/tree-sitter-cit/test and
 * every .cit file of the repository against citc's own parser).
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Regular expressions shared by tokens (pest: ident, word, quantity, ...).
const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/;
const DIGITS = /[0-9]+/;
const UNIT = choice('Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'k', 'M', 'G', 'T', 'P', 'E', 'm');
const INT = seq(optional('-'), DIGITS);
const FLOAT = seq(optional('-'), DIGITS, '.', DIGITS);
const QUANTITY = seq(DIGITS, optional(seq('.', DIGITS)), UNIT);
const WORD = /[A-Za-z0-9_.-]+/;

// Statement keywords that are also field names when a path starts with them
// (pest tries the statement, then the path: `use = 1` sets the field `use`).
const STATEMENT_KEYWORDS = ['use', 'sizes', 'variants', 'ratio', 'allow', 'when', 'let', 'unset'];

/** A comma-separated list of one or more `rule`. */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

module.exports = grammar({
  name: 'cit',

  // pest: WHITESPACE and COMMENT.
  extras: ($) => [/\s/, $.comment],

  supertypes: ($) => [$._item, $._statement, $._value],

  // src/scanner.c: the end of a table row. The sentinel is never valid in
  // a parse; the scanner declines when error recovery asks for it.
  externals: ($) => [$._row_end, $._error_sentinel],

  rules: {
    // pest: file
    source_file: ($) => repeat($._item),

    // pest: COMMENT (and a row's line_comment)
    comment: (_) => token(seq('//', /[^\n]*/)),

    // pest: item
    _item: ($) =>
      choice(
        $.import_item,
        $.let_item,
        $.alias_item,
        $.mixin_item,
        $.table_item,
        $.series_item,
        $.definition_item,
        $.derive_item,
        $.type_item,
        $.schema_item,
        $.release_item,
        $.patch_item,
        $.remove_item,
        $.allow_stmt,
      ),

    // ------------------------------------------------------------- items

    import_item: ($) => seq('import', field('path', $.string)),

    let_item: ($) => seq('let', field('name', $.identifier), '=', field('value', $._value)),

    alias_item: ($) =>
      seq('alias', optional(field('kind', $.kind)), field('name', $.identifier), '=', field('target', $.path)),

    mixin_item: ($) => seq('mixin', field('name', $.identifier), field('body', $.block)),

    table_item: ($) =>
      seq(
        'table',
        field('name', $.identifier),
        '(',
        commaSep1(field('column', $.identifier)),
        optional(','),
        ')',
        field('body', $.table_body),
      ),
    table_body: ($) => seq('{', repeat($.table_row), '}'),
    // pest: table_row, one line of cells. Whitespace is skipped between
    // cells as anywhere; the row ends where src/scanner.c finds the end
    // of the line (or a comment, or the `}`) after a cell.
    table_row: ($) => seq(repeat1($._cell), $._row_end),

    series_item: ($) =>
      seq(
        optional($.abstract),
        'series',
        field('name', $.identifier),
        optional(field('parent', $.parent)),
        field('body', $.block),
      ),

    definition_item: ($) =>
      seq(
        optional($.abstract),
        field('kind', $.kind),
        field('name', choice($.string, $.resource_name)),
        optional(field('parent', $.parent)),
        optional(field('matrix', $.for_clause)),
        field('body', $.block),
      ),

    derive_item: ($) => seq('derive', field('kind', $.kind), '{', repeat($.derive_rule), '}'),

    abstract: (_) => 'abstract',
    kind: (_) => choice('instancetype', 'preference'),
    parent: ($) => seq(':', field('name', choice($.string, $.resource_name))),
    for_clause: ($) =>
      seq('for', commaSep1Star(field('table', $.reference)), optional($.except_clause)),
    except_clause: ($) => seq('except', commaSep1($.except_tuple)),
    except_tuple: ($) => seq('(', commaSep1($._cell), ')'),

    derive_rule: ($) =>
      seq('label', field('label', $.string), choice($.derive_from, $.derive_if)),
    derive_from: ($) => seq('from', field('source', choice($.attribute, $.path))),
    derive_if: ($) => seq('if', field('source', $.path)),
    attribute: (_) => token(seq('@', IDENT)),

    // How the release is named and stamped.
    release_item: ($) => seq('release', field('body', $.block)),

    // Overlays.
    patch_item: ($) => seq('patch', field('selection', $.selection), field('body', $.block)),
    remove_item: ($) => seq('remove', field('selection', $.selection)),
    selection: ($) => seq(optional(field('kind', $.kind)), commaSep1($._target)),
    _target: ($) => choice($.series_target, $.label_target, $.string, $.name_pattern),
    series_target: ($) => seq('series', field('name', $.identifier)),
    label_target: ($) =>
      seq('label', field('key', choice($.string, $.identifier)), optional(seq('==', field('value', $._cell)))),
    name_pattern: (_) => /[A-Za-z0-9_.*-]+/,

    // The API schema.
    type_item: ($) => seq('type', field('name', $.identifier), '{', repeat($.field_decl), '}'),
    field_decl: ($) =>
      seq(field('name', $.identifier), ':', repeat($.field_flag), field('type', $.type_expr)),
    field_flag: (_) => choice('required', 'deprecated'),
    type_expr: ($) =>
      seq(field('name', $.identifier), optional(seq('(', commaSep1($._type_arg), ')'))),
    _type_arg: ($) => choice($.range, $.string, $.type_expr),
    range: (_) => token(seq(optional(INT), '..', optional(INT))),
    schema_item: ($) => seq('schema', field('kind', $.kind), '=', field('type', $.identifier)),

    // -------------------------------------------------------- statements

    block: ($) => seq('{', repeat($._statement), '}'),

    _statement: ($) =>
      choice(
        $.use_stmt,
        $.sizes_stmt,
        $.variants_stmt,
        $.ratio_stmt,
        $.allow_stmt,
        $.when_stmt,
        $.let_stmt,
        $.unset_stmt,
        $.assign_stmt,
        $.nested_stmt,
      ),

    use_stmt: ($) => seq('use', commaSep1(field('mixin', $.reference))),
    sizes_stmt: ($) =>
      seq('sizes', field('table', $.reference), optional(seq('except', commaSep1($._cell)))),
    variants_stmt: ($) => seq('variants', field('table', $.reference)),
    ratio_stmt: ($) => seq('ratio', $.ratio),
    ratio: (_) => token(seq(DIGITS, ':', DIGITS)),
    allow_stmt: ($) => seq('allow', field('code', $.code), field('reason', $.string)),
    code: (_) => /[EW][0-9]{4}/,
    when_stmt: ($) =>
      seq('when', field('variable', $.identifier), choice($.when_eq, $.when_in), field('body', $.block)),
    when_eq: ($) => seq('==', field('value', $._cell)),
    when_in: ($) => seq('in', '(', commaSep1(field('value', $._cell)), ')'),
    let_stmt: ($) => seq('let', field('name', $.identifier), '=', field('value', $._value)),
    unset_stmt: ($) => seq('unset', field('path', $.path)),
    assign_stmt: ($) =>
      seq(field('path', $.path), field('operator', choice('=', ':=')), field('value', $._value)),
    nested_stmt: ($) => seq(field('path', $.path), field('body', $.block)),

    // pest: path (atomic: no whitespace around the dots).
    path: ($) =>
      seq(
        choice($.identifier, alias(choice(...STATEMENT_KEYWORDS), $.identifier), $.string),
        repeat(
          seq(
            token.immediate('.'),
            choice(alias(token.immediate(IDENT), $.identifier), alias($._immediate_string, $.string)),
          ),
        ),
      ),

    // ------------------------------------------------------------ values

    _value: ($) => choice($.text_block, $.map, $.list, $._operand, $.arithmetic),
    _operand: ($) =>
      choice($.paren, $.string, $.quantity, $.float, $.integer, $.boolean, $.bad_number, $.variable),
    // pest: operand ~ arith_tail
    arithmetic: ($) =>
      seq($._operand, repeat1(seq(field('operator', choice('*', '/', '+', '-')), $._operand))),
    paren: ($) => seq('(', choice($._operand, $.arithmetic), ')'),
    map: ($) => seq('{', repeat($._statement), '}'),
    list: ($) => seq('[', optional(seq(commaSep1($._value), optional(','))), ']'),
    // pest: variable, a constant or column: `name` or `module::name`.
    variable: ($) => $._qualified,

    // pest: reference, a mixin, table or constant: `name` or `module::name`.
    reference: ($) => $._qualified,
    _qualified: ($) =>
      choice(
        field('name', $.identifier),
        seq(
          field('module', alias($.identifier, $.module)),
          token.immediate('::'),
          field('name', alias(token.immediate(IDENT), $.identifier)),
        ),
      ),

    // A cell of a table row, `except`, `when` or a label's value.
    _cell: ($) => choice($.string, $.quantity, $.float, $.integer, $.boolean, $.word),

    // Order matters where two tokens match the same text: the one defined
    // first wins (`1Gi` is a quantity, not a word or a bad number).
    quantity: (_) => token(QUANTITY),
    float: (_) => token(FLOAT),
    integer: (_) => token(INT),
    boolean: (_) => choice('true', 'false'),
    // Anything else that starts like a number (`4GB`, `1.5.Gi`).
    bad_number: (_) => token(seq(optional('-'), /[0-9][A-Za-z0-9.]*/)),
    word: (_) => token(WORD),

    // "..." with escapes and ${name} interpolation.
    string: ($) => seq('"', repeat($._string_part), token.immediate(prec(2, '"'))),
    _immediate_string: ($) =>
      seq(token.immediate('"'), repeat($._string_part), token.immediate(prec(2, '"'))),
    _string_part: ($) =>
      choice(
        alias(token.immediate(prec(1, /[^"\\\n$]+/)), $.string_content),
        alias(token.immediate(prec(1, '$')), $.string_content),
        $.escape_sequence,
        $.interpolation,
      ),
    escape_sequence: (_) => token.immediate(prec(1, /\\(.|\n)/)),
    interpolation: (_) => token.immediate(prec(2, seq('${', IDENT, '}'))),

    // """ ... """: everything up to the next """.
    text_block: ($) => seq('"""', repeat($._text_part), token.immediate(prec(2, '"""'))),
    _text_part: ($) =>
      choice(
        alias(token.immediate(prec(1, /[^"\\$]+/)), $.string_content),
        alias(token.immediate(prec(1, /""?/)), $.string_content),
        alias(token.immediate(prec(1, '$')), $.string_content),
        alias(token.immediate(prec(1, '\\')), $.string_content),
        alias(token.immediate(prec(1, /\\[^"]/)), $.escape_sequence),
        $.interpolation,
      ),

    identifier: (_) => IDENT,
    resource_name: (_) => /[A-Za-z0-9_][A-Za-z0-9_.-]*/,
  },
});

/** `rule (* rule)*`, a product of tables. */
function commaSep1Star(rule) {
  return seq(rule, repeat(seq('*', rule)));
}
