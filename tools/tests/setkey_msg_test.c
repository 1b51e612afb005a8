// SPDX-License-Identifier: GPL-2.0
/*
 * setkey_msg_test.c - setkey statements into PF_KEY messages, field by
 * field.
 *
 * The first group is every example of setkey(8) (seeds/002, completed
 * from the ipsec-tools page the seed was made from: the seed lost the
 * addresses), then one test per feature of the grammar.  Every message
 * any test builds is also run through nfipsec's own message validator
 * (kmod/pfkey_parse.c), so setkey never sends what the module refuses.
 */
#include "setkey_test.h"
#include "pfkey_parse.h"
#include "policy.h"

/* Every message of every plan passes the module's validator. */
static void assert_kernel_accepts(const struct compiled *c)
{
	size_t p, i;

	for (p = 0; p < c->nplans; p++) {
		for (i = 0; i < c->plans[p].nmsgs; i++) {
			struct pfkey_msg pm;
			struct pfkey_verdict v;
			const struct pmsg *m = &c->plans[p].msgs[i];

			if (pfkey_parse(m->buf, m->len, &pm, &v))
				fail_msg("plan %zu message %zu refused by pfkey_parse: "
					 "errno %d diag %u (%s) ext %u", p, i, v.err, v.diag,
					 pfkey_diag_name(v.diag), v.ext);
		}
	}
}

static struct compiled *ok(const char *text)
{
	struct compiled *c = compile_text(text);

	assert_no_errors(c);
	assert_kernel_accepts(c);
	return c;
}

/* ---- the examples of setkey(8) ------------------------------------------ */

static const uint8_t des_key[] = { 0x3f, 0xfe, 0x05, 0x01, 0x48, 0x19, 0xff, 0xff };

static void seed_add_esp_v6_des(void **state)
{
	struct compiled *c = ok("add 3ffe:501:4819::1 3ffe:501:481d::1 esp 123457\n"
				"\t-E des-cbc 0x3ffe05014819ffff ;\n");
	struct pfk_msg m;

	(void)state;
	assert_int_equal(c->nplans, 1);
	assert_int_equal(c->plans[0].nmsgs, 1);
	m = msg_of(c, 0, 0);
	assert_hdr(&m, SADB_ADD, SADB_SATYPE_ESP);
	assert_int_equal(m.len, 16 + 16 + 16 + 40 + 40 + 16);
	assert_sa(&m, 123457, 0, SADB_AALG_NONE, SADB_EALG_DESCBC, SADB_X_EXT_CYCSEQ);
	assert_sa2(&m, IPSEC_MODE_ANY, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPSEC_ULPROTO_ANY, 128, "3ffe:501:4819::1", 0);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, IPSEC_ULPROTO_ANY, 128, "3ffe:501:481d::1", 0);
	assert_key(&m, SADB_EXT_KEY_ENCRYPT, des_key, 8);
	assert_no_ext(&m, SADB_EXT_KEY_AUTH);
	assert_no_ext(&m, SADB_EXT_LIFETIME_HARD);
	assert_no_ext(&m, SADB_EXT_LIFETIME_SOFT);
	assert_int_equal(ext_count(&m), 5);
	compiled_free(c);
}

/* add -6 myhost.example.com yourhost.example.com ah 123456 -A hmac-sha1 ... */
static void seed_add_6_fqdn_ah(void **state)
{
	struct compiled *c = ok("add -6 myhost.example.com yourhost.example.com ah 123456\n"
				"\t-A hmac-sha1 \"AH SA configuration!\" ;\n");
	struct pfk_msg m;
	size_t i;

	(void)state;
	/* Two IPv6 addresses for myhost, one for yourhost: two SAs; no IPv4. */
	assert_int_equal(c->plans[0].nmsgs, 2);
	for (i = 0; i < 2; i++) {
		m = msg_of(c, 0, i);
		assert_hdr(&m, SADB_ADD, SADB_SATYPE_AH);
		assert_sa(&m, 123456, 0, SADB_AALG_SHA1HMAC, SADB_EALG_NONE,
			  SADB_X_EXT_CYCSEQ);
		assert_sa2(&m, IPSEC_MODE_ANY, 0);
		assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 128,
			    i ? "2001:db8::2" : "2001:db8::1", 0);
		assert_addr(&m, SADB_EXT_ADDRESS_DST, 255, 128, "2001:db8::3", 0);
		assert_key(&m, SADB_EXT_KEY_AUTH, "AH SA configuration!", 20);
		assert_no_ext(&m, SADB_EXT_KEY_ENCRYPT);
	}
	compiled_free(c);
}

static void seed_add_esp_des_md5(void **state)
{
	struct compiled *c = ok("add 10.0.11.41 10.0.11.33 esp 0x10001\n"
				"\t-E des-cbc 0x3ffe05014819ffff\n"
				"\t-A hmac-md5 \"authentication!!\" ;\n");
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	assert_hdr(&m, SADB_ADD, SADB_SATYPE_ESP);
	assert_int_equal(m.len, 16 + 16 + 16 + 24 + 24 + 24 + 16);
	assert_sa(&m, 0x10001, 0, SADB_AALG_MD5HMAC, SADB_EALG_DESCBC, SADB_X_EXT_CYCSEQ);
	assert_sa2(&m, IPSEC_MODE_ANY, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 32, "10.0.11.41", 0);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, 255, 32, "10.0.11.33", 0);
	assert_key(&m, SADB_EXT_KEY_ENCRYPT, des_key, 8);
	assert_key(&m, SADB_EXT_KEY_AUTH, "authentication!!", 16);
	compiled_free(c);
}

static void seed_get_ah(void **state)
{
	struct compiled *c = ok("get 3ffe:501:4819::1 3ffe:501:481d::1 ah 123456 ;");
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	assert_hdr(&m, SADB_GET, SADB_SATYPE_AH);
	assert_sa(&m, 123456, 0, 0, 0, SADB_X_EXT_CYCSEQ);
	assert_sa2(&m, IPSEC_MODE_ANY, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 128, "3ffe:501:4819::1", 0);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, 255, 128, "3ffe:501:481d::1", 0);
	assert_int_equal(ext_count(&m), 4);
	compiled_free(c);
}

static void seed_flush_dump(void **state)
{
	struct compiled *c = ok("flush ;\n\ndump esp ;\n");
	struct pfk_msg m;

	(void)state;
	assert_int_equal(c->nplans, 2);
	m = msg_of(c, 0, 0);
	assert_hdr(&m, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	assert_int_equal(m.hdr->sadb_msg_len, 2);
	m = msg_of(c, 1, 0);
	assert_hdr(&m, SADB_DUMP, SADB_SATYPE_ESP);
	assert_int_equal(m.hdr->sadb_msg_len, 2);
	compiled_free(c);
}

static void seed_spdadd_tunnel(void **state)
{
	struct compiled *c = ok("spdadd 10.0.11.41/32[21] 10.0.11.33/32[any] any\n"
				"\t-P out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require ;");
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	assert_int_equal(c->plans[0].nmsgs, 1);	/* out: no fwd twin */
	assert_hdr(&m, SADB_X_SPDADD, SADB_SATYPE_UNSPEC);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 32, "10.0.11.41", 21);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, 255, 32, "10.0.11.33", 0);
	assert_policy(&m, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, PRIORITY_DEFAULT);
	assert_int_equal(m.extlen[SADB_X_EXT_POLICY], 16 + 16 + 32);
	assert_int_equal(request_count(&m), 1);
	assert_request(&m, 0, IPPROTO_ESP, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_REQUIRE, 0,
		       "192.168.0.1", 0, "192.168.1.2", 0);
	assert_int_equal(ext_count(&m), 3);
	compiled_free(c);
}

static void seed_ctx(void **state)
{
	static const char ctx[] = "system_u:system_r:unconfined_t:SystemLow-SystemHigh";
	struct compiled *c = ok("add 10.0.11.41 10.0.11.33 esp 0x10001\n"
				"\t-ctx 1 1 \"system_u:system_r:unconfined_t:SystemLow-SystemHigh\"\n"
				"\t-E des-cbc 0x3ffe05014819ffff;\n"
				"spdadd 10.0.11.41 10.0.11.33 any\n"
				"\t-ctx 1 1 \"system_u:system_r:unconfined_t:SystemLow-SystemHigh\"\n"
				"\t-P out ipsec esp/transport//require ;\n");
	const struct sadb_x_sec_ctx *x;
	struct pfk_msg m;
	size_t i;

	(void)state;
	assert_int_equal(c->nplans, 2);
	for (i = 0; i < 2; i++) {
		m = msg_of(c, i, 0);
		x = m.ext[SADB_X_EXT_SEC_CTX];
		assert_non_null(x);
		assert_int_equal(m.extlen[SADB_X_EXT_SEC_CTX], (8 + sizeof(ctx) + 7) / 8 * 8);
		assert_int_equal(x->sadb_x_ctx_doi, 1);
		assert_int_equal(x->sadb_x_ctx_alg, 1);
		assert_int_equal(x->sadb_x_ctx_len, sizeof(ctx));	/* with NUL */
		assert_memory_equal(x + 1, ctx, sizeof(ctx));
	}
	m = msg_of(c, 0, 0);
	assert_hdr(&m, SADB_ADD, SADB_SATYPE_ESP);
	assert_key(&m, SADB_EXT_KEY_ENCRYPT, des_key, 8);
	m = msg_of(c, 1, 0);
	assert_hdr(&m, SADB_X_SPDADD, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 32, "10.0.11.41", 0);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, 255, 32, "10.0.11.33", 0);
	assert_policy(&m, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, PRIORITY_DEFAULT);
	assert_request(&m, 0, IPPROTO_ESP, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_REQUIRE,
		       0, NULL, 0, NULL, 0);
	compiled_free(c);
}

/* spdadd ::/0 ::/0 icmp6 135,0 -P in none ; (RFC mode: in and fwd) */
static void seed_icmp6_ns(void **state)
{
	struct compiled *c = ok("spdadd ::/0 ::/0 icmp6 135,0 -P in none;");
	struct pfk_msg m;
	size_t i;

	(void)state;
	assert_int_equal(c->plans[0].nmsgs, 2);
	for (i = 0; i < 2; i++) {
		m = msg_of(c, 0, i);
		assert_hdr(&m, SADB_X_SPDADD, 0);
		assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_ICMPV6, 0, "::", 135);
		assert_addr(&m, SADB_EXT_ADDRESS_DST, IPPROTO_ICMPV6, 0, "::", 0);
		assert_policy(&m, IPSEC_POLICY_NONE, i ? IPSEC_DIR_FWD : IPSEC_DIR_INBOUND,
			      PRIORITY_DEFAULT);
		assert_int_equal(m.extlen[SADB_X_EXT_POLICY], 16);
	}
	assert_false(c->plans[0].msgs[0].fwd_twin);
	assert_true(c->plans[0].msgs[1].fwd_twin);
	compiled_free(c);
}

/* The page's GRE example, with the -P out it forgot (see errors test). */
static void seed_gre_key(void **state)
{
	struct compiled *c = ok("spdadd 0.0.0.0 0.0.0.0 gre 1234 -P out ipsec esp/transport//require ;\n"
				"spdadd 0.0.0.0 0.0.0.0 gre 0.1.4.210 -P out ipsec esp/transport//require ;\n"
				"spdadd 0.0.0.0 0.0.0.0 gre 305419896 -P out ipsec esp/transport//require ;\n");
	struct pfk_msg m;

	(void)state;
	m = msg_of(c, 0, 0);
	/* A plain number: high 16 bits in the source port, low in the destination. */
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_GRE, 32, "0.0.0.0", 0);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, IPPROTO_GRE, 32, "0.0.0.0", 1234);
	m = msg_of(c, 1, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_GRE, 32, "0.0.0.0", 1);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, IPPROTO_GRE, 32, "0.0.0.0", 1234);
	m = msg_of(c, 2, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_GRE, 32, "0.0.0.0", 0x1234);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, IPPROTO_GRE, 32, "0.0.0.0", 0x5678);
	compiled_free(c);
}

/* NAT-T matching on tunnel end point ports. */
static void seed_natt_ports(void **state)
{
	struct compiled *c = ok("spdadd 10.0.11.0/24[any] 10.0.11.33/32[any] any -P out ipsec\n"
				"    esp/tunnel/192.168.0.1[4500]-192.168.1.2[30000]/require ;\n");
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 24, "10.0.11.0", 0);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, 255, 32, "10.0.11.33", 0);
	assert_request(&m, 0, IPPROTO_ESP, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_REQUIRE, 0,
		       "192.168.0.1", 4500, "192.168.1.2", 30000);
	compiled_free(c);
}

/* ---- features ------------------------------------------------------------ */

static void update_and_delete(void **state)
{
	struct compiled *c = ok("update 10.0.0.1 10.0.0.2 esp 0x1000 -m tunnel -u 7 "
				"-E aes-cbc 0x00112233445566778899aabbccddeeff "
				"-A hmac-sha256 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f;\n"
				"delete 10.0.0.1 10.0.0.2 esp 0x1000;\n");
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	assert_hdr(&m, SADB_UPDATE, SADB_SATYPE_ESP);
	assert_sa(&m, 0x1000, 0, SADB_X_AALG_SHA2_256HMAC, SADB_X_EALG_AESCBC,
		  SADB_X_EXT_CYCSEQ);
	assert_sa2(&m, IPSEC_MODE_TUNNEL, 7);
	assert_int_equal(((const struct sadb_key *)m.ext[SADB_EXT_KEY_ENCRYPT])->sadb_key_bits, 128);
	assert_int_equal(((const struct sadb_key *)m.ext[SADB_EXT_KEY_AUTH])->sadb_key_bits, 256);
	m = msg_of(c, 1, 0);
	assert_hdr(&m, SADB_DELETE, SADB_SATYPE_ESP);
	assert_sa(&m, 0x1000, 0, 0, 0, SADB_X_EXT_CYCSEQ);
	assert_int_equal(ext_count(&m), 4);
	compiled_free(c);
}

static void getspi_range(void **state)
{
	struct compiled *c = ok("getspi 10.0.0.1 10.0.0.2 esp 0x2000 -m transport -u 3;\n"
				"getspi 10.0.0.1 10.0.0.2 ah 0;\n");
	const struct sadb_spirange *r;
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	assert_hdr(&m, SADB_GETSPI, SADB_SATYPE_ESP);
	assert_no_ext(&m, SADB_EXT_SA);
	assert_sa2(&m, IPSEC_MODE_TRANSPORT, 3);
	r = ext_of(&m, SADB_EXT_SPIRANGE, sizeof(*r));
	assert_int_equal(r->sadb_spirange_min, 0x2000);
	assert_int_equal(r->sadb_spirange_max, 0x2000);
	m = msg_of(c, 1, 0);
	assert_hdr(&m, SADB_GETSPI, SADB_SATYPE_AH);
	assert_no_ext(&m, SADB_EXT_SPIRANGE);
	compiled_free(c);
}

static void deleteall_is_a_dump(void **state)
{
	struct compiled *c = ok("deleteall 10.0.0.1 myhost.example.com esp ;");
	const struct plan *pl = &c->plans[0];
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	assert_hdr(&m, SADB_DUMP, SADB_SATYPE_ESP);
	assert_int_equal(pl->nmsgs, 1);
	assert_int_equal(pl->satype, SADB_SATYPE_ESP);
	assert_int_equal(pl->npairs, 1);	/* only the IPv4 answer pairs up */
	assert_int_equal(pl->pairs[0].src.ss_family, AF_INET);
	assert_int_equal(((struct sockaddr_in *)&pl->pairs[0].dst)->sin_addr.s_addr,
			 inet_addr("192.0.2.1"));
	compiled_free(c);
}

static void esp_udp_natt(void **state)
{
	struct compiled *c = ok("add 10.0.0.1[4500] 10.0.0.2[30000] esp-udp 0x1000 "
				"-m tunnel -E aes-cbc 0x00112233445566778899aabbccddeeff;\n"
				"add 10.0.0.1 10.0.0.2 esp-udp 192.168.1.7 0x1001 -E null;\n");
	const struct sadb_x_nat_t_type *t;
	const struct sadb_x_nat_t_port *p;
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	assert_hdr(&m, SADB_ADD, SADB_SATYPE_ESP);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 32, "10.0.0.1", 4500);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, 255, 32, "10.0.0.2", 30000);
	t = ext_of(&m, SADB_X_EXT_NAT_T_TYPE, sizeof(*t));
	assert_int_equal(t->sadb_x_nat_t_type_type, 2);	/* UDP_ENCAP_ESPINUDP */
	p = ext_of(&m, SADB_X_EXT_NAT_T_SPORT, sizeof(*p));
	assert_int_equal(ntohs(p->sadb_x_nat_t_port_port), 4500);
	p = ext_of(&m, SADB_X_EXT_NAT_T_DPORT, sizeof(*p));
	assert_int_equal(ntohs(p->sadb_x_nat_t_port_port), 30000);
	assert_no_ext(&m, SADB_X_EXT_NAT_T_OA);
	m = msg_of(c, 1, 0);
	p = ext_of(&m, SADB_X_EXT_NAT_T_SPORT, sizeof(*p));
	assert_int_equal(ntohs(p->sadb_x_nat_t_port_port), 4500);	/* default */
	assert_addr(&m, SADB_X_EXT_NAT_T_OA, 255, 32, "192.168.1.7", 0);
	/* -E null: an empty encryption key, as ipsec-tools sends it. */
	assert_sa(&m, 0x1001, 0, 0, SADB_EALG_NULL, SADB_X_EXT_CYCSEQ);
	assert_key(&m, SADB_EXT_KEY_ENCRYPT, "", 0);
	compiled_free(c);
}

static void replay_windows(void **state)
{
	struct compiled *c = ok("add 10.0.0.1 10.0.0.2 esp 0x1000 -r 64 -E null;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1001 -r 255 -E null;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1002 -r 4096 -E null;\n");
	const struct sadb_x_replay *r;
	struct pfk_msg m;

	(void)state;
	m = msg_of(c, 0, 0);
	assert_sa(&m, 0x1000, 64, 0, SADB_EALG_NULL, SADB_X_EXT_CYCSEQ);
	assert_no_ext(&m, SADB_X_EXT_REPLAY);
	assert_false(c->plans[0].replay_ext);
	m = msg_of(c, 1, 0);
	assert_sa(&m, 0x1001, 255, 0, SADB_EALG_NULL, SADB_X_EXT_CYCSEQ);
	assert_no_ext(&m, SADB_X_EXT_REPLAY);
	m = msg_of(c, 2, 0);
	assert_sa(&m, 0x1002, 255, 0, SADB_EALG_NULL, SADB_X_EXT_CYCSEQ);
	r = ext_of(&m, SADB_X_EXT_REPLAY, sizeof(*r));
	assert_int_equal(r->sadb_x_replay_len, 2);
	assert_int_equal(r->sadb_x_replay_window, 4096);
	assert_int_equal(r->sadb_x_replay_flags, 0);
	assert_true(c->plans[2].replay_ext);
	compiled_free(c);
}

/* -f esn: SADB_X_EXT_REPLAY with the ESN flag, whatever the window. */
static void esn_flag(void **state)
{
	struct compiled *c = ok("add 10.0.0.1 10.0.0.2 esp 0x1000 -f esn -r 64 "
				"-E aes-gcm-16 0x00112233445566778899aabbccddeeff00112233;\n"
				"add 10.0.0.1 10.0.0.2 ah 0x1001 -r 4096 -f esn -A null;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1002 -f esn -E null;\n");
	const struct sadb_x_replay *r;
	struct pfk_msg m;

	(void)state;
	m = msg_of(c, 0, 0);
	assert_sa(&m, 0x1000, 64, 0, SADB_X_EALG_AES_GCM_ICV16, SADB_X_EXT_CYCSEQ);
	r = ext_of(&m, SADB_X_EXT_REPLAY, sizeof(*r));
	assert_int_equal(r->sadb_x_replay_window, 64);
	assert_int_equal(r->sadb_x_replay_flags, SADB_X_REPLAY_F_ESN);
	assert_true(c->plans[0].replay_ext);
	m = msg_of(c, 1, 0);
	r = ext_of(&m, SADB_X_EXT_REPLAY, sizeof(*r));
	assert_int_equal(r->sadb_x_replay_window, 4096);
	assert_int_equal(r->sadb_x_replay_flags, SADB_X_REPLAY_F_ESN);
	m = msg_of(c, 2, 0);
	r = ext_of(&m, SADB_X_EXT_REPLAY, sizeof(*r));
	assert_int_equal(r->sadb_x_replay_window, 0);
	assert_int_equal(r->sadb_x_replay_flags, SADB_X_REPLAY_F_ESN);
	compiled_free(c);
}

static void lifetimes(void **state)
{
	struct compiled *c = ok("add 10.0.0.1 10.0.0.2 ah 0x1000 -lh 3600 -ls 3000 "
				"-bh 1000000 -bs 900000 -A hmac-sha1 \"12345678901234567890\";\n"
				"add 10.0.0.1 10.0.0.2 ah 0x1001 -bh 5000 -A hmac-sha1 \"12345678901234567890\";\n"
				"add 10.0.0.1 10.0.0.2 ah 0x1002 -A hmac-sha1 \"12345678901234567890\";\n");
	const struct sadb_lifetime *l;
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	l = ext_of(&m, SADB_EXT_LIFETIME_HARD, sizeof(*l));
	assert_int_equal(l->sadb_lifetime_addtime, 3600);
	assert_int_equal(l->sadb_lifetime_bytes, 1000000);
	assert_int_equal(l->sadb_lifetime_allocations, 0);
	assert_int_equal(l->sadb_lifetime_usetime, 0);
	l = ext_of(&m, SADB_EXT_LIFETIME_SOFT, sizeof(*l));
	assert_int_equal(l->sadb_lifetime_addtime, 3000);
	assert_int_equal(l->sadb_lifetime_bytes, 900000);
	/* One limit given: both extensions, the other with no limit. */
	m = msg_of(c, 1, 0);
	l = ext_of(&m, SADB_EXT_LIFETIME_HARD, sizeof(*l));
	assert_int_equal(l->sadb_lifetime_addtime, 0);
	assert_int_equal(l->sadb_lifetime_bytes, 5000);
	l = ext_of(&m, SADB_EXT_LIFETIME_SOFT, sizeof(*l));
	assert_int_equal(l->sadb_lifetime_addtime, 0);
	assert_int_equal(l->sadb_lifetime_bytes, 0);
	m = msg_of(c, 2, 0);
	assert_no_ext(&m, SADB_EXT_LIFETIME_HARD);
	assert_no_ext(&m, SADB_EXT_LIFETIME_SOFT);
	compiled_free(c);
}

static void sa_flags(void **state)
{
	struct compiled *c = ok("add 10.0.0.1 10.0.0.2 esp 0x1000 -f zero-pad -E null;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1001 -f random-pad -f nocyclic-seq -E null;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1002 -f seq-pad -E null;\n"
				"add 10.0.0.1 10.0.0.2 esp-old 0x1003 -E des-cbc 0x3ffe05014819ffff;\n"
				"add 10.0.0.1 10.0.0.2 ah-old 0x1004 -A hmac-md5 \"0123456789abcdef\";\n"
				"add 10.0.0.1 10.0.0.2 ipcomp 0x1005 -C deflate -R;\n"
				"add 10.0.0.1 10.0.0.2 ipcomp 0x1006 -C lzs;\n");
	struct pfk_msg m;

	(void)state;
	m = msg_of(c, 0, 0);
	assert_sa(&m, 0x1000, 0, 0, SADB_EALG_NULL, SADB_X_EXT_CYCSEQ | SADB_X_EXT_PZERO);
	m = msg_of(c, 1, 0);
	assert_sa(&m, 0x1001, 0, 0, SADB_EALG_NULL, SADB_X_EXT_PRAND);
	m = msg_of(c, 2, 0);
	assert_sa(&m, 0x1002, 0, 0, SADB_EALG_NULL, SADB_X_EXT_CYCSEQ | SADB_X_EXT_PSEQ);
	m = msg_of(c, 3, 0);
	assert_hdr(&m, SADB_ADD, SADB_SATYPE_ESP);
	assert_sa(&m, 0x1003, 0, 0, SADB_EALG_DESCBC, SADB_X_EXT_CYCSEQ | SADB_X_EXT_OLD);
	m = msg_of(c, 4, 0);
	assert_hdr(&m, SADB_ADD, SADB_SATYPE_AH);
	assert_sa(&m, 0x1004, 0, SADB_AALG_MD5HMAC, 0, SADB_X_EXT_CYCSEQ | SADB_X_EXT_OLD);
	m = msg_of(c, 5, 0);
	assert_hdr(&m, SADB_ADD, SADB_X_SATYPE_IPCOMP);
	assert_sa(&m, 0x1005, 0, 0, SADB_X_CALG_DEFLATE, SADB_X_EXT_CYCSEQ | SADB_X_EXT_RAWCPI);
	assert_no_ext(&m, SADB_EXT_KEY_ENCRYPT);
	assert_no_ext(&m, SADB_EXT_KEY_AUTH);
	m = msg_of(c, 6, 0);
	assert_sa(&m, 0x1006, 0, 0, SADB_X_CALG_LZS, SADB_X_EXT_CYCSEQ);
	compiled_free(c);
}

static void modes(void **state)
{
	struct compiled *c = ok("add 10.0.0.1 10.0.0.2 esp 0x1000 -m transport -E null;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1001 -m tunnel -E null;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1002 -m any -E null;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1003 -m beet -E null;\n");
	struct pfk_msg m;

	(void)state;
	m = msg_of(c, 0, 0);
	assert_sa2(&m, IPSEC_MODE_TRANSPORT, 0);
	m = msg_of(c, 1, 0);
	assert_sa2(&m, IPSEC_MODE_TUNNEL, 0);
	m = msg_of(c, 2, 0);
	assert_sa2(&m, IPSEC_MODE_ANY, 0);
	m = msg_of(c, 3, 0);
	assert_sa2(&m, IPSEC_MODE_BEET, 0);
	compiled_free(c);
}

/* Every algorithm name, with a key of each length it takes. */
static void every_algorithm(void **state)
{
	const struct alg *a;
	size_t i, k;

	(void)state;
	for (i = 0; (a = alg_at(i)); i++) {
		unsigned int lens[8], nlens = 0;
		char text[1600];

		if (a->flags & ALG_F_NOID)
			continue;
		if (a->kind == ALG_COMP) {
			lens[nlens++] = 0;
		} else if (a->flags & ALG_F_RANGE) {
			lens[nlens++] = a->min ? a->min : 8;
			lens[nlens++] = a->max;
		} else {
			for (k = 0; k < 4 && a->sizes[k]; k++)
				lens[nlens++] = a->sizes[k];
		}
		for (k = 0; k < nlens; k++) {
			struct compiled *c;
			struct pfk_msg m;
			char key[600];
			size_t j, n = 0;

			for (j = 0; j < lens[k] / 8; j++)
				n += sprintf(key + n, "%02zx", (j * 7 + 1) & 0xff);
			if (a->kind == ALG_ENC)
				snprintf(text, sizeof(text), "add 10.0.0.1 10.0.0.2 esp 0x1000 "
					 "-E %s 0x%s;", a->name, key);
			else if (a->kind == ALG_AUTH)
				snprintf(text, sizeof(text), "add 10.0.0.1 10.0.0.2 ah 0x1000 "
					 "-A %s 0x%s;", a->name, key);
			else
				snprintf(text, sizeof(text), "add 10.0.0.1 10.0.0.2 ipcomp "
					 "0x1000 -C %s;", a->name);
			c = compile_text(text);
			if (c->errs.n)
				fail_msg("%s with %u bits: %s", a->name, lens[k], c->errs.v[0].msg);
			assert_kernel_accepts(c);
			m = msg_of(c, 0, 0);
			if (a->kind == ALG_AUTH) {
				assert_sa(&m, 0x1000, 0, a->id, 0, SADB_X_EXT_CYCSEQ);
				assert_int_equal(((const struct sadb_key *)
						  m.ext[SADB_EXT_KEY_AUTH])->sadb_key_bits, lens[k]);
			} else {
				assert_sa(&m, 0x1000, 0, 0, a->id, SADB_X_EXT_CYCSEQ);
			}
			if (a->kind == ALG_ENC)
				assert_int_equal(((const struct sadb_key *)
						  m.ext[SADB_EXT_KEY_ENCRYPT])->sadb_key_bits, lens[k]);
			compiled_free(c);
		}
	}
}

/* The ids the project's contract fixes for the names. */
static void algorithm_ids(void **state)
{
	static const struct {
		enum alg_kind kind;
		const char *name;
		unsigned int id;
	} ids[] = {
		{ ALG_ENC, "des-cbc", 2 }, { ALG_ENC, "3des-cbc", 3 }, { ALG_ENC, "null", 11 },
		{ ALG_ENC, "blowfish-cbc", 7 }, { ALG_ENC, "cast128-cbc", 6 },
		{ ALG_ENC, "rijndael-cbc", 12 }, { ALG_ENC, "aes-cbc", 12 },
		{ ALG_ENC, "aes-ctr", 13 }, { ALG_ENC, "aes-gcm-16", 20 },
		{ ALG_ENC, "aes-gcm-12", 19 }, { ALG_ENC, "aes-gcm-8", 18 },
		{ ALG_ENC, "null-aes-gmac", 23 }, { ALG_ENC, "camellia-cbc", 22 },
		{ ALG_ENC, "twofish-cbc", 253 }, { ALG_ENC, "serpent-cbc", 252 },
		{ ALG_ENC, "chacha20-poly1305", 28 },
		{ ALG_AUTH, "hmac-md5", 2 }, { ALG_AUTH, "hmac-sha1", 3 },
		{ ALG_AUTH, "hmac-sha256", 5 }, { ALG_AUTH, "hmac-sha2-256", 5 },
		{ ALG_AUTH, "hmac-sha384", 6 }, { ALG_AUTH, "hmac-sha2-384", 6 },
		{ ALG_AUTH, "hmac-sha512", 7 }, { ALG_AUTH, "hmac-sha2-512", 7 },
		{ ALG_AUTH, "hmac-ripemd160", 8 }, { ALG_AUTH, "aes-xcbc-mac", 9 },
		{ ALG_AUTH, "aes-cmac", 250 }, { ALG_AUTH, "null", 251 },
		{ ALG_COMP, "oui", 1 }, { ALG_COMP, "deflate", 2 }, { ALG_COMP, "lzs", 3 },
		{ ALG_COMP, "lzjh", 4 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct alg *a = alg_by_name(ids[i].kind, ids[i].name, strlen(ids[i].name));

		if (!a)
			fail_msg("%s unknown", ids[i].name);
		assert_int_equal(a->id, ids[i].id);
		assert_false(a->flags & ALG_F_NOID);
	}
}

static void null_auth_and_keys(void **state)
{
	struct compiled *c = ok("add 10.0.0.1 10.0.0.2 esp 0x1000 -E aes-cbc "
				"0x00112233445566778899aabbccddeeff -A null;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1001 -E null 0x0011 -A null 0x00112233;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1002 -E des-cbc 0x123456789abcdef;\n");
	static const uint8_t odd[] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	struct pfk_msg m;

	(void)state;
	m = msg_of(c, 0, 0);
	assert_sa(&m, 0x1000, 0, SADB_X_AALG_NULL, SADB_X_EALG_AESCBC, SADB_X_EXT_CYCSEQ);
	assert_key(&m, SADB_EXT_KEY_AUTH, "", 0);
	m = msg_of(c, 1, 0);
	assert_key(&m, SADB_EXT_KEY_ENCRYPT, "\x00\x11", 2);
	assert_key(&m, SADB_EXT_KEY_AUTH, "\x00\x11\x22\x33", 4);
	/* 15 hex digits: the odd one is the first byte's low nibble. */
	m = msg_of(c, 2, 0);
	assert_key(&m, SADB_EXT_KEY_ENCRYPT, odd, 8);
	compiled_free(c);
}

/* ipsec-tools' encoding of priorities (libipsec policy_parse.y). */
static void priorities(void **state)
{
	static const struct {
		const char *spec;
		uint32_t value;
		const char *printed;
	} prios[] = {
		{ "", 0x80000000u, "prio def" },
		{ "prio 10", 0x80000000u - 10, "prio def + 10" },
		{ "priority -10", 0x80000000u + 10, "prio def - 10" },
		{ "prio +7", 0x80000000u - 7, "prio def + 7" },
		{ "prio 2147483648", 0, "" },
		{ "prio -2147483647", 0xffffffffu, "prio low - 1073741823" },
		{ "prio low", 0xC0000000u, "prio low" },
		{ "prio def", 0x80000000u, "prio def" },
		{ "prio high", 0x40000000u, "prio high" },
		{ "prio high + 10", 0x40000000u - 10, "prio high + 10" },
		{ "prio high - 10", 0x40000000u + 10, "prio high - 10" },
		{ "priority low - 5", 0xC0000000u + 5, "prio low - 5" },
		{ "prio low + 3", 0xC0000000u - 3, "prio low + 3" },
		{ "prio high + 1073741824", 0, "" },
		{ "prio low - 1073741823", 0xffffffffu, "prio low - 1073741823" },
		{ "prio def+1", 0x7fffffffu, "prio def + 1" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(prios) / sizeof(prios[0]); i++) {
		char text[200], printed[64];
		struct compiled *c;
		struct pfk_msg m;

		snprintf(text, sizeof(text), "spdadd 10.0.0.1 10.0.0.2 any -P out %s discard;",
			 prios[i].spec);
		c = ok(text);
		m = msg_of(c, 0, 0);
		assert_policy(&m, IPSEC_POLICY_DISCARD, IPSEC_DIR_OUTBOUND, prios[i].value);
		policy_priority_str(prios[i].value, printed, sizeof(printed));
		assert_string_equal(printed, prios[i].printed);
		compiled_free(c);
	}
}

/* RFC mode (default, -r): fwd twins with unique downgraded; -k: none. */
static void rfc_and_kernel_modes(void **state)
{
	static const char text[] =
		"spdadd 10.0.0.0/24 10.0.1.0/24 any -P in ipsec "
		"esp/tunnel/10.1.0.1-10.1.0.2/unique:12 ah/transport//unique ;\n"
		"spddelete 10.0.0.0/24 10.0.1.0/24 any -P in ;\n"
		"spdupdate 10.0.0.0/24 10.0.1.0/24 any -P fwd prio high ipsec esp/transport//use ;\n";
	struct compiled *c = ok(text);
	struct pfk_msg m;

	(void)state;
	assert_int_equal(c->plans[0].nmsgs, 2);
	m = msg_of(c, 0, 0);
	assert_policy(&m, IPSEC_POLICY_IPSEC, IPSEC_DIR_INBOUND, PRIORITY_DEFAULT);
	assert_int_equal(request_count(&m), 2);
	assert_request(&m, 0, IPPROTO_ESP, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_UNIQUE, 12,
		       "10.1.0.1", 0, "10.1.0.2", 0);
	assert_request(&m, 1, IPPROTO_AH, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_UNIQUE, 0,
		       NULL, 0, NULL, 0);
	m = msg_of(c, 0, 1);
	assert_policy(&m, IPSEC_POLICY_IPSEC, IPSEC_DIR_FWD, PRIORITY_DEFAULT);
	assert_request(&m, 0, IPPROTO_ESP, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_REQUIRE, 0,
		       "10.1.0.1", 0, "10.1.0.2", 0);
	assert_request(&m, 1, IPPROTO_AH, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_REQUIRE, 0,
		       NULL, 0, NULL, 0);
	/* spddelete -P in: direction only, priority 0, and its fwd twin. */
	assert_int_equal(c->plans[1].nmsgs, 2);
	m = msg_of(c, 1, 0);
	assert_hdr(&m, SADB_X_SPDDELETE, 0);
	assert_policy(&m, IPSEC_POLICY_DISCARD, IPSEC_DIR_INBOUND, 0);
	assert_int_equal(m.extlen[SADB_X_EXT_POLICY], 16);
	m = msg_of(c, 1, 1);
	assert_policy(&m, IPSEC_POLICY_DISCARD, IPSEC_DIR_FWD, 0);
	/* fwd itself gets no twin. */
	assert_int_equal(c->plans[2].nmsgs, 1);
	m = msg_of(c, 2, 0);
	assert_hdr(&m, SADB_X_SPDUPDATE, 0);
	assert_policy(&m, IPSEC_POLICY_IPSEC, IPSEC_DIR_FWD, PRIORITY_HIGH);
	assert_request(&m, 0, IPPROTO_ESP, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_USE, 0,
		       NULL, 0, NULL, 0);
	compiled_free(c);

	c = compile_text_opts(text, false);
	assert_no_errors(c);
	assert_int_equal(c->plans[0].nmsgs, 1);
	assert_int_equal(c->plans[1].nmsgs, 1);
	compiled_free(c);
}

static void request_forms(void **state)
{
	struct compiled *c = ok("spdadd 10.0.0.1 10.0.0.2 tcp -P out ipsec esp/transport "
				"ah/transport/ ipcomp/transport// esp/transport//default "
				"ah/tunnel/fec0::1-fec0::2 esp/tunnel/10.1.1.1-10.1.1.2/ "
				"esp/tunnel/10.1.1.1-10.1.1.2/use ah/transport/me-any/require;\n"
				"spdadd 10.0.0.1 10.0.0.2 udp -P in ipsec esp/transport/any-me/unique:1;\n");
	struct pfk_msg m = msg_of(c, 0, 0);

	(void)state;
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_TCP, 32, "10.0.0.1", 0);
	assert_int_equal(request_count(&m), 8);
	assert_request(&m, 0, IPPROTO_ESP, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_DEFAULT, 0,
		       NULL, 0, NULL, 0);
	assert_request(&m, 1, IPPROTO_AH, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_DEFAULT, 0,
		       NULL, 0, NULL, 0);
	assert_request(&m, 2, IPPROTO_COMP, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_DEFAULT, 0,
		       NULL, 0, NULL, 0);
	assert_request(&m, 3, IPPROTO_ESP, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_DEFAULT, 0,
		       NULL, 0, NULL, 0);
	assert_request(&m, 4, IPPROTO_AH, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_DEFAULT, 0,
		       "fec0::1", 0, "fec0::2", 0);
	assert_request(&m, 5, IPPROTO_ESP, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_DEFAULT, 0,
		       "10.1.1.1", 0, "10.1.1.2", 0);
	assert_request(&m, 6, IPPROTO_ESP, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_USE, 0,
		       "10.1.1.1", 0, "10.1.1.2", 0);
	assert_request(&m, 7, IPPROTO_AH, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_REQUIRE, 0,
		       NULL, 0, NULL, 0);
	m = msg_of(c, 1, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_UDP, 32, "10.0.0.1", 0);
	assert_request(&m, 0, IPPROTO_ESP, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_UNIQUE, 1,
		       NULL, 0, NULL, 0);
	compiled_free(c);
}

static void upper_layer_specs(void **state)
{
	struct compiled *c = ok("spdadd 10.0.0.1 10.0.0.2 icmp 8,0 -P out discard;\n"
				"spdadd 10.0.0.1 10.0.0.2 50 -P out discard;\n"
				"spdadd 10.0.0.1 10.0.0.2 ip4 -P out discard;\n"
				"spdadd 10.0.0.1[ssh] 10.0.0.2[53] udp -P out discard;\n"
				"spdadd fe80::1%lo/64 fe80::2/64 mh 1,0 -P out discard;\n");
	struct pfk_msg m;

	(void)state;
	m = msg_of(c, 0, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_ICMP, 32, "10.0.0.1", 8);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, IPPROTO_ICMP, 32, "10.0.0.2", 0);
	m = msg_of(c, 1, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_ESP, 32, "10.0.0.1", 0);
	m = msg_of(c, 2, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_IPIP, 32, "10.0.0.1", 0);
	m = msg_of(c, 3, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, IPPROTO_UDP, 32, "10.0.0.1", 22);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, IPPROTO_UDP, 32, "10.0.0.2", 53);
	m = msg_of(c, 4, 0);
	assert_int_equal(((const struct sadb_address *)m.ext[SADB_EXT_ADDRESS_SRC])->
			 sadb_address_prefixlen, 64);
	assert_int_equal(((const struct sadb_address *)m.ext[SADB_EXT_ADDRESS_SRC])->
			 sadb_address_proto, 135);
	assert_int_equal(((const struct sockaddr_in6 *)((const struct sadb_address *)
			 m.ext[SADB_EXT_ADDRESS_SRC] + 1))->sin6_scope_id, 1);
	compiled_free(c);
}

/* Several statements on a line, one statement over several, comments. */
static void layout_and_comments(void **state)
{
	struct compiled *c = ok("# a comment line\n"
				"flush; spdflush; # trailing comment; with a ;\n"
				"add\n  10.0.0.1\n\t10.0.0.2 # between tokens\n esp\n 0x1000\n"
				" -E null\n;;\n"
				"dump ; spddump;exit;\n"
				"add 10.0.0.1 10.0.0.2 esp 0x1001 -E null; # after exit: ignored\n");
	struct pfk_msg m;

	(void)state;
	assert_int_equal(c->nplans, 5);
	m = msg_of(c, 0, 0);
	assert_hdr(&m, SADB_FLUSH, 0);
	m = msg_of(c, 1, 0);
	assert_hdr(&m, SADB_X_SPDFLUSH, 0);
	m = msg_of(c, 2, 0);
	assert_hdr(&m, SADB_ADD, SADB_SATYPE_ESP);
	assert_int_equal(c->stmts.v[2].loc.line, 3);
	m = msg_of(c, 3, 0);
	assert_hdr(&m, SADB_DUMP, 0);
	m = msg_of(c, 4, 0);
	assert_hdr(&m, SADB_X_SPDDUMP, 0);
	compiled_free(c);
}

/* A name with addresses of both families pairs each with its own kind. */
static void fqdn_combinations(void **state)
{
	struct compiled *c = ok("add myhost.example.com yourhost.example.com esp 0x1000 -E null;\n"
				"spdadd -4 myhost.example.com yourhost.example.com any -P out none;\n"
				"add -n 10.0.0.1 10.0.0.2 esp 0x1001 -E null;\n");
	struct pfk_msg m;

	(void)state;
	/* 192.0.2.1->192.0.2.2, 2001:db8::1->::3, 2001:db8::2->::3 */
	assert_int_equal(c->plans[0].nmsgs, 3);
	m = msg_of(c, 0, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 32, "192.0.2.1", 0);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, 255, 32, "192.0.2.2", 0);
	m = msg_of(c, 0, 2);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 128, "2001:db8::2", 0);
	assert_int_equal(c->plans[1].nmsgs, 1);
	m = msg_of(c, 1, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 32, "192.0.2.1", 0);
	compiled_free(c);
}

/* The messages deleteall sends per SA, and the short ones. */
static void built_helpers(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, b = a;
	struct pmsg pm;
	struct pfk_msg m;
	char err[64];

	(void)state;
	a.sin_addr.s_addr = inet_addr("10.0.0.1");
	b.sin_addr.s_addr = inet_addr("10.0.0.2");
	pm = build_delete(SADB_SATYPE_AH, (void *)&a, (void *)&b, htonl(0x4242));
	assert_int_equal(pfk_split(pm.buf, pm.len, &m, err, sizeof(err)), 0);
	assert_hdr(&m, SADB_DELETE, SADB_SATYPE_AH);
	assert_sa(&m, 0x4242, 0, 0, 0, 0);
	assert_addr(&m, SADB_EXT_ADDRESS_SRC, 255, 32, "10.0.0.1", 0);
	assert_addr(&m, SADB_EXT_ADDRESS_DST, 255, 32, "10.0.0.2", 0);
	free(pm.buf);
	pm = build_short(SADB_X_NFIPSEC_OPTIONS, SADB_X_NFIPSEC_OPT_EXT);
	assert_int_equal(pm.len, 16);
	assert_int_equal(((struct sadb_msg *)pm.buf)->sadb_msg_satype, 1);
	free(pm.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_add_esp_v6_des),
		cmocka_unit_test(seed_add_6_fqdn_ah),
		cmocka_unit_test(seed_add_esp_des_md5),
		cmocka_unit_test(seed_get_ah),
		cmocka_unit_test(seed_flush_dump),
		cmocka_unit_test(seed_spdadd_tunnel),
		cmocka_unit_test(seed_ctx),
		cmocka_unit_test(seed_icmp6_ns),
		cmocka_unit_test(seed_gre_key),
		cmocka_unit_test(seed_natt_ports),
		cmocka_unit_test(update_and_delete),
		cmocka_unit_test(getspi_range),
		cmocka_unit_test(deleteall_is_a_dump),
		cmocka_unit_test(esp_udp_natt),
		cmocka_unit_test(replay_windows),
		cmocka_unit_test(esn_flag),
		cmocka_unit_test(lifetimes),
		cmocka_unit_test(sa_flags),
		cmocka_unit_test(modes),
		cmocka_unit_test(every_algorithm),
		cmocka_unit_test(algorithm_ids),
		cmocka_unit_test(null_auth_and_keys),
		cmocka_unit_test(priorities),
		cmocka_unit_test(rfc_and_kernel_modes),
		cmocka_unit_test(request_forms),
		cmocka_unit_test(upper_layer_specs),
		cmocka_unit_test(layout_and_comments),
		cmocka_unit_test(fqdn_combinations),
		cmocka_unit_test(built_helpers),
	};

	return cmocka_run_group_tests_name("setkey_msg", tests, NULL, NULL);
}
