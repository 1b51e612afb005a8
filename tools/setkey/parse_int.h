/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse_int.h - what parser.c and parse_policy.c share.
 */
#ifndef SETKEY_PARSE_INT_H
#define SETKEY_PARSE_INT_H

#include <setjmp.h>
#include <stdint.h>

#include "ast.h"
#include "lexer.h"

struct parser {
	struct lexer lx;
	struct errors *err;
	jmp_buf fail;		/* an error in a statement: skip to ';' */
	bool resync;		/* ...or resume right here (a ';' was missing) */
};

/* Record an error at @at and abandon the statement. */
_Noreturn void perror_at(struct parser *p, const struct loc *at,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "expected <what>, found <next token>", at the next token. */
_Noreturn void expected(struct parser *p, const char *what);

struct token expect_kind(struct parser *p, enum tok kind, const char *what);
bool accept_kind(struct parser *p, enum tok kind);
bool peek_is(struct parser *p, const char *word);

/* A decimal number no larger than @max; @what ("the port") names it. */
uint64_t parse_uint(struct parser *p, uint64_t max, const char *what);

/* An address (WORD), optional /prefix when @prefix, optional [port]. */
void parse_host(struct parser *p, struct host *h, bool prefix, const char *what);

/* [port] after an address: a number, "any" or a service name. */
void parse_port(struct parser *p, struct host *h);

/* -ctx doi algorithm "context" (the -ctx flag already consumed). */
void parse_ctx(struct parser *p, struct sec_ctx *ctx, const struct loc *flag);

/* -4 -6 -n before the addresses. */
void parse_addropts(struct parser *p, struct stmt *st);

/* spdadd / spdupdate / spddelete after the command word. */
void parse_sp_stmt(struct parser *p, struct stmt *st);

#endif
