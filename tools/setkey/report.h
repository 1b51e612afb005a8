/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - where things are in the input, and the errors found there.
 */
#ifndef SETKEY_REPORT_H
#define SETKEY_REPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* The whole input, held in memory: errors quote the line they are on. */
struct source {
	const char *name;	/* file name, or "<stdin>" */
	const char *text;
	size_t len;
};

/* A span of the input: 1-based line and column (bytes), offset, length. */
struct loc {
	int line, col;
	size_t off, len;
};

struct error {
	struct loc loc;
	char msg[480];
};

/* Errors found in one input, in order. */
struct errors {
	struct error *v;
	size_t n, cap;
};

void errors_add(struct errors *e, const struct loc *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void errors_vadd(struct errors *e, const struct loc *at, const char *fmt,
		 va_list ap);
void errors_free(struct errors *e);
/* Order by place in the input (parse and resolve errors interleave). */
void errors_sort(struct errors *e);

/*
 * Print one error as compilers do:
 *   file:3:15: error: message
 *       3 | add 10.0.0.1 10.0.0.2 esp 0x1000 -E aes-foo 0x00;
 *         |                                     ^~~~~~~
 */
void report_error(FILE *out, const struct source *src, const struct error *e);

/* The text of line @line of @src (without its newline), and its length. */
const char *source_line(const struct source *src, int line, size_t *len);

#endif
