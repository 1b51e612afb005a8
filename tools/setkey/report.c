// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - error messages that point at the input.
 *
 * setkey(8)'s BUGS section: "setkey should report and handle syntax errors
 * better."  Every error carries the span it is about; the report names the
 * file, line and column, quotes the line and underlines the span.  Tabs
 * before the span are copied into the underline so it stays aligned in a
 * terminal whatever the tab width.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

void errors_vadd(struct errors *e, const struct loc *at, const char *fmt,
		 va_list ap)
{
	struct error *x;

	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		struct error *v = realloc(e->v, cap * sizeof(*v));

		if (!v)
			abort();
		e->v = v;
		e->cap = cap;
	}
	x = &e->v[e->n++];
	memset(x, 0, sizeof(*x));
	if (at)
		x->loc = *at;
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
}

void errors_add(struct errors *e, const struct loc *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_vadd(e, at, fmt, ap);
	va_end(ap);
}

void errors_free(struct errors *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}

void errors_sort(struct errors *e)
{
	size_t i, j;

	/* Insertion sort: stable, and there are only ever a few errors. */
	for (i = 1; i < e->n; i++) {
		struct error x = e->v[i];

		for (j = i; j > 0 && e->v[j - 1].loc.off > x.loc.off; j--)
			e->v[j] = e->v[j - 1];
		e->v[j] = x;
	}
}

const char *source_line(const struct source *src, int line, size_t *len)
{
	const char *p = src->text, *end = src->text + src->len, *nl;
	int n = 1;

	while (n < line && p < end) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			return NULL;
		p = nl + 1;
		n++;
	}
	if (n != line)
		return NULL;
	nl = memchr(p, '\n', end - p);
	*len = (nl ? nl : end) - p;
	return p;
}

void report_error(FILE *out, const struct source *src, const struct error *e)
{
	const char *text;
	size_t len, i, span;
	int w;

	if (!e->loc.line) {
		fprintf(out, "%s: error: %s\n", src->name, e->msg);
		return;
	}
	fprintf(out, "%s:%d:%d: error: %s\n", src->name, e->loc.line,
		e->loc.col, e->msg);
	text = source_line(src, e->loc.line, &len);
	if (!text)
		return;
	w = fprintf(out, " %5d | ", e->loc.line) - 2;
	fprintf(out, "%.*s\n", (int)len, text);
	fprintf(out, "%*s| ", w, "");
	for (i = 0; i + 1 < (size_t)e->loc.col && i < len; i++)
		fputc(text[i] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	/* Underline the rest of the span, but not past the end of the line. */
	span = e->loc.len;
	for (i = 1; i < span && e->loc.col - 1 + i < len; i++)
		fputc('~', out);
	fputc('\n', out);
}
