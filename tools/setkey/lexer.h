/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lexer.h - tokens of setkey's configuration language.
 */
#ifndef SETKEY_LEXER_H
#define SETKEY_LEXER_H

#include <stdbool.h>
#include "report.h"

enum tok {
	TK_EOF,
	TK_SEMI,	/* ; */
	TK_SLASH,	/* / */
	TK_LBRACK,	/* [ */
	TK_RBRACK,	/* ] */
	TK_PLUS,	/* + (policy mode) */
	TK_MINUS,	/* - (policy mode, or alone) */
	TK_FLAG,	/* -E, -lh, -46n ... */
	TK_NUM,		/* decimal digits */
	TK_HEX,		/* 0x followed by hex digits */
	TK_WORD,	/* names, addresses, keywords */
	TK_STRING,	/* "quoted" (text and loc include the quotes) */
	TK_BAD,		/* a character no token starts with */
	TK_UNTERMINATED, /* a quoted string without its closing quote */
};

/*
 * The policy after -P is lexed differently: there '-' separates the two
 * tunnel end points and '+'/'-' the priority offset, so neither can be
 * part of a word (ipsec-tools runs a second lexer, policy_token.l, on it).
 */
enum lex_mode { LEX_MAIN, LEX_POLICY };

struct token {
	enum tok kind;
	const char *p;		/* the lexeme, in the source */
	size_t len;
	struct loc loc;
};

struct lexer {
	const struct source *src;
	size_t off;		/* next byte to lex */
	int line;
	size_t line_start;	/* offset of the current line */
	enum lex_mode mode;
	bool have;		/* la holds a lexed, unconsumed token */
	struct token la;
	struct loc prev_end;	/* just after the last consumed token */
};

void lex_init(struct lexer *lx, const struct source *src);
const struct token *lex_peek(struct lexer *lx);
struct token lex_next(struct lexer *lx);
/* Change mode; a token already peeked is lexed again in the new mode. */
void lex_set_mode(struct lexer *lx, enum lex_mode mode);

/* Does the token spell @word exactly? */
bool tok_is(const struct token *t, const char *word);

/* "'text'", "';'" or "end of input", for "found ..." in messages. */
void tok_describe(const struct token *t, char *buf, size_t size);

#endif
