/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - minimal TAP 13 output for the selftest programs: a plan, then
 * ok/not ok lines; tap_done() returns the exit status (non-zero if any
 * point failed or the plan was not met).
 */
#ifndef _NFIPSEC_TAP_H
#define _NFIPSEC_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed, tap_plan;

static inline void tap_plan_n(int n)
{
	tap_plan = n;
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

static inline void tap_vres(int ok, const char *directive, const char *fmt,
			    va_list ap)
{
	tap_n++;
	if (!ok)
		tap_failed++;
	printf("%sok %d - ", ok ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	printf("\n");
	fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static inline int tap_ok(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vres(ok, NULL, fmt, ap);
	va_end(ap);
	return ok;
}

__attribute__((format(printf, 2, 3)))
static inline void tap_skip(const char *why, const char *fmt, ...)
{
	char d[256];
	va_list ap;

	snprintf(d, sizeof(d), "SKIP %s", why);
	va_start(ap, fmt);
	tap_vres(1, d, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int tap_done(void)
{
	if (tap_n != tap_plan) {
		printf("# planned %d tests but ran %d\n", tap_plan, tap_n);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif /* _NFIPSEC_TAP_H */
