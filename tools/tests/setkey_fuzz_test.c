// SPDX-License-Identifier: GPL-2.0
/*
 * setkey_fuzz_test.c - setkey prints whatever a kernel (or a hostile
 * process, with -x) sends it: every printer is run on every truncation
 * and on single-byte corruptions of the golden messages, each copied into
 * a heap buffer of exactly its size.  Built with AddressSanitizer and
 * UBSan (see tools/Makefile), so reading one byte too far fails the test.
 */
#include "setkey_test.h"
#include "print.h"

static FILE *devnull;

static void print_all(const uint8_t *buf, size_t len)
{
	struct print_opts po = { .withports = true, .now = 1700000123 };
	uint8_t *copy = malloc(len ? len : 1);
	struct pfk_msg m;
	char err[128];

	memcpy(copy, buf, len);
	print_debug(devnull, copy, len);
	json_msg(devnull, copy, len, 1.0);
	if (!pfk_split(copy, len, &m, err, sizeof(err))) {
		print_sa(devnull, &m, &po);
		print_sp(devnull, &m, &po);
		print_sa_short(devnull, &m, po.now);
		json_sa(devnull, &m, &po);
		json_sp(devnull, &m, &po);
	}
	free(copy);
}

static uint8_t *load(const char *name, size_t *len)
{
	char path[512];
	uint8_t *buf = malloc(1 << 20);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.bin", GOLDEN_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void sweep(void **state)
{
	const char *name = *state;
	/* Small values hit every extension type and short lengths. */
	static uint8_t vals[48];
	size_t len, off = 0, v0;
	uint8_t *all = load(name, &len);

	for (v0 = 0; v0 < 44; v0++)
		vals[v0] = (uint8_t)v0;
	vals[44] = 0x7f;
	vals[45] = 0x80;
	vals[46] = 0xfe;
	vals[47] = 0xff;

	while (off + sizeof(struct sadb_msg) <= len) {
		const struct sadb_msg *h = (const void *)(all + off);
		size_t mlen = (size_t)h->sadb_msg_len * 8, cut, pos, v;
		uint8_t *m = malloc(mlen);

		assert_true(mlen >= sizeof(*h) && off + mlen <= len);
		for (cut = 0; cut <= mlen; cut++)
			print_all(all + off, cut);
		for (pos = 0; pos < mlen; pos++) {
			for (v = 0; v < sizeof(vals); v++) {
				memcpy(m, all + off, mlen);
				m[pos] = vals[v];
				print_all(m, mlen);
			}
		}
		free(m);
		off += mlen;
	}
	free(all);
}

int main(void)
{
	static const char *const names[] = {
		"sa_esp_ah", "sa_ipcomp_natt_dead", "sa_nfipsec", "sp_dump", "x_messages",
	};
	struct CMUnitTest tests[sizeof(names) / sizeof(names[0])];
	size_t i;

	devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(sweep, (void *)names[i]);
		tests[i].name = names[i];
	}
	return _cmocka_run_group_tests("setkey_fuzz", tests, i, NULL, NULL);
}
