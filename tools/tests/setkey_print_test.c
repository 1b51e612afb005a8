// SPDX-License-Identifier: GPL-2.0
/*
 * setkey_print_test.c - golden tests of everything setkey prints.
 *
 * tools/tests/golden/<name>.bin holds canned PF_KEY messages as kernels
 * send them (af_key's extension order; nfipsec's extensions where a case
 * is about them); <name>.<mode>.out is what setkey prints for them:
 *
 *   D      -D / -DP (and "setkey file"), ipsec-tools' layout
 *   Dp     the same with -p (ports)
 *   Da     -D -a (dead SAs too)
 *   l      -D -l (one line per SA)
 *   x      -x (kdebug_sadb layout), xH with -H
 *   json   --json objects of -D/-DP, jsonx --json -x
 *
 * The .bin files are made by the generators below.  To change a case,
 * edit its generator and run this program with UPDATE_GOLDEN=1, then read
 * the new .out files against ipsec-tools' layout before committing them.
 * Times are fixed (the "current" time of -D is NOW) and TZ is UTC.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "setkey_test.h"
#include "exec.h"
#include "msgbuf.h"
#include "print.h"

#define CREATED	1700000000	/* Tue Nov 14 22:13:20 2023 UTC */
#define NOW	(CREATED + 123)

/* ---- building kernel-like messages --------------------------------------- */

static void sockaddr_of(const char *text, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (void *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, text, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (void *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, text, &s4->sin_addr), 1);
	}
}

static void addr(struct msgbuf *mb, uint16_t type, const char *text, uint16_t port,
		 uint8_t proto, uint8_t prefix)
{
	struct sockaddr_storage ss;

	sockaddr_of(text, port, &ss);
	mb_address(mb, type, (struct sockaddr *)&ss, proto, prefix);
}

static void hdr(struct msgbuf *mb, uint8_t type, uint8_t satype, uint8_t err,
		uint32_t seq, uint32_t pid)
{
	struct sadb_msg *h;

	mb_init(mb, type, satype);
	h = (struct sadb_msg *)mb->buf;
	h->sadb_msg_errno = err;
	h->sadb_msg_seq = seq;
	h->sadb_msg_pid = pid;
}

static void sa(struct msgbuf *mb, uint32_t spi, uint8_t replay, uint8_t state,
	       uint8_t auth, uint8_t enc, uint32_t flags)
{
	struct sadb_sa s = {
		.sadb_sa_spi = htonl(spi), .sadb_sa_replay = replay,
		.sadb_sa_state = state, .sadb_sa_auth = auth,
		.sadb_sa_encrypt = enc, .sadb_sa_flags = flags,
	};

	mb_ext(mb, SADB_EXT_SA, &s, sizeof(s), NULL, 0);
}

static void sa2(struct msgbuf *mb, uint8_t mode, uint32_t reqid, uint32_t seq)
{
	struct sadb_x_sa2 s = {
		.sadb_x_sa2_mode = mode, .sadb_x_sa2_reqid = reqid,
		.sadb_x_sa2_sequence = seq,
	};

	mb_ext(mb, SADB_X_EXT_SA2, &s, sizeof(s), NULL, 0);
}

static void lifetime(struct msgbuf *mb, uint16_t type, uint32_t alloc,
		     uint64_t bytes, uint64_t add, uint64_t use)
{
	struct sadb_lifetime l = {
		.sadb_lifetime_allocations = alloc, .sadb_lifetime_bytes = bytes,
		.sadb_lifetime_addtime = add, .sadb_lifetime_usetime = use,
	};

	mb_ext(mb, type, &l, sizeof(l), NULL, 0);
}

static void key(struct msgbuf *mb, uint16_t type, size_t len, uint8_t seed)
{
	struct sadb_key k = { .sadb_key_bits = (uint16_t)(len * 8) };
	uint8_t data[256];
	size_t i;

	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(seed + i * 17);
	mb_ext(mb, type, &k, sizeof(k), data, len);
}

static void policy(struct msgbuf *mb, uint16_t type, uint8_t dir, uint32_t id,
		   uint32_t prio, const struct sadb_x_ipsecrequest *reqs,
		   const char *const *ends, size_t nreqs)
{
	size_t start = mb->len, i;
	struct sadb_x_policy x = {
		.sadb_x_policy_exttype = SADB_X_EXT_POLICY, .sadb_x_policy_type = type,
		.sadb_x_policy_dir = dir, .sadb_x_policy_id = id,
		.sadb_x_policy_priority = prio,
	};

	mb_raw(mb, &x, sizeof(x));
	for (i = 0; i < nreqs; i++) {
		struct sadb_x_ipsecrequest q = reqs[i];
		struct sockaddr_storage s, d;
		size_t al = 0;

		if (ends[2 * i]) {
			sockaddr_of(ends[2 * i], 4500 * !!strchr(ends[2 * i], '.'), &s);
			sockaddr_of(ends[2 * i + 1], 30000 * !!strchr(ends[2 * i], '.'), &d);
			al = 2 * sockaddr_len(s.ss_family);
		}
		q.sadb_x_ipsecrequest_len = (uint16_t)(sizeof(q) + al);
		mb_raw(mb, &q, sizeof(q));
		if (al) {
			mb_raw(mb, &s, al / 2);
			mb_raw(mb, &d, al / 2);
		}
	}
	((struct sadb_x_policy *)(mb->buf + start))->sadb_x_policy_len =
		PFK_UNITS(mb->len - start);
}

static void sec_ctx(struct msgbuf *mb, const char *s)
{
	struct sadb_x_sec_ctx c = {
		.sadb_x_ctx_alg = 1, .sadb_x_ctx_doi = 1,
		.sadb_x_ctx_len = (uint16_t)(strlen(s) + 1),
	};

	mb_ext(mb, SADB_X_EXT_SEC_CTX, &c, sizeof(c), s, strlen(s) + 1);
}

/* Append the finished message to @out. */
static void emit(struct msgbuf *mb, struct msgbuf *out)
{
	mb_finish(mb);
	mb_raw(out, mb->buf, mb->len);
	mb_free(mb);
}

/* -D of an ESP SA with every lifetime, as af_key dumps it. */
static void gen_sa_esp(struct msgbuf *out)
{
	struct msgbuf mb = { 0 };

	hdr(&mb, SADB_DUMP, SADB_SATYPE_ESP, 0, 1, 4242);
	sa(&mb, 0x10001, 32, SADB_SASTATE_MATURE, SADB_AALG_SHA1HMAC,
	   SADB_X_EALG_AESCBC, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_HARD, 0, 1000000, 3600, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_SOFT, 0, 900000, 3000, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 12, 4096, CREATED, CREATED + 100);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "10.0.11.41", 0, 255, 32);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.0.11.33", 0, 255, 32);
	key(&mb, SADB_EXT_KEY_AUTH, 20, 0x10);
	key(&mb, SADB_EXT_KEY_ENCRYPT, 16, 0xa0);
	sa2(&mb, IPSEC_MODE_TRANSPORT, 7, 0);
	emit(&mb, out);

	/* The second and last of the dump: an IPv6 AH SA, long key, seq 0. */
	hdr(&mb, SADB_DUMP, SADB_SATYPE_AH, 0, 0, 4242);
	sa(&mb, 123456, 0, SADB_SASTATE_DYING, SADB_X_AALG_SHA2_512HMAC, 0, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_HARD, 0, 0, 0, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_SOFT, 0, 0, 0, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 0, 0, CREATED, 0);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "3ffe:501:4819::1", 0, 255, 128);
	addr(&mb, SADB_EXT_ADDRESS_DST, "3ffe:501:481d::1", 0, 255, 128);
	key(&mb, SADB_EXT_KEY_AUTH, 64, 0x01);
	sa2(&mb, IPSEC_MODE_ANY, 0, 0);
	emit(&mb, out);
}

/* IPComp (the "C:" line), NAT-T with OA, and a dead SA. */
static void gen_sa_misc(struct msgbuf *out)
{
	struct msgbuf mb = { 0 };
	struct sadb_x_nat_t_type nt = { .sadb_x_nat_t_type_type = 2 };
	struct sadb_x_nat_t_port np = { .sadb_x_nat_t_port_port = htons(4500) };

	hdr(&mb, SADB_DUMP, SADB_X_SATYPE_IPCOMP, 0, 3, 77);
	sa(&mb, 0x1005, 0, SADB_SASTATE_MATURE, 0, SADB_X_CALG_DEFLATE, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 0, 0, CREATED, 0);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "10.0.0.1", 0, 255, 32);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.0.0.2", 0, 255, 32);
	sa2(&mb, IPSEC_MODE_TUNNEL, 0, 0);
	emit(&mb, out);

	hdr(&mb, SADB_DUMP, SADB_SATYPE_ESP, 0, 2, 77);
	sa(&mb, 0xc0ffee, 64, SADB_SASTATE_MATURE, SADB_AALG_NONE, SADB_EALG_NULL, 0);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "192.0.2.1", 4500, 255, 32);
	addr(&mb, SADB_EXT_ADDRESS_DST, "198.51.100.9", 4500, 255, 32);
	key(&mb, SADB_EXT_KEY_ENCRYPT, 0, 0);
	sa2(&mb, IPSEC_MODE_TUNNEL, 16385, 5);
	mb_ext(&mb, SADB_X_EXT_NAT_T_TYPE, &nt, sizeof(nt), NULL, 0);
	mb_ext(&mb, SADB_X_EXT_NAT_T_SPORT, &np, sizeof(np), NULL, 0);
	np.sadb_x_nat_t_port_port = htons(31000);
	mb_ext(&mb, SADB_X_EXT_NAT_T_DPORT, &np, sizeof(np), NULL, 0);
	addr(&mb, SADB_X_EXT_NAT_T_OA, "10.9.9.9", 0, 255, 32);
	emit(&mb, out);

	/* Dead: hidden by -D, shown by -D -a. */
	hdr(&mb, SADB_DUMP, SADB_SATYPE_ESP, 0, 0, 77);
	sa(&mb, 0xdead, 0, SADB_SASTATE_DEAD, SADB_AALG_MD5HMAC, SADB_EALG_3DESCBC, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 0, 0, CREATED, 0);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "10.0.0.1", 0, 255, 32);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.0.0.2", 0, 255, 32);
	key(&mb, SADB_EXT_KEY_AUTH, 16, 0x33);
	key(&mb, SADB_EXT_KEY_ENCRYPT, 24, 0x44);
	sa2(&mb, IPSEC_MODE_TRANSPORT, 0, 0);
	emit(&mb, out);
}

/* nfipsec's view: AEAD, a label, a large replay window with ESN, counters. */
static void gen_sa_nfipsec(struct msgbuf *out)
{
	struct msgbuf mb = { 0 };
	struct sadb_x_replay rp = { .sadb_x_replay_window = 1024,
				    .sadb_x_replay_flags = SADB_X_REPLAY_F_ESN };
	struct sadb_x_counters ct = {
		.sadb_x_counters_packets = 10, .sadb_x_counters_bytes = 14000,
		.sadb_x_counters_drop_auth = 1, .sadb_x_counters_drop_replay = 2,
		.sadb_x_counters_replay_seq = 12,
	};

	hdr(&mb, SADB_GET, SADB_SATYPE_ESP, 0, 9, 1000);
	sa(&mb, 0x2000, 255, SADB_SASTATE_MATURE, 0, SADB_X_EALG_AES_GCM_ICV16, 0x40);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 10, 14000, CREATED, CREATED + 5);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "fe80::1", 0, 255, 128);
	addr(&mb, SADB_EXT_ADDRESS_DST, "fe80::2", 0, 255, 128);
	key(&mb, SADB_EXT_KEY_ENCRYPT, 36, 0x5a);
	sa2(&mb, IPSEC_MODE_TRANSPORT, 0, 12);
	sec_ctx(&mb, "system_u:system_r:unconfined_t:SystemLow-SystemHigh");
	mb_ext(&mb, SADB_X_EXT_REPLAY, &rp, sizeof(rp), NULL, 0);
	mb_ext(&mb, SADB_X_EXT_COUNTERS, &ct, sizeof(ct), NULL, 0);
	emit(&mb, out);
}

static struct sadb_x_ipsecrequest req(uint16_t proto, uint8_t mode,
					    uint8_t level, uint32_t reqid)
{
	struct sadb_x_ipsecrequest q = {
		.sadb_x_ipsecrequest_proto = proto, .sadb_x_ipsecrequest_mode = mode,
		.sadb_x_ipsecrequest_level = level, .sadb_x_ipsecrequest_reqid = reqid,
	};

	return q;
}

/* -DP of an SPD as af_key dumps it. */
static void gen_sp(struct msgbuf *out)
{
	struct msgbuf mb = { 0 };
	struct sadb_x_ipsecrequest r[3];
	const char *ends[6] = { NULL };

	/* out, tunnel with NAT-T ports, default priority. */
	hdr(&mb, SADB_X_SPDDUMP, 0, 0, 4, 4242);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "10.0.11.41", 21, 255, 32);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.0.11.33", 0, 255, 32);
	lifetime(&mb, SADB_EXT_LIFETIME_HARD, 0, 0, 0, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_SOFT, 0, 0, 0, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 0, 0, CREATED, CREATED + 60);
	r[0] = req(IPPROTO_ESP, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_REQUIRE, 0);
	ends[0] = "192.168.0.1";
	ends[1] = "192.168.1.2";
	policy(&mb, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, 0x49, 0x80000000u, r, ends, 1);
	emit(&mb, out);

	/* in, ICMPv6 type/code, high priority, bundle with unique ids. */
	hdr(&mb, SADB_X_SPDDUMP, 0, 0, 3, 4242);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "::", 135, IPPROTO_ICMPV6, 0);
	addr(&mb, SADB_EXT_ADDRESS_DST, "fec0::", 0, IPPROTO_ICMPV6, 64);
	lifetime(&mb, SADB_EXT_LIFETIME_HARD, 0, 0, 7200, 600);
	lifetime(&mb, SADB_EXT_LIFETIME_SOFT, 0, 0, 0, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 0, 0, CREATED, 0);
	r[0] = req(IPPROTO_ESP, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_UNIQUE, 5);
	r[1] = req(IPPROTO_AH, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_UNIQUE, 20000);
	r[2] = req(IPPROTO_COMP, IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_USE, 0);
	ends[0] = NULL;
	ends[1] = NULL;
	ends[2] = "fec0::1";
	ends[3] = "fec0::2";
	ends[4] = NULL;
	ends[5] = NULL;
	policy(&mb, IPSEC_POLICY_IPSEC, IPSEC_DIR_INBOUND, 0x58, 0x40000000u - 10, r, ends, 3);
	emit(&mb, out);

	/* fwd, GRE key, low priority, discard. */
	hdr(&mb, SADB_X_SPDDUMP, 0, 0, 2, 4242);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "0.0.0.0", 0x1234, IPPROTO_GRE, 0);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.0.0.0", 0x5678, IPPROTO_GRE, 8);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 0, 0, CREATED, 0);
	policy(&mb, IPSEC_POLICY_DISCARD, IPSEC_DIR_FWD, 0x62, 0xC0000000u + 3, r, ends, 0);
	emit(&mb, out);

	/* tcp port selector, no priority (0), none, with a label. */
	hdr(&mb, SADB_X_SPDDUMP, 0, 0, 1, 4242);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "10.1.0.0", 0, IPPROTO_TCP, 16);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.2.0.0", 443, IPPROTO_TCP, 16);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 0, 0, CREATED, 0);
	policy(&mb, IPSEC_POLICY_NONE, IPSEC_DIR_OUTBOUND, 0x6a, 0, r, ends, 0);
	sec_ctx(&mb, "system_u:object_r:ipsec_spd_t:s0");
	emit(&mb, out);

	/* A per-socket policy (af_key: direction 3 + dir + 1). */
	hdr(&mb, SADB_X_SPDDUMP, 0, 0, 0, 4242);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "0.0.0.0", 0, 255, 0);
	addr(&mb, SADB_EXT_ADDRESS_DST, "0.0.0.0", 0, 255, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 0, 0, CREATED, 0);
	policy(&mb, IPSEC_POLICY_NONE, 5, 0x7c, 0, r, ends, 0);
	emit(&mb, out);
}

/* What setkey -x sees: requests, kernel messages, replies, errors. */
static void gen_x(struct msgbuf *out)
{
	struct msgbuf mb = { 0 };
	struct sadb_x_ipsecrequest r[1];
	const char *ends[2] = { "10.0.0.1", "10.0.0.2" };
	struct sadb_prop prop = { .sadb_prop_replay = 32 };
	struct sadb_comb comb[2];
	struct sadb_supported sup = { 0 };
	struct sadb_alg algs[2] = {
		{ .sadb_alg_id = SADB_AALG_SHA1HMAC, .sadb_alg_minbits = 160, .sadb_alg_maxbits = 160 },
		{ .sadb_alg_id = SADB_X_AALG_SHA2_256HMAC, .sadb_alg_minbits = 256, .sadb_alg_maxbits = 256 },
	};
	struct sadb_spirange range = { .sadb_spirange_min = 0x100, .sadb_spirange_max = 0x0fffffff };
	struct sadb_x_replay rp = { .sadb_x_replay_window = 4096 };
	struct sadb_ident id = { .sadb_ident_type = SADB_IDENTTYPE_FQDN, .sadb_ident_id = 0 };

	/* An ADD request (keys shown from their own bytes). */
	hdr(&mb, SADB_ADD, SADB_SATYPE_ESP, 0, 1, 3141);
	sa(&mb, 0x10001, 0, 0, SADB_AALG_MD5HMAC, SADB_EALG_DESCBC, 0x40);
	sa2(&mb, 0, 0, 0);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "10.0.11.41", 0, 255, 32);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.0.11.33", 0, 255, 32);
	mb_ext(&mb, SADB_EXT_KEY_AUTH, &(struct sadb_key){ .sadb_key_bits = 128 },
	       sizeof(struct sadb_key), "authentication!!", 16);
	key(&mb, SADB_EXT_KEY_ENCRYPT, 8, 0x3f);
	emit(&mb, out);

	/* The kernel's ACQUIRE for an out policy, with a proposal. */
	memset(comb, 0, sizeof(comb));
	comb[0].sadb_comb_auth = SADB_AALG_SHA1HMAC;
	comb[0].sadb_comb_encrypt = SADB_X_EALG_AESCBC;
	comb[0].sadb_comb_auth_minbits = comb[0].sadb_comb_auth_maxbits = 160;
	comb[0].sadb_comb_encrypt_minbits = 128;
	comb[0].sadb_comb_encrypt_maxbits = 256;
	comb[0].sadb_comb_hard_addtime = 86400;
	comb[0].sadb_comb_soft_addtime = 86400 - 8640;
	comb[0].sadb_comb_hard_usetime = 28800;
	comb[0].sadb_comb_soft_usetime = 28800 - 2880;
	comb[1] = comb[0];
	comb[1].sadb_comb_encrypt = SADB_EALG_3DESCBC;
	comb[1].sadb_comb_encrypt_minbits = comb[1].sadb_comb_encrypt_maxbits = 192;
	hdr(&mb, SADB_ACQUIRE, SADB_SATYPE_ESP, 0, 17, 0);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "10.0.0.1", 0, 255, 32);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.0.0.2", 0, 255, 32);
	r[0] = req(IPPROTO_ESP, IPSEC_MODE_TUNNEL, IPSEC_LEVEL_REQUIRE, 0);
	policy(&mb, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, 0x49, 0x80000000u, r, ends, 1);
	mb_ext(&mb, SADB_EXT_PROPOSAL, &prop, sizeof(prop), comb, sizeof(comb));
	mb_ext(&mb, SADB_EXT_IDENTITY_SRC, &id, sizeof(id), "gw.example.com", 15);
	emit(&mb, out);

	/* A soft EXPIRE. */
	hdr(&mb, SADB_EXPIRE, SADB_SATYPE_AH, 0, 0, 0);
	sa(&mb, 0x3000, 32, SADB_SASTATE_DYING, SADB_AALG_SHA1HMAC, 0, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_SOFT, 0, 0, 3000, 0);
	lifetime(&mb, SADB_EXT_LIFETIME_CURRENT, 5, 600, CREATED, CREATED + 2);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "fe80::1", 0, 255, 128);
	addr(&mb, SADB_EXT_ADDRESS_DST, "fe80::2", 0, 255, 128);
	sa2(&mb, IPSEC_MODE_TRANSPORT, 3, 0);
	emit(&mb, out);

	/* REGISTER reply listing algorithms. */
	hdr(&mb, SADB_REGISTER, SADB_SATYPE_AH, 0, 2, 3141);
	mb_ext(&mb, SADB_EXT_SUPPORTED_AUTH, &sup, sizeof(sup), algs, sizeof(algs));
	emit(&mb, out);

	/* GETSPI request, a refused ADD (EEXIST, nfipsec diagnostic 112). */
	hdr(&mb, SADB_GETSPI, SADB_SATYPE_ESP, 0, 3, 3141);
	sa2(&mb, IPSEC_MODE_TUNNEL, 9, 0);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "10.0.0.1", 0, 255, 32);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.0.0.2", 0, 255, 32);
	mb_ext(&mb, SADB_EXT_SPIRANGE, &range, sizeof(range), NULL, 0);
	emit(&mb, out);
	hdr(&mb, SADB_ADD, SADB_SATYPE_ESP, EEXIST, 4, 3141);
	((struct sadb_msg *)mb.buf)->sadb_msg_reserved = 112;
	emit(&mb, out);

	/* nfipsec's REPLAY, a label, an unknown extension (type 60). */
	hdr(&mb, SADB_UPDATE, SADB_SATYPE_ESP, 0, 5, 3141);
	sa(&mb, 0x4000, 255, 0, 0, SADB_EALG_NULL, 0x40);
	mb_ext(&mb, SADB_X_EXT_REPLAY, &rp, sizeof(rp), NULL, 0);
	sec_ctx(&mb, "s0");
	mb_ext(&mb, 60, &(struct sadb_ext){ 0 }, sizeof(struct sadb_ext), "\x01\x02\x03\x04", 4);
	emit(&mb, out);

	/* SPDADD as echoed to promiscuous sockets; a BSD-style X_PROMISC wrap. */
	hdr(&mb, SADB_X_SPDADD, 0, 0, 6, 3141);
	addr(&mb, SADB_EXT_ADDRESS_SRC, "10.0.0.0", 0, 255, 24);
	addr(&mb, SADB_EXT_ADDRESS_DST, "10.0.1.0", 0, 255, 24);
	policy(&mb, IPSEC_POLICY_IPSEC, IPSEC_DIR_INBOUND, 0, 0x80000000u - 10, r, ends, 1);
	emit(&mb, out);
	hdr(&mb, SADB_X_PROMISC, 1, 0, 7, 3141);
	{
		struct sadb_msg inner = {
			.sadb_msg_version = PF_KEY_V2, .sadb_msg_type = SADB_FLUSH,
			.sadb_msg_satype = SADB_SATYPE_UNSPEC, .sadb_msg_len = 2,
			.sadb_msg_seq = 8, .sadb_msg_pid = 3141,
		};

		mb_raw(&mb, &inner, sizeof(inner));
	}
	emit(&mb, out);
}

/* ---- running the cases --------------------------------------------------- */

struct golden {
	const char *name;
	void (*gen)(struct msgbuf *out);
	const char *modes;	/* space-separated list of modes to check */
};

static const struct golden cases[] = {
	{ "sa_esp_ah", gen_sa_esp, "D Dp l json x" },
	{ "sa_ipcomp_natt_dead", gen_sa_misc, "D Da Dp json" },
	{ "sa_nfipsec", gen_sa_nfipsec, "D json x jsonx" },
	{ "sp_dump", gen_sp, "D Dp json x" },
	{ "x_messages", gen_x, "x xH jsonx D" },
};

static char *path_of(const char *name, const char *suffix)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s%s", GOLDEN_DIR, name, suffix);
	return path;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void spit(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* Render every message of @bin in @mode. */
static char *render(const char *mode, const uint8_t *bin, size_t len, size_t *olen)
{
	struct exec_ctx x;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, olen);
	size_t off = 0;

	memset(&x, 0, sizeof(x));
	x.out = f;
	x.err = f;
	x.po.now = NOW;
	x.po.withports = !strcmp(mode, "Dp");
	x.all = !strcmp(mode, "Da");
	x.json = !strcmp(mode, "json");
	while (off + sizeof(struct sadb_msg) <= len) {
		const struct sadb_msg *h = (const void *)(bin + off);
		size_t mlen = (size_t)h->sadb_msg_len * 8;
		struct pfk_msg m;
		char e[128];

		assert_true(mlen >= sizeof(*h) && mlen <= len - off);
		if (!strcmp(mode, "x") || !strcmp(mode, "xH")) {
			fprintf(f, "%02d:%02d:%02d.%06u \n", 22, 15, 23, 42);
			if (!strcmp(mode, "xH"))
				print_hexdump(f, h, mlen);
			print_debug(f, h, mlen);
			fputc('\n', f);
		} else if (!strcmp(mode, "jsonx")) {
			json_msg(f, h, mlen, NOW + 0.5);
		} else if (!strcmp(mode, "l")) {
			assert_int_equal(pfk_split(h, mlen, &m, e, sizeof(e)), 0);
			if (off == 0)
				print_sa_short_header(f);
			print_sa_short(f, &m, NOW);
		} else {
			exec_show(&x, h, mlen);
		}
		off += mlen;
	}
	fclose(f);
	return buf;
}

static void check_golden(void **state)
{
	const struct golden *g = *state;
	bool update = getenv("UPDATE_GOLDEN") != NULL;
	struct msgbuf mb = { 0 };
	char modes[64], *mode, *save;
	uint8_t *bin;
	size_t len;

	/* The canned messages are what the generator makes: keep them in step. */
	g->gen(&mb);
	if (update) {
		spit(path_of(g->name, ".bin"), mb.buf, mb.len);
	} else {
		bin = (uint8_t *)slurp(path_of(g->name, ".bin"), &len);
		if (!bin)
			fail_msg("%s missing (run with UPDATE_GOLDEN=1)", path_of(g->name, ".bin"));
		assert_int_equal(len, mb.len);
		assert_memory_equal(bin, mb.buf, len);
		free(bin);
	}
	bin = mb.buf;
	len = mb.len;

	snprintf(modes, sizeof(modes), "%s", g->modes);
	for (mode = strtok_r(modes, " ", &save); mode; mode = strtok_r(NULL, " ", &save)) {
		char suffix[32], *want, *got;
		size_t wlen, glen;

		snprintf(suffix, sizeof(suffix), ".%s.out", mode);
		got = render(mode, bin, len, &glen);
		if (update) {
			spit(path_of(g->name, suffix), got, glen);
		} else {
			want = slurp(path_of(g->name, suffix), &wlen);
			if (!want)
				fail_msg("%s missing", path_of(g->name, suffix));
			if (strcmp(want, got)) {
				fprintf(stderr, "--- %s%s: got\n%s--- end\n", g->name, suffix, got);
				fail_msg("%s%s differs from the golden file", g->name, suffix);
			}
			free(want);
		}
		free(got);
	}
	mb_free(&mb);
}

/* "setkey FILE" prints saved messages exactly as -D / -DP would. */
static void file_argument(void **state)
{
	char cmd[600], *want, *got;
	size_t wlen, glen;
	FILE *p;

	(void)state;
	/* SP dumps print no "current" time, so the binary's output is fixed. */
	snprintf(cmd, sizeof(cmd), "TZ=UTC %s %s", SETKEY_BIN, path_of("sp_dump", ".bin"));
	p = popen(cmd, "r");
	assert_non_null(p);
	got = malloc(1 << 16);
	assert_non_null(got);
	glen = fread(got, 1, (1 << 16) - 1, p);
	got[glen] = '\0';
	assert_int_equal(pclose(p), 0);
	want = slurp(path_of("sp_dump", ".D.out"), &wlen);
	assert_non_null(want);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 1];
	size_t i;

	setenv("TZ", "UTC", 1);
	tzset();
	mkdir(GOLDEN_DIR, 0755);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(check_golden,
									(void *)&cases[i]);
		tests[i].name = cases[i].name;
	}
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(file_argument);
	return _cmocka_run_group_tests("setkey_print", tests, i, NULL, NULL);
}
