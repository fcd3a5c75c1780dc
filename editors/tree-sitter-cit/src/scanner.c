// The external scanner of the .cit grammar: the end of a table row.
//
// A row of a table is one line (grammar/cit.pest: table_row). Tree-sitter
// skips newlines like any whitespace, so after a cell the parser asks for
// ROW_END here first: spaces and tabs, then a line break (consumed), a `//`
// comment, a `}` or the end of the file (not consumed) end the row; any
// other character is the next cell of the same row.

#include "tree_sitter/parser.h"

enum TokenType { ROW_END, ERROR_SENTINEL };

void *tree_sitter_cit_external_scanner_create(void) { return NULL; }
void tree_sitter_cit_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_cit_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}
void tree_sitter_cit_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

bool tree_sitter_cit_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  (void)payload;
  // Error recovery asks for every token at once: leave it to the lexer.
  if (valid_symbols[ERROR_SENTINEL] || !valid_symbols[ROW_END]) {
    return false;
  }
  while (lexer->lookahead == ' ' || lexer->lookahead == '\t') {
    lexer->advance(lexer, true);
  }
  lexer->result_symbol = ROW_END;
  if (lexer->eof(lexer) || lexer->lookahead == '}') {
    lexer->mark_end(lexer);
    return true;
  }
  if (lexer->lookahead == '\r') {
    lexer->advance(lexer, false);
  }
  if (lexer->lookahead == '\n') {
    lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    return true;
  }
  if (lexer->lookahead == '/') {
    // The row ends before a comment; the comment is an extra of its own.
    lexer->mark_end(lexer);
    lexer->advance(lexer, false);
    return lexer->lookahead == '/';
  }
  return false;
}
