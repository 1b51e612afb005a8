// SPDX-License-Identifier: GPL-2.0
/*
 * esn_kunit.c - KUnit suite for the inference of an extended sequence
 * number's high bits (esn.c, RFC 4303 A.2): a window low in a subspace,
 * at its end, straddling 2^32 seen from both sides, packets left of the
 * window, the top of the 64-bit space, no window at all; and a brute
 * check against the definition (the number within the window's reach
 * whose low half matches).
 */
#include <kunit/test.h>

#include "esn.h"

#define HI(top, w, seq)	nfipsec_esn_seqhi((top), (w), (seq))
#define S(hi, lo)	((u64)(hi) << 32 | (u32)(lo))

/* Nothing accepted yet: the first packets are in subspace 0. */
static void esn_start(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, HI(0, 64, 1), 0U);
	KUNIT_EXPECT_EQ(test, HI(0, 64, 1000), 0U);
	KUNIT_EXPECT_EQ(test, HI(S(0, 5), 64, 3), 0U);
	KUNIT_EXPECT_EQ(test, HI(S(0, 5), 64, 6), 0U);
}

/* Window inside one subspace (Tl >= W - 1). */
static void esn_same_subspace(struct kunit *test)
{
	u64 top = S(7, 1000);

	KUNIT_EXPECT_EQ(test, HI(top, 64, 1000), 7U);	/* the top itself */
	KUNIT_EXPECT_EQ(test, HI(top, 64, 937), 7U);	/* the bottom */
	KUNIT_EXPECT_EQ(test, HI(top, 64, 5000), 7U);	/* ahead */
	KUNIT_EXPECT_EQ(test, HI(top, 64, U32_MAX), 7U);
	/* Left of the window: taken as the next subspace (then fails the ICV). */
	KUNIT_EXPECT_EQ(test, HI(top, 64, 936), 8U);
	KUNIT_EXPECT_EQ(test, HI(top, 64, 0), 8U);
	/* Tl == W - 1: the window just fits. */
	KUNIT_EXPECT_EQ(test, HI(S(3, 63), 64, 0), 3U);
	KUNIT_EXPECT_EQ(test, HI(S(3, 63), 64, U32_MAX), 3U);
}

/* The sender crosses 2^32: packets beyond it from a window at the end. */
static void esn_cross_up(struct kunit *test)
{
	u64 top = S(0, U32_MAX - 10);

	KUNIT_EXPECT_EQ(test, HI(top, 128, U32_MAX), 0U);
	KUNIT_EXPECT_EQ(test, HI(top, 128, 0), 1U);	/* wrapped */
	KUNIT_EXPECT_EQ(test, HI(top, 128, 1), 1U);
	KUNIT_EXPECT_EQ(test, HI(top, 128, 1000), 1U);
	KUNIT_EXPECT_EQ(test, HI(top, 128, U32_MAX - 137), 0U);	/* the bottom */
	KUNIT_EXPECT_EQ(test, HI(S(0, U32_MAX), 128, 0), 1U);
}

/* Window straddling 2^32 (Tl < W - 1): late packets from below. */
static void esn_cross_down(struct kunit *test)
{
	u64 top = S(1, 10);

	KUNIT_EXPECT_EQ(test, HI(top, 128, 10), 1U);
	KUNIT_EXPECT_EQ(test, HI(top, 128, 0), 1U);	/* lo 0 is valid with ESN */
	KUNIT_EXPECT_EQ(test, HI(top, 128, 500), 1U);
	KUNIT_EXPECT_EQ(test, HI(top, 128, U32_MAX), 0U);	/* late, before the wrap */
	KUNIT_EXPECT_EQ(test, HI(top, 128, U32_MAX - 116), 0U);	/* the bottom */
	KUNIT_EXPECT_EQ(test, HI(top, 128, U32_MAX - 117), 1U);	/* left: ahead */
}

/* The high half wraps with the 64-bit space (a sender cannot get there). */
static void esn_hi_wrap(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, HI(S(U32_MAX, 1000), 64, 5), 0U);
	KUNIT_EXPECT_EQ(test, HI(S(U32_MAX, 1000), 64, 2000), U32_MAX);
	KUNIT_EXPECT_EQ(test, HI(S(0, 3), 64, U32_MAX), U32_MAX);
}

/* No window: the number nearest to the top (half the space either way). */
static void esn_no_window(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, HI(S(2, 1000), 0, 999), 2U);	/* reordered */
	KUNIT_EXPECT_EQ(test, HI(S(2, 1000), 0, 1001), 2U);
	KUNIT_EXPECT_EQ(test, HI(S(2, U32_MAX - 5), 0, 3), 3U);
	KUNIT_EXPECT_EQ(test, HI(S(3, 3), 0, U32_MAX - 5), 2U);
	KUNIT_EXPECT_EQ(test, HI(S(2, 0x80000000), 0, 1), 2U);
}

/*
 * Against the definition: for tops around both boundaries and windows
 * of several sizes, every sequence number from the window's bottom to
 * far ahead of the top must be found from its low half.
 */
static void esn_brute(struct kunit *test)
{
	static const u32 windows[] = { 1, 2, 32, 64, 1000, 65536 };
	static const u64 tops[] = {
		S(0, 1), S(0, 100), S(0, U32_MAX - 70000), S(0, U32_MAX),
		S(1, 0), S(1, 5), S(1, 64), S(1, 65535), S(5, U32_MAX - 3),
	};
	unsigned int i, j;
	u64 seq, lo;

	for (i = 0; i < ARRAY_SIZE(tops); i++) {
		for (j = 0; j < ARRAY_SIZE(windows); j++) {
			u64 top = tops[i];
			u32 w = windows[j];

			lo = top >= w ? top - w + 1 : 1;
			for (seq = lo; seq <= top + 200000; seq += 97)
				KUNIT_ASSERT_EQ_MSG(test, HI(top, w, (u32)seq),
						    (u32)(seq >> 32),
						    "top %llx window %u seq %llx",
						    top, w, seq);
		}
	}
}

static struct kunit_case esn_cases[] = {
	KUNIT_CASE(esn_start),
	KUNIT_CASE(esn_same_subspace),
	KUNIT_CASE(esn_cross_up),
	KUNIT_CASE(esn_cross_down),
	KUNIT_CASE(esn_hi_wrap),
	KUNIT_CASE(esn_no_window),
	KUNIT_CASE(esn_brute),
	{ }
};

static struct kunit_suite esn_suite = {
	.name = "nfipsec_esn",
	.test_cases = esn_cases,
};

kunit_test_suites(&esn_suite);
