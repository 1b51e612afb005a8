// SPDX-License-Identifier: GPL-2.0
/*
 * esn_test.c - userspace (cmocka) run of kmod/esn.c against RFC 4303
 * A.2 restated as arithmetic: the inferred number is the one congruent to
 * the packet's low half in the 2^32 numbers starting at the window's
 * bottom (top - W + 1).  Millions of random and boundary cases, too many
 * for the debug kernel's KUnit run (kmod/test/esn_kunit.c has the named
 * cases).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "esn.h"

static uint64_t ref_seq(uint64_t top, uint32_t window, uint32_t lo)
{
	uint64_t w = window ? window : 1ULL << 31;
	uint64_t bottom = top - w + 1;	/* mod 2^64, as the high half wraps */

	return bottom + (uint32_t)(lo - (uint32_t)bottom);
}

static uint64_t rnd64(void)
{
	return (uint64_t)random() << 42 ^ (uint64_t)random() << 21 ^ (uint64_t)random();
}

static void check(uint64_t top, uint32_t w, uint32_t lo)
{
	uint32_t got = nfipsec_esn_seqhi(top, w, lo);
	uint32_t want = (uint32_t)(ref_seq(top, w, lo) >> 32);

	if (got != want)
		fail_msg("top %#llx window %u lo %#x: got hi %#x, want %#x",
			 (unsigned long long)top, w, lo, got, want);
}

static void random_cases(void **state)
{
	static const uint32_t windows[] = { 0, 1, 2, 31, 32, 64, 128, 1024, 65536 };
	unsigned int i;

	(void)state;
	srandom(4303);
	for (i = 0; i < 2000000; i++) {
		uint64_t top = rnd64();
		uint32_t w = windows[i % 9];

		/* Half the cases near a 2^32 boundary, lo near the window. */
		if (i & 1)
			top = (top & ~0xffffffffULL) + (uint32_t)(random() % 140000 - 70000);
		check(top, w, (uint32_t)random() << 1 ^ (uint32_t)random());
		check(top, w, (uint32_t)top - w + (uint32_t)(random() % 3) - 1);
		check(top, w, (uint32_t)top + (uint32_t)(random() % 200000) - 100000);
	}
}

/* Every low half around the window of tops at the boundaries. */
static void boundaries(void **state)
{
	static const uint64_t tops[] = {
		0, 1, 127, 128, 0xffffffffULL, 0x100000000ULL, 0x10000007fULL,
		0x1ffffff80ULL, 0xffffffff00000005ULL, 0xfffffffffffffff0ULL,
	};
	static const uint32_t windows[] = { 0, 1, 128, 65536 };
	unsigned int i, j;
	int64_t d;

	(void)state;
	for (i = 0; i < sizeof(tops) / sizeof(tops[0]); i++)
		for (j = 0; j < 4; j++)
			for (d = -70000; d <= 70000; d++)
				check(tops[i], windows[j], (uint32_t)(tops[i] + d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_cases),
		cmocka_unit_test(boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
