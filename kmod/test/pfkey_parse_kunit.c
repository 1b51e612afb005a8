// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_parse_kunit.c - KUnit suite for message validation: runs every
 * vector of parse_cases.h (shared with the userspace test) through the
 * pfkey_parse() of the loaded nfipsec.ko, and checks table properties.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "parse_cases.h"

static void parse_vectors(struct kunit *test)
{
	struct pc_msg *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct pfkey_verdict v;
		struct pfkey_msg pm;
		int err;

		c->build(m);
		err = pfkey_parse(m->buf, m->wlen, &pm, &v);
		KUNIT_EXPECT_EQ_MSG(test, err, -c->err, "case %s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, v.err, c->err, "case %s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, v.diag, c->diag, "case %s: diag %s",
				    c->name, pfkey_diag_name(v.diag));
		if (!err)
			KUNIT_EXPECT_PTR_EQ_MSG(test, (const void *)pm.hdr,
						(const void *)m->buf, "case %s",
						c->name);
	}
}

/* A whole ADD parses into the right slots, pointing into the buffer. */
static void parse_slots(struct kunit *test)
{
	struct pc_msg *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct pfkey_verdict v;
	struct pfkey_msg pm;

	KUNIT_ASSERT_NOT_NULL(test, m);
	ok_lifetimes(m);
	KUNIT_ASSERT_EQ(test, pfkey_parse(m->buf, m->wlen, &pm, &v), 0);
	KUNIT_EXPECT_PTR_EQ(test, pm.ext[SADB_EXT_SA], (const void *)(m->buf + 16));
	KUNIT_EXPECT_NOT_NULL(test, pm.ext[SADB_EXT_ADDRESS_SRC]);
	KUNIT_EXPECT_NOT_NULL(test, pm.ext[SADB_EXT_ADDRESS_DST]);
	KUNIT_EXPECT_NOT_NULL(test, pm.ext[SADB_EXT_KEY_ENCRYPT]);
	KUNIT_EXPECT_NOT_NULL(test, pm.ext[SADB_EXT_LIFETIME_HARD]);
	KUNIT_EXPECT_NULL(test, pm.ext[SADB_EXT_KEY_AUTH]);
	KUNIT_EXPECT_EQ(test, pm.present,
			PFKEY_EXT_BIT(SADB_EXT_SA) |
			PFKEY_EXT_BIT(SADB_EXT_ADDRESS_SRC) |
			PFKEY_EXT_BIT(SADB_EXT_ADDRESS_DST) |
			PFKEY_EXT_BIT(SADB_EXT_KEY_ENCRYPT) |
			PFKEY_EXT_BIT(SADB_EXT_LIFETIME_HARD) |
			PFKEY_EXT_BIT(SADB_EXT_LIFETIME_SOFT));
}

/* Every truncation of a valid message is refused, never read past. */
static void parse_truncations(struct kunit *test)
{
	struct pc_msg *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct pfkey_verdict v;
	struct pfkey_msg pm;
	size_t cut;

	KUNIT_ASSERT_NOT_NULL(test, m);
	ok_lifetimes(m);
	for (cut = 0; cut < m->wlen; cut++) {
		u8 *copy = kunit_kmalloc(test, cut ? cut : 1, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, copy);
		memcpy(copy, m->buf, cut);
		KUNIT_EXPECT_LT_MSG(test, pfkey_parse(copy, cut, &pm, &v), 0,
				    "cut at %zu", cut);
		kunit_kfree(test, copy);
	}
}

static void diag_names_complete(struct kunit *test)
{
	u16 d;

	for (d = 0; d <= SADB_X_DIAGNOSTIC_INNER_AF_MISMATCH; d++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, pfkey_diag_id(d), "diag %u", d);
	for (d = SADB_X_DIAGNOSTIC_BAD_VERSION; d <= SADB_X_DIAGNOSTIC_MAX; d++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, pfkey_diag_id(d), "diag %u", d);
	for (d = 1; d <= SADB_MAX; d++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, pfkey_msg_name(d), "msg %u", d);
}

static struct kunit_case pfkey_parse_cases[] = {
	KUNIT_CASE(parse_vectors),
	KUNIT_CASE(parse_slots),
	KUNIT_CASE(parse_truncations),
	KUNIT_CASE(diag_names_complete),
	{ }
};

static struct kunit_suite pfkey_parse_suite = {
	.name = "nfipsec_pfkey_parse",
	.test_cases = pfkey_parse_cases,
};

kunit_test_suites(&pfkey_parse_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for nfipsec");
MODULE_IMPORT_NS(NFIPSEC_KUNIT);
