// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_parse_test.c - userspace (cmocka) run of kmod/pfkey_parse.c: the
 * vectors of kmod/test/parse_cases.h, the same the KUnit suite runs, plus
 * an exhaustive truncation and single-byte-corruption sweep that is too
 * slow for the debug kernel but cheap here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "test/parse_cases.h"

static void test_vector(void **state)
{
	const struct parse_case *c = *state;
	struct pc_msg m;
	struct pfkey_verdict v;
	struct pfkey_msg pm;
	int err;

	c->build(&m);
	err = pfkey_parse(m.buf, m.wlen, &pm, &v);
	if (err != -c->err || v.diag != c->diag)
		fail_msg("case %s: got err %d diag %u (%s), want err %d diag %u (%s)",
			 c->name, -err, v.diag, pfkey_diag_name(v.diag), c->err,
			 c->diag, pfkey_diag_name(c->diag));
	assert_int_equal(v.err, c->err);
	if (!err)
		assert_ptr_equal(pm.hdr, m.buf);
}

/* Every prefix of a valid message is refused. */
static void test_truncations(void **state)
{
	struct pfkey_verdict v;
	struct pfkey_msg pm;
	struct pc_msg m;
	size_t cut;

	(void)state;
	ok_lifetimes(&m);
	for (cut = 0; cut < m.wlen; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);	/* ASan/valgrind catch overreads */

		memcpy(copy, m.buf, cut);
		assert_true(pfkey_parse(copy, cut, &pm, &v) < 0);
		assert_int_not_equal(v.err, 0);
		free(copy);
	}
}

/*
 * Every single-byte change of a valid message either parses (with every
 * extension pointer inside the buffer) or is refused with an errno and a
 * diagnostic: never a crash, never a pointer outside the message.
 */
static void test_corruptions(void **state)
{
	struct pfkey_verdict v;
	struct pfkey_msg pm;
	struct pc_msg m, ref;
	size_t pos, i;
	int val;

	(void)state;
	ok_lifetimes(&ref);
	for (pos = 0; pos < ref.wlen; pos++) {
		for (val = 0; val < 256; val++) {
			uint8_t *copy;

			m = ref;
			m.buf[pos] = (uint8_t)val;
			copy = malloc(m.wlen);
			memcpy(copy, m.buf, m.wlen);
			if (pfkey_parse(copy, m.wlen, &pm, &v) == 0) {
				for (i = 0; i < PFKEY_EXT_SLOTS; i++) {
					const uint8_t *p = pm.ext[i];

					if (!p)
						continue;
					assert_true(p >= copy && p < copy + m.wlen);
				}
			} else {
				assert_int_not_equal(v.err, 0);
			}
			free(copy);
		}
	}
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(parse_cases) + 2];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(
			test_vector, (void *)&parse_cases[i]);
		tests[i].name = parse_cases[i].name;
	}
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_truncations);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_corruptions);
	return _cmocka_run_group_tests("pfkey_parse", tests, i, NULL, NULL);
}
