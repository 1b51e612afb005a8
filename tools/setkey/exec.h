/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exec.h - carrying out compiled statements on a PF_KEY socket.
 */
#ifndef SETKEY_EXEC_H
#define SETKEY_EXEC_H

#include <stdbool.h>
#include <stdio.h>

#include "compile.h"
#include "pfkey_io.h"
#include "print.h"
#include "report.h"

struct exec_ctx {
	struct pfk_sock *sock;
	const struct source *src;	/* names statements in errors */
	FILE *out, *err;
	struct print_opts po;
	bool json;			/* --json */
	bool all;			/* -a: dead SAs too */
	bool shortdump;			/* -l: one line per SA */
	int nfipsec;			/* SADB_X_NFIPSEC_OPTIONS: 0 unknown, 1 yes, -1 no */
	unsigned int failures;		/* statements the kernel refused */
};

/* Send every message of @pl, print what comes back. 0, or -1 on failure. */
int exec_plan(struct exec_ctx *x, const struct plan *pl);

/* -D, -DP (with -l: one line per SA), -F, -FP. */
int exec_dump(struct exec_ctx *x, bool policy);
int exec_flush(struct exec_ctx *x, bool policy);

/*
 * Print one message as -D/-DP would (SA or policy by its type); used for
 * the file arguments ("setkey file": messages saved in a file) too.
 */
void exec_show(struct exec_ctx *x, const void *buf, size_t len);

#endif
