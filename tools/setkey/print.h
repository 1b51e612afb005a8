/* SPDX-License-Identifier: GPL-2.0 */
/*
 * print.h - setkey's output: -D, -DP, -l, -x, and --json.
 */
#ifndef SETKEY_PRINT_H
#define SETKEY_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "msgparse.h"

struct print_opts {
	bool withports;		/* -p */
	time_t now;		/* "current:" and "diff:" of SA dumps */
};

/* pfkey_sadump(3) layout (ipsec-tools libipsec/pfkey_dump.c). */
void print_sa(FILE *out, const struct pfk_msg *m, const struct print_opts *o);
/* pfkey_spdump(3) layout. */
void print_sp(FILE *out, const struct pfk_msg *m, const struct print_opts *o);
/* -D -l: the header line, then one short line per SA. */
void print_sa_short_header(FILE *out);
void print_sa_short(FILE *out, const struct pfk_msg *m, time_t now);

/*
 * -x / -v: every field of every extension, in kdebug_sadb(3)'s layout
 * (ipsec-tools libipsec/key_debug.c), of the raw bytes @buf[0..len).
 */
void print_debug(FILE *out, const void *buf, size_t len);
/* -H: "00000000: 02 03 ..." sixteen bytes a line. */
void print_hexdump(FILE *out, const void *buf, size_t len);
/* The " 0011aabb" groups ipsec_hexdump(3) prints keys with. */
void print_keyhex(FILE *out, const void *buf, size_t len);

/* "Mar  4 12:00:01 2024" (20 columns) or 20 spaces for 0, local time. */
const char *str_time(time_t t, char buf[32]);

/*
 * --json: an SA or SP from a dump/get reply as one JSON object, and any
 * message (-x) as an object listing every extension.
 */
void json_sa(FILE *out, const struct pfk_msg *m, const struct print_opts *o);
void json_sp(FILE *out, const struct pfk_msg *m, const struct print_opts *o);
void json_msg(FILE *out, const void *buf, size_t len, double when);

#endif
