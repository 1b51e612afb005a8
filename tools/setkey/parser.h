/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parser.h - setkey's configuration language into statements.
 */
#ifndef SETKEY_PARSER_H
#define SETKEY_PARSER_H

#include "ast.h"
#include "report.h"

/*
 * Parse @src from byte @off (at line @line; 0/1 for a whole file) to its
 * end.  Statements are appended to @out; errors to @err, after which the
 * parser skips to the next ';' and goes on, so one run reports every
 * error.  Returns the number of errors added.  "exit", "quit" and "bye"
 * end the input.
 */
size_t parse_source(const struct source *src, size_t off, int line,
		    struct stmts *out, struct errors *err);

/*
 * Where the first complete statement of @text ends (just past its ';',
 * outside quotes and comments), or 0 when there is none yet: interactive
 * -c uses it to run each statement as soon as it is typed.
 */
size_t statement_end(const char *text, size_t len);

#endif
