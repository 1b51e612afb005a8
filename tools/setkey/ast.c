// SPDX-License-Identifier: GPL-2.0
/*
 * ast.c - owning the memory of parsed statements.
 */
#include <stdlib.h>
#include <string.h>

#include "ast.h"

static void key_free(struct key *k)
{
	if (k->data) {
		explicit_bzero(k->data, k->len);
		free(k->data);
	}
	k->data = NULL;
}

void stmt_free(struct stmt *st)
{
	key_free(&st->sa.ekey);
	key_free(&st->sa.akey);
	free(st->ctx.str);
	free(st->sp.pol.reqs);
	memset(st, 0, sizeof(*st));
}

void stmts_free(struct stmts *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		stmt_free(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

const char *stmt_kind_name(enum stmt_kind k)
{
	static const char *const names[] = {
		[ST_ADD] = "add", [ST_UPDATE] = "update", [ST_GETSPI] = "getspi",
		[ST_GET] = "get", [ST_DELETE] = "delete", [ST_DELETEALL] = "deleteall",
		[ST_FLUSH] = "flush", [ST_DUMP] = "dump", [ST_SPDADD] = "spdadd",
		[ST_SPDUPDATE] = "spdupdate", [ST_SPDDELETE] = "spddelete",
		[ST_SPDFLUSH] = "spdflush", [ST_SPDDUMP] = "spddump", [ST_EXIT] = "exit",
	};

	return k <= ST_EXIT ? names[k] : "?";
}

bool stmt_is_sa(enum stmt_kind k)
{
	return k <= ST_DUMP;
}
