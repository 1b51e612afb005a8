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
#include "report.h"

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

/*
 * The parser and compiler on every truncation and single-character change
 * of a configuration using every construct: never a crash, a leak or an
 * error without a place.
 */
static const char config[] =
	"# every construct\n"
	"add -4n 10.0.0.1[4500] 10.0.0.2 esp-udp 192.168.1.7 0x1000 -m tunnel -u 7 -r 300\n"
	"  -f zero-pad -lh 10 -ls 5 -bh 100 -bs 50 -ctx 1 1 \"ctx\"\n"
	"  -E aes-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha1 \"12345678901234567890\";\n"
	"add myhost.example.com yourhost.example.com ipcomp 0x2000 -C deflate -R;\n"
	"getspi 10.0.0.1 10.0.0.2 ah 0; get 10.0.0.1 10.0.0.2 ah 0x3000; deleteall 10.0.0.1 10.0.0.2 esp;\n"
	"spdadd -6 2001:db8::/64[any] 2001:db8:1::/64[80] tcp -ctx 1 2 \"x\" -P in prio high + 10 ipsec\n"
	"  esp/tunnel/10.1.0.1[4500]-10.1.0.2[30000]/unique:5 ah/transport//require ipcomp/transport/me-any;\n"
	"spdadd ::/0 ::/0 icmp6 135,0 -P out prio -7 none; spdadd 0.0.0.0 0.0.0.0 gre 1.2.3.4 -P fwd discard;\n"
	"spddelete 10.0.0.0/8 10.0.0.0/8 any -P out; flush esp; dump; spdflush; spddump; exit;\n";

static void check_compile(const char *text)
{
	struct compiled *c = compile_text(text);
	size_t i;

	for (i = 0; i < c->errs.n; i++) {
		assert_true(c->errs.v[i].loc.line >= 1);
		assert_true(c->errs.v[i].loc.col >= 1);
		assert_true(c->errs.v[i].msg[0] != '\0');
	}
	compiled_free(c);
}

static void parser_sweep(void **state)
{
	static const char repl[] = ";\"[]/-+ \n#0a:,.x";
	size_t len = sizeof(config) - 1, i, r;
	char *buf = malloc(len + 1);

	(void)state;
	check_compile(config);
	for (i = 0; i <= len; i++) {
		memcpy(buf, config, i);
		buf[i] = '\0';
		check_compile(buf);
	}
	for (i = 0; i < len; i++) {
		for (r = 0; r < sizeof(repl) - 1; r++) {
			memcpy(buf, config, len + 1);
			buf[i] = repl[r];
			check_compile(buf);
		}
	}
	free(buf);
}

int main(void)
{
	static const char *const names[] = {
		"sa_esp_ah", "sa_ipcomp_natt_dead", "sa_nfipsec", "sp_dump", "x_messages",
	};
	struct CMUnitTest tests[sizeof(names) / sizeof(names[0]) + 1];
	size_t i;

	devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(sweep, (void *)names[i]);
		tests[i].name = names[i];
	}
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(parser_sweep);
	return _cmocka_run_group_tests("setkey_fuzz", tests, i, NULL, NULL);
}
