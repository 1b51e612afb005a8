// SPDX-License-Identifier: GPL-2.0
/*
 * lexer.c - split the configuration into tokens, remembering where each is.
 *
 * ipsec-tools' flex lexer reserves keywords ("add", "esp", "any"...); this
 * one does not: a keyword is just a word the parser expects at that place,
 * so the parser can say what it expected instead of "syntax error".
 *
 * Words are what ipsec-tools' STRING matches: a letter, digit or ':' and
 * then letters, digits and ":%._,-" (addresses, FQDNs, "esp-udp", "135,0").
 * '#' starts a comment up to the end of the line, anywhere.  A quoted
 * string runs to the next '"' and may span lines, as in ipsec-tools.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lexer.h"

void lex_init(struct lexer *lx, const struct source *src)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->line = 1;
	lx->prev_end.line = 1;
	lx->prev_end.col = 1;
}

void lex_set_mode(struct lexer *lx, enum lex_mode mode)
{
	/* A token peeked in the old mode is lexed again in the new one. */
	if (lx->have) {
		lx->off = lx->la.loc.off;
		lx->line = lx->la.loc.line;
		lx->line_start = lx->la.loc.off - (lx->la.loc.col - 1);
		lx->have = false;
	}
	lx->mode = mode;
}

static int peekc(const struct lexer *lx, size_t ahead)
{
	size_t o = lx->off + ahead;

	return o < lx->src->len ? (unsigned char)lx->src->text[o] : -1;
}

/* Advance one byte, keeping line numbers right. */
static void advance(struct lexer *lx)
{
	if (lx->src->text[lx->off] == '\n') {
		lx->line++;
		lx->line_start = lx->off + 1;
	}
	lx->off++;
}

static void skip_blanks(struct lexer *lx)
{
	int c;

	while ((c = peekc(lx, 0)) != -1) {
		if (c == '#') {
			while ((c = peekc(lx, 0)) != -1 && c != '\n')
				advance(lx);
		} else if (isspace(c)) {
			advance(lx);
		} else {
			break;
		}
	}
}

static bool word_start(int c, enum lex_mode mode)
{
	if (c == -1)
		return false;
	return isalnum(c) || c == ':' || (mode == LEX_POLICY && (c == '.' || c == '_'));
}

static bool word_char(int c, enum lex_mode mode)
{
	if (c == -1)
		return false;
	if (isalnum(c) || c == ':' || c == '.' || c == '_' || c == '%')
		return true;
	return mode == LEX_MAIN && (c == '-' || c == ',');
}

static bool all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return n > 0;
}

static bool is_hex(const char *p, size_t n)
{
	size_t i;

	if (n < 3 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return false;
	for (i = 2; i < n; i++)
		if (!isxdigit((unsigned char)p[i]))
			return false;
	return true;
}

static struct token lex_one(struct lexer *lx)
{
	struct token t;
	int c;

	skip_blanks(lx);
	memset(&t, 0, sizeof(t));
	t.p = lx->src->text + lx->off;
	t.loc.line = lx->line;
	t.loc.col = (int)(lx->off - lx->line_start) + 1;
	t.loc.off = lx->off;
	c = peekc(lx, 0);

	if (c == -1) {
		t.kind = TK_EOF;
		return t;
	}
	if (c == '"') {
		advance(lx);
		while ((c = peekc(lx, 0)) != -1 && c != '"')
			advance(lx);
		if (c == -1) {
			t.kind = TK_UNTERMINATED;
			t.len = 1;
			t.loc.len = 1;
			return t;
		}
		advance(lx);
		t.kind = TK_STRING;
	} else if (c == '-' && lx->mode == LEX_MAIN && isalnum(peekc(lx, 1))) {
		advance(lx);
		while (isalnum(peekc(lx, 0)))
			advance(lx);
		t.kind = TK_FLAG;
	} else if (word_start(c, lx->mode)) {
		while (word_char(peekc(lx, 0), lx->mode))
			advance(lx);
		t.kind = TK_WORD;
	} else {
		advance(lx);
		switch (c) {
		case ';': t.kind = TK_SEMI; break;
		case '/': t.kind = TK_SLASH; break;
		case '[': t.kind = TK_LBRACK; break;
		case ']': t.kind = TK_RBRACK; break;
		case '+': t.kind = TK_PLUS; break;
		case '-': t.kind = TK_MINUS; break;
		default: t.kind = TK_BAD; break;
		}
	}
	t.len = lx->off - t.loc.off;
	t.loc.len = t.len;
	if (t.kind == TK_WORD && all_digits(t.p, t.len))
		t.kind = TK_NUM;
	else if (t.kind == TK_WORD && is_hex(t.p, t.len))
		t.kind = TK_HEX;
	return t;
}

const struct token *lex_peek(struct lexer *lx)
{
	if (!lx->have) {
		lx->la = lex_one(lx);
		lx->have = true;
	}
	return &lx->la;
}

struct token lex_next(struct lexer *lx)
{
	struct token t = *lex_peek(lx);

	lx->have = false;
	if (t.kind != TK_EOF) {
		/* A quoted string may end on a later line: recompute. */
		lx->prev_end.line = lx->line;
		lx->prev_end.col = (int)(lx->off - lx->line_start) + 1;
		lx->prev_end.off = lx->off;
		lx->prev_end.len = 1;
	}
	return t;
}

bool tok_is(const struct token *t, const char *word)
{
	return (t->kind == TK_WORD || t->kind == TK_FLAG) &&
	       strlen(word) == t->len && !memcmp(t->p, word, t->len);
}

void tok_describe(const struct token *t, char *buf, size_t size)
{
	switch (t->kind) {
	case TK_EOF:
		snprintf(buf, size, "end of input");
		break;
	case TK_UNTERMINATED:
		snprintf(buf, size, "an unterminated quoted string");
		break;
	default:
		if (t->len > 40)
			snprintf(buf, size, "'%.37s...'", t->p);
		else
			snprintf(buf, size, "'%.*s'", (int)t->len, t->p);
		break;
	}
}
