// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_sadb.c - selftest of nfipsec's key engine through PF_KEY:
 * every SA message with nfipsec's semantics (where they differ from
 * af_key, the conformance test pfkey_conform.c documents it), algorithm
 * and key checks, larval SAs and GETSPI ranges, lifetimes and EXPIRE,
 * dumps that never truncate, nfipsec's extensions, and namespaces.
 *
 *   pfkey_sadb                 the functional suite, TAP (PFKEY_SADB_BIG:
 *                              SAs in the big dump, default 20000)
 *   pfkey_sadb --fill N        add N SAs (ESP, null), for unload tests
 *   pfkey_sadb --count         print how many SAs SADB_DUMP returns
 *   pfkey_sadb --churn ID N    add/get/delete N SAs of range ID, exit 0 if
 *                              every reply was as expected
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "tap.h"
#include "pfkey_util.h"
#include "pfkey_build.h"

/* The kernel keeps a DEAD SA listed for 5 s (NFIPSEC_DEAD_LINGER). */
#define NFIPSEC_DEAD_LINGER_TEST 6

static uint32_t seqno = 100;
static char rbuf[PFK_BUF];
static struct pr last;

/* Send @b on @fd and wait for the reply of that type and seq. */
static int xchg(int fd, struct pb *b)
{
	const struct sadb_msg *h = pb_hdr(b);
	ssize_t n;

	if (send(fd, b->buf, b->len, 0) != (ssize_t)b->len)
		return -errno;
	n = pfk_recv_reply(fd, rbuf, sizeof(rbuf), h->sadb_msg_type,
			   h->sadb_msg_seq, 3000);
	if (n <= 0 || pr_parse(&last, rbuf, n))
		return -ETIMEDOUT;
	return last.hdr->sadb_msg_errno;
}

/* errno of the reply, and its diagnostic through @diag. */
static int xchg_diag(int fd, struct pb *b, unsigned int *diag)
{
	int e = xchg(fd, b);

	*diag = e >= 0 ? last.hdr->sadb_x_msg_diagnostic : 0;
	return e;
}

static void esp_add(struct pb *b, uint8_t type, uint32_t spi, const char *src,
		    const char *dst, uint8_t ealg, uint16_t ebits, uint8_t aalg,
		    uint16_t abits)
{
	pb_init(b, type, SADB_SATYPE_ESP, ++seqno);
	pb_sa(b, spi, aalg, ealg, 32, 0);
	pb_addr(b, SADB_EXT_ADDRESS_SRC, src, strchr(src, ':') ? 128 : 32, 0, 0);
	pb_addr(b, SADB_EXT_ADDRESS_DST, dst, strchr(dst, ':') ? 128 : 32, 0, 0);
	if (ebits)
		pb_key(b, SADB_EXT_KEY_ENCRYPT, ebits, 0x40);
	if (aalg)
		pb_key(b, SADB_EXT_KEY_AUTH, abits, 0x80);
}

static void sa_ref(struct pb *b, uint8_t type, uint8_t satype, uint32_t spi,
		   const char *src, const char *dst)
{
	pb_init(b, type, satype, ++seqno);
	pb_sa(b, spi, 0, 0, 0, 0);
	pb_addr(b, SADB_EXT_ADDRESS_SRC, src, strchr(src, ':') ? 128 : 32, 0, 0);
	pb_addr(b, SADB_EXT_ADDRESS_DST, dst, strchr(dst, ':') ? 128 : 32, 0, 0);
}

static int get_sa(int fd, uint8_t satype, uint32_t spi, const char *src,
		  const char *dst)
{
	struct pb b;

	sa_ref(&b, SADB_GET, satype, spi, src, dst);
	return xchg(fd, &b);
}

/* Run a dump of @satype on @fd; returns the number of SAs, -errno. */
static long dump_count(int fd, uint8_t satype, int *bad_seq, int *states)
{
	struct sadb_msg h;
	long count = 0;

	pfk_hdr(&h, SADB_DUMP, satype, ++seqno);
	if (send(fd, &h, sizeof(h), 0) != sizeof(h))
		return -errno;
	for (;;) {
		ssize_t n = pfk_recv(fd, rbuf, sizeof(rbuf), 5000);
		const struct sadb_msg *r = (const void *)rbuf;

		if (n <= 0)
			return -ETIMEDOUT;
		if (r->sadb_msg_type != SADB_DUMP || r->sadb_msg_pid != (uint32_t)getpid())
			continue;
		if (r->sadb_msg_errno)
			return count ? -EPROTO : -(long)r->sadb_msg_errno;
		count++;
		if (states && !pr_parse(&last, rbuf, n) && last.ext[SADB_EXT_SA])
			states[((const struct sadb_sa *)last.ext[SADB_EXT_SA])->sadb_sa_state & 3]++;
		if (r->sadb_msg_seq == 0)
			return count;
		if (bad_seq && r->sadb_msg_seq != (uint32_t)count)
			(*bad_seq)++;
	}
}

static void flush(int fd, uint8_t satype)
{
	struct pb b;

	pb_init(&b, SADB_FLUSH, satype, ++seqno);
	xchg(fd, &b);
	pfk_drain(fd);
}

/* ---------------------------------------------------------------------- */

static void test_add_get(int fd)
{
	struct pb b, sent;
	int obs = pfk_open(), e;
	const struct sadb_key *k;
	const struct sadb_sa *sa;
	const struct sadb_x_sa2 *sa2;
	ssize_t n;

	flush(fd, 0);
	pfk_drain(obs);
	esp_add(&b, SADB_ADD, 0x1001, "10.1.0.1", "10.1.0.2",
		SADB_X_EALG_AESCBC, 128, SADB_X_AALG_SHA2_256HMAC, 256);
	pb_sa2(&b, IPSEC_MODE_TUNNEL, 77);
	pb_lifetime(&b, SADB_EXT_LIFETIME_HARD, 0, 1000000, 3600, 0);
	pb_lifetime(&b, SADB_EXT_LIFETIME_SOFT, 0, 800000, 3000, 0);
	sent = b;
	e = xchg(fd, &b);
	tap_ok(e == 0, "ADD esp aes-cbc/hmac-sha256: accepted (errno %d)", e);
	tap_ok(!last.ext[SADB_EXT_KEY_ENCRYPT] && !last.ext[SADB_EXT_KEY_AUTH],
	       "ADD notice carries no keys (RFC 2367 3.1.3)");
	n = pfk_recv_reply(obs, rbuf, sizeof(rbuf), SADB_ADD, seqno, 2000);
	tap_ok(n > 0, "another socket hears of the ADD");

	e = get_sa(fd, SADB_SATYPE_ESP, 0x1001, "10.1.0.1", "10.1.0.2");
	tap_ok(e == 0, "GET finds it");
	sa = last.ext[SADB_EXT_SA];
	sa2 = last.ext[SADB_X_EXT_SA2];
	tap_ok(sa && ntohl(sa->sadb_sa_spi) == 0x1001 &&
	       sa->sadb_sa_state == SADB_SASTATE_MATURE &&
	       sa->sadb_sa_encrypt == SADB_X_EALG_AESCBC &&
	       sa->sadb_sa_auth == SADB_X_AALG_SHA2_256HMAC && sa->sadb_sa_replay == 32,
	       "GET: SA extension as added");
	tap_ok(sa2 && sa2->sadb_x_sa2_mode == IPSEC_MODE_TUNNEL &&
	       sa2->sadb_x_sa2_reqid == 77, "GET: mode tunnel, reqid 77");
	k = last.ext[SADB_EXT_KEY_ENCRYPT];
	{
		struct pr s;

		pr_parse(&s, sent.buf, sent.len);
		tap_ok(k && !memcmp(k, s.ext[SADB_EXT_KEY_ENCRYPT], pr_ext_bytes(k)) &&
		       last.ext[SADB_EXT_KEY_AUTH] &&
		       !memcmp(last.ext[SADB_EXT_KEY_AUTH], s.ext[SADB_EXT_KEY_AUTH],
			       pr_ext_bytes(s.ext[SADB_EXT_KEY_AUTH])),
		       "GET: both keys returned byte for byte");
		tap_ok(last.ext[SADB_EXT_ADDRESS_SRC] &&
		       !memcmp(last.ext[SADB_EXT_ADDRESS_SRC], s.ext[SADB_EXT_ADDRESS_SRC],
			       pr_ext_bytes(s.ext[SADB_EXT_ADDRESS_SRC])) &&
		       !memcmp(last.ext[SADB_EXT_LIFETIME_HARD], s.ext[SADB_EXT_LIFETIME_HARD], 32) &&
		       !memcmp(last.ext[SADB_EXT_LIFETIME_SOFT], s.ext[SADB_EXT_LIFETIME_SOFT], 32),
		       "GET: addresses and hard/soft lifetimes returned exactly");
	}
	tap_ok(last.ext[SADB_EXT_LIFETIME_CURRENT] &&
	       ((const struct sadb_lifetime *)last.ext[SADB_EXT_LIFETIME_CURRENT])
			       ->sadb_lifetime_addtime > 1600000000,
	       "GET: current lifetime has the add time");
	tap_ok(!last.ext[SADB_X_EXT_REPLAY] && !last.ext[SADB_X_EXT_COUNTERS],
	       "GET: no nfipsec extensions for a plain socket");

	b = sent;
	pb_hdr(&b)->sadb_msg_seq = ++seqno;
	e = xchg(fd, &b);
	tap_ok(e == EEXIST, "ADD of the same (dst, SPI, proto) again: EEXIST (%d)", e);
	close(obs);
}

struct alg_case {
	const char *name;
	uint8_t satype, ealg, aalg;
	uint16_t ebits, abits;
	int err;
	unsigned int diag;
};

static const struct alg_case alg_cases[] = {
	{ "esp 3des-cbc/hmac-sha1", SADB_SATYPE_ESP, SADB_EALG_3DESCBC, SADB_AALG_SHA1HMAC, 192, 160, 0, 0 },
	{ "esp aes-gcm-16 (RFC 4106)", SADB_SATYPE_ESP, SADB_X_EALG_AES_GCM_ICV16, 0, 288, 0, 0, 0 },
	{ "esp aes-gcm-8", SADB_SATYPE_ESP, SADB_X_EALG_AES_GCM_ICV8, 0, 160, 0, 0, 0 },
	{ "esp aes-ccm-12", SADB_SATYPE_ESP, SADB_X_EALG_AES_CCM_ICV12, 0, 216, 0, 0, 0 },
	{ "esp null-aes-gmac", SADB_SATYPE_ESP, SADB_X_EALG_NULL_AES_GMAC, 0, 224, 0, 0, 0 },
	{ "esp chacha20-poly1305 (28)", SADB_SATYPE_ESP, SADB_X_EALG_CHACHA20_POLY1305, 0, 288, 0, 0, 0 },
	{ "esp aes-ctr/aes-xcbc", SADB_SATYPE_ESP, SADB_X_EALG_AESCTR, SADB_X_AALG_AES_XCBC_MAC, 160, 128, 0, 0 },
	{ "esp aes-cbc/aes-cmac (250)", SADB_SATYPE_ESP, SADB_X_EALG_AESCBC, SADB_X_AALG_AES_CMAC, 256, 128, 0, 0 },
	{ "esp null/hmac-sha512", SADB_SATYPE_ESP, SADB_EALG_NULL, SADB_X_AALG_SHA2_512HMAC, 0, 512, 0, 0 },
	{ "esp twofish/hmac-ripemd160", SADB_SATYPE_ESP, SADB_X_EALG_TWOFISHCBC, SADB_X_AALG_RIPEMD160HMAC, 256, 160, 0, 0 },
	{ "ah hmac-sha384", SADB_SATYPE_AH, 0, SADB_X_AALG_SHA2_384HMAC, 0, 384, 0, 0 },
	{ "ah hmac-md5", SADB_SATYPE_AH, 0, SADB_AALG_MD5HMAC, 0, 128, 0, 0 },
	{ "esp aes-cbc with a 100-bit key", SADB_SATYPE_ESP, SADB_X_EALG_AESCBC, 0, 100, 0, EINVAL, SADB_X_DIAGNOSTIC_BAD_EKEYBITS },
	{ "esp hmac-sha1 with a 128-bit key", SADB_SATYPE_ESP, SADB_X_EALG_AESCBC, SADB_AALG_SHA1HMAC, 128, 128, EINVAL, SADB_X_DIAGNOSTIC_BAD_AKEYBITS },
	{ "esp unknown cipher 99", SADB_SATYPE_ESP, 99, 0, 128, 0, EINVAL, SADB_X_DIAGNOSTIC_BAD_EALG },
	{ "esp unknown auth 99", SADB_SATYPE_ESP, SADB_X_EALG_AESCBC, 99, 128, 128, EINVAL, SADB_X_DIAGNOSTIC_BAD_AALG },
	{ "esp aes-gcm with an auth algorithm", SADB_SATYPE_ESP, SADB_X_EALG_AES_GCM_ICV16, SADB_AALG_SHA1HMAC, 288, 160, EINVAL, SADB_X_DIAGNOSTIC_BAD_AALG },
	{ "esp without a cipher", SADB_SATYPE_ESP, 0, SADB_AALG_SHA1HMAC, 0, 160, EINVAL, SADB_X_DIAGNOSTIC_BAD_EALG },
	{ "esp aes-cbc without its key", SADB_SATYPE_ESP, SADB_X_EALG_AESCBC, 0, 0, 0, EINVAL, SADB_X_DIAGNOSTIC_MISSING_EKEY },
	{ "ah with an encryption key", SADB_SATYPE_AH, SADB_X_EALG_AESCBC, SADB_AALG_SHA1HMAC, 128, 160, EINVAL, SADB_X_DIAGNOSTIC_EKEY_PRESENT },
	{ "ah without an algorithm", SADB_SATYPE_AH, 0, 0, 0, 0, EINVAL, SADB_X_DIAGNOSTIC_BAD_AALG },
};

static void test_algorithms(int fd)
{
	unsigned int i, diag;
	struct pb b;
	int e;

	flush(fd, 0);
	for (i = 0; i < sizeof(alg_cases) / sizeof(alg_cases[0]); i++) {
		const struct alg_case *c = &alg_cases[i];

		pb_init(&b, SADB_ADD, c->satype, ++seqno);
		pb_sa(&b, 0x2000 + i, c->aalg, c->ealg, 0, 0);
		pb_addr(&b, SADB_EXT_ADDRESS_SRC, "fd00::1", 128, 0, 0);
		pb_addr(&b, SADB_EXT_ADDRESS_DST, "fd00::2", 128, 0, 0);
		if (c->ebits)
			pb_key(&b, SADB_EXT_KEY_ENCRYPT, c->ebits, 1);
		if (c->abits)
			pb_key(&b, SADB_EXT_KEY_AUTH, c->abits, 2);
		e = xchg_diag(fd, &b, &diag);
		tap_ok(e == c->err && (!c->err || diag == c->diag),
		       "ADD %s: errno %d diag %u (got %d, %u)", c->name, c->err,
		       c->diag, e, diag);
	}
	/* IPcomp: no keys, CPI below 65536 with -R. */
	pb_init(&b, SADB_ADD, SADB_X_SATYPE_IPCOMP, ++seqno);
	pb_sa(&b, 0x4000, 0, SADB_X_CALG_DEFLATE, 0, SADB_X_EXT_RAWCPI);
	pb_addr(&b, SADB_EXT_ADDRESS_SRC, "10.9.0.1", 32, 0, 0);
	pb_addr(&b, SADB_EXT_ADDRESS_DST, "10.9.0.2", 32, 0, 0);
	e = xchg(fd, &b);
	tap_ok(e == 0, "ADD ipcomp deflate with a raw CPI (errno %d)", e);
	pb_init(&b, SADB_ADD, SADB_X_SATYPE_IPCOMP, ++seqno);
	pb_sa(&b, 0x14000, 0, SADB_X_CALG_DEFLATE, 0, SADB_X_EXT_RAWCPI);
	pb_addr(&b, SADB_EXT_ADDRESS_SRC, "10.9.0.1", 32, 0, 0);
	pb_addr(&b, SADB_EXT_ADDRESS_DST, "10.9.0.2", 32, 0, 0);
	e = xchg_diag(fd, &b, &diag);
	tap_ok(e == EINVAL && diag == SADB_X_DIAGNOSTIC_BAD_SPI,
	       "ADD ipcomp with a raw CPI above 16 bits: EINVAL BAD_SPI");
	esp_add(&b, SADB_ADD, 200, "10.9.0.1", "10.9.0.2", SADB_EALG_NULL, 0, 0, 0);
	e = xchg_diag(fd, &b, &diag);
	tap_ok(e == EINVAL && diag == SADB_X_DIAGNOSTIC_BAD_SPI,
	       "ADD esp with SPI 200 (reserved 1..255): EINVAL BAD_SPI");
	esp_add(&b, SADB_ADD, 0x4001, "10.9.0.1", "10.9.0.2", SADB_EALG_NULL, 0, 0, 0);
	pb_sa2(&b, 3, 0);
	e = xchg_diag(fd, &b, &diag);
	tap_ok(e == EINVAL && diag == SADB_X_DIAGNOSTIC_BAD_MODE,
	       "ADD with BEET mode: EINVAL BAD_MODE");
}

static void test_register(void)
{
	int r = pfk_open(), e, has_gcm = 0, has_chacha = 0, has_auth = 0;
	const struct sadb_supported *s;
	struct sadb_msg h;
	size_t i, n;

	pfk_hdr(&h, SADB_REGISTER, SADB_SATYPE_ESP, ++seqno);
	send(r, &h, sizeof(h), 0);
	n = pfk_recv_reply(r, rbuf, sizeof(rbuf), SADB_REGISTER, seqno, 5000);
	tap_ok(n > 0 && !pr_parse(&last, rbuf, n) && !last.hdr->sadb_msg_errno,
	       "REGISTER esp: answered");
	s = last.ext[SADB_EXT_SUPPORTED_ENCRYPT];
	for (i = 0; s && i < (pr_ext_bytes(s) - 8) / 8; i++) {
		const struct sadb_alg *a = (const struct sadb_alg *)(s + 1) + i;

		has_gcm |= a->sadb_alg_id == SADB_X_EALG_AES_GCM_ICV16 &&
			   a->sadb_alg_minbits == 160 && a->sadb_alg_maxbits == 288;
		has_chacha |= a->sadb_alg_id == SADB_X_EALG_CHACHA20_POLY1305;
	}
	has_auth = last.ext[SADB_EXT_SUPPORTED_AUTH] != NULL;
	tap_ok(has_gcm && has_chacha && has_auth,
	       "REGISTER esp: lists aes-gcm-16 (160-288 bits), chacha20-poly1305 and auth algorithms");
	send(r, &h, sizeof(h), 0);
	n = pfk_recv_reply(r, rbuf, sizeof(rbuf), SADB_REGISTER, seqno, 2000);
	e = n > 0 ? ((struct sadb_msg *)rbuf)->sadb_msg_errno : -1;
	tap_ok(e == EEXIST, "REGISTER esp twice: EEXIST (%d)", e);
	pfk_hdr(&h, SADB_REGISTER, SADB_SATYPE_AH, ++seqno);
	send(r, &h, sizeof(h), 0);
	n = pfk_recv_reply(r, rbuf, sizeof(rbuf), SADB_REGISTER, seqno, 5000);
	tap_ok(n > 0 && !pr_parse(&last, rbuf, n) && last.ext[SADB_EXT_SUPPORTED_AUTH] &&
	       !last.ext[SADB_EXT_SUPPORTED_ENCRYPT], "REGISTER ah: integrity algorithms only");
	close(r);
}

static void test_getspi_update(int fd)
{
	struct pb b;
	uint32_t spi;
	unsigned int diag;
	int e, states[4] = { 0 };

	flush(fd, 0);
	pb_init(&b, SADB_GETSPI, SADB_SATYPE_ESP, ++seqno);
	pb_addr(&b, SADB_EXT_ADDRESS_SRC, "10.2.0.1", 32, 0, 0);
	pb_addr(&b, SADB_EXT_ADDRESS_DST, "10.2.0.2", 32, 0, 0);
	pb_sa2(&b, IPSEC_MODE_TRANSPORT, 5);
	pb_spirange(&b, 0x5000, 0x5fff);
	e = xchg(fd, &b);
	spi = last.ext[SADB_EXT_SA] ?
	      ntohl(((const struct sadb_sa *)last.ext[SADB_EXT_SA])->sadb_sa_spi) : 0;
	tap_ok(e == 0 && spi >= 0x5000 && spi <= 0x5fff,
	       "GETSPI in [0x5000, 0x5fff]: got 0x%x", spi);
	tap_ok(last.ext[SADB_EXT_SA] &&
	       ((const struct sadb_sa *)last.ext[SADB_EXT_SA])->sadb_sa_state == SADB_SASTATE_LARVAL,
	       "GETSPI: the SA is larval");
	tap_ok(dump_count(fd, SADB_SATYPE_ESP, NULL, states) == 1 && states[SADB_SASTATE_LARVAL] == 1,
	       "DUMP shows the larval SA");

	pb_init(&b, SADB_GETSPI, SADB_SATYPE_ESP, ++seqno);
	pb_addr(&b, SADB_EXT_ADDRESS_SRC, "10.2.0.9", 32, 0, 0);
	pb_addr(&b, SADB_EXT_ADDRESS_DST, "10.2.0.2", 32, 0, 0);
	pb_spirange(&b, spi, spi);
	e = xchg(fd, &b);
	tap_ok(e == EAGAIN, "GETSPI for a range whose only SPI is taken: EAGAIN (%d)", e);
	pb_init(&b, SADB_GETSPI, SADB_SATYPE_ESP, ++seqno);
	pb_addr(&b, SADB_EXT_ADDRESS_SRC, "10.2.0.9", 32, 0, 0);
	pb_addr(&b, SADB_EXT_ADDRESS_DST, "10.2.0.2", 32, 0, 0);
	pb_spirange(&b, 0x6000, 0x5000);
	e = xchg_diag(fd, &b, &diag);
	tap_ok(e == EINVAL && diag == SADB_X_DIAGNOSTIC_MALFORMED_RANGE,
	       "GETSPI with min > max: EINVAL MALFORMED_RANGE");
	tap_ok(dump_count(fd, SADB_SATYPE_ESP, NULL, NULL) == 1,
	       "failed GETSPIs left nothing behind");

	esp_add(&b, SADB_UPDATE, spi, "10.2.0.1", "10.2.0.2", SADB_X_EALG_AESCBC,
		256, SADB_AALG_SHA1HMAC, 160);
	pb_sa2(&b, IPSEC_MODE_TRANSPORT, 5);
	e = xchg(fd, &b);
	tap_ok(e == 0 && last.hdr->sadb_msg_type == SADB_UPDATE,
	       "UPDATE completes the larval SA (errno %d)", e);
	e = get_sa(fd, SADB_SATYPE_ESP, spi, "10.2.0.1", "10.2.0.2");
	tap_ok(e == 0 && ((const struct sadb_sa *)last.ext[SADB_EXT_SA])->sadb_sa_state ==
			SADB_SASTATE_MATURE && last.ext[SADB_EXT_KEY_ENCRYPT],
	       "after UPDATE the SA is mature with its keys");

	/* UPDATE of a live SA changes its lifetimes only. */
	esp_add(&b, SADB_UPDATE, spi, "10.2.0.1", "10.2.0.2", SADB_X_EALG_AESCBC,
		256, SADB_AALG_SHA1HMAC, 160);
	pb_lifetime(&b, SADB_EXT_LIFETIME_HARD, 0, 0, 7200, 0);
	e = xchg(fd, &b);
	get_sa(fd, SADB_SATYPE_ESP, spi, "10.2.0.1", "10.2.0.2");
	tap_ok(e == 0 && last.ext[SADB_EXT_LIFETIME_HARD] &&
	       ((const struct sadb_lifetime *)last.ext[SADB_EXT_LIFETIME_HARD])->sadb_lifetime_addtime == 7200,
	       "UPDATE of a mature SA sets its hard lifetime");
	esp_add(&b, SADB_UPDATE, 0x7777, "10.2.0.1", "10.2.0.2", SADB_X_EALG_AESCBC,
		256, 0, 0);
	e = xchg(fd, &b);
	tap_ok(e == ESRCH, "UPDATE of an unknown SPI: ESRCH (%d)", e);
}

static void test_delete_flush(int fd)
{
	struct pb b;
	int e;

	flush(fd, 0);
	esp_add(&b, SADB_ADD, 0x3001, "10.3.0.1", "10.3.0.2", SADB_EALG_NULL, 0,
		SADB_AALG_SHA1HMAC, 160);
	xchg(fd, &b);
	pb_init(&b, SADB_ADD, SADB_SATYPE_AH, ++seqno);
	pb_sa(&b, 0x3002, SADB_AALG_SHA1HMAC, 0, 0, 0);
	pb_addr(&b, SADB_EXT_ADDRESS_SRC, "10.3.0.1", 32, 0, 0);
	pb_addr(&b, SADB_EXT_ADDRESS_DST, "10.3.0.2", 32, 0, 0);
	pb_key(&b, SADB_EXT_KEY_AUTH, 160, 9);
	xchg(fd, &b);

	sa_ref(&b, SADB_DELETE, SADB_SATYPE_ESP, 0x3001, "10.3.0.1", "10.3.0.2");
	e = xchg(fd, &b);
	tap_ok(e == 0 && !last.ext[SADB_EXT_KEY_AUTH], "DELETE: done, notice without keys");
	tap_ok(get_sa(fd, SADB_SATYPE_ESP, 0x3001, "10.3.0.1", "10.3.0.2") == ESRCH,
	       "GET after DELETE: ESRCH");
	sa_ref(&b, SADB_DELETE, SADB_SATYPE_ESP, 0x3001, "10.3.0.1", "10.3.0.2");
	tap_ok(xchg(fd, &b) == ESRCH, "DELETE again: ESRCH");
	esp_add(&b, SADB_ADD, 0x3001, "10.3.0.1", "10.3.0.2", SADB_EALG_NULL, 0, 0, 0);
	xchg(fd, &b);
	flush(fd, SADB_SATYPE_ESP);
	tap_ok(dump_count(fd, SADB_SATYPE_ESP, NULL, NULL) == -ENOENT &&
	       dump_count(fd, SADB_SATYPE_AH, NULL, NULL) == 1,
	       "FLUSH esp leaves the AH SA; an empty DUMP answers ENOENT");
	flush(fd, 0);
	tap_ok(dump_count(fd, 0, NULL, NULL) == -ENOENT, "FLUSH of every type empties the SADB");
}

static int add_many(int fd, unsigned int n, uint32_t base, int wait)
{
	unsigned int i, bad = 0;
	struct pb b;

	for (i = 0; i < n; i++) {
		char dst[32];

		snprintf(dst, sizeof(dst), "10.%u.%u.%u", 100 + (i >> 16), (i >> 8) & 255, i & 255);
		esp_add(&b, SADB_ADD, base + i, "10.99.0.1", dst, SADB_EALG_NULL, 0, 0, 0);
		if (wait) {
			bad += xchg(fd, &b) != 0;
		} else if (send(fd, b.buf, b.len, 0) != (ssize_t)b.len) {
			bad++;
		}
		if (!wait && i % 64 == 63)
			pfk_drain(fd);
	}
	pfk_drain(fd);
	return bad;
}

static void test_big_dump(int fd)
{
	int small = pfk_open(), bad_seq = 0, rcvbuf = 8192;
	const char *big = getenv("PFKEY_SADB_BIG");
	unsigned int n = big ? strtoul(big, NULL, 10) : 20000;
	long got;

	if (n < 1000)	/* the dump must span many 8 KiB buffers */
		n = 1000;

	flush(fd, 0);
	tap_ok(add_many(fd, n, 0x100000, 0) == 0, "%u SAs added", n);
	setsockopt(small, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	got = dump_count(small, 0, &bad_seq, NULL);
	tap_ok(got == n, "DUMP through an 8 KiB receive buffer returns all %u (got %ld)", n, got);
	tap_ok(bad_seq == 0, "dump messages numbered 1, 2, ... and the last 0");
	/* A reader that stops: close with a dump pending costs nothing. */
	{
		struct sadb_msg h;
		int quit = pfk_open();

		pfk_hdr(&h, SADB_DUMP, 0, ++seqno);
		send(quit, &h, sizeof(h), 0);
		close(quit);
		tap_ok(dump_count(fd, 0, NULL, NULL) == n,
		       "a dump abandoned by closing its socket disturbs nothing");
	}
	flush(fd, 0);
	close(small);
}

static void test_ext(int fd)
{
	int x = pfk_open(), e;
	const struct sadb_x_replay *r;
	struct sadb_msg h;
	struct pb b;

	flush(fd, 0);
	pfk_hdr(&h, SADB_X_NFIPSEC_OPTIONS, SADB_X_NFIPSEC_OPT_EXT, ++seqno);
	send(x, &h, sizeof(h), 0);
	pfk_drain(x);
	esp_add(&b, SADB_ADD, 0x8001, "10.4.0.1", "10.4.0.2", SADB_X_EALG_AES_GCM_ICV16,
		288, 0, 0);
	pb_replay(&b, 4096, SADB_X_REPLAY_F_ESN);
	e = xchg(fd, &b);
	tap_ok(e == 0, "ADD with SADB_X_EXT_REPLAY window 4096 + ESN");
	e = get_sa(x, SADB_SATYPE_ESP, 0x8001, "10.4.0.1", "10.4.0.2");
	r = last.ext[SADB_X_EXT_REPLAY];
	tap_ok(e == 0 && r && r->sadb_x_replay_window == 4096 &&
	       r->sadb_x_replay_flags == SADB_X_REPLAY_F_ESN && last.ext[SADB_X_EXT_COUNTERS] &&
	       ((const struct sadb_sa *)last.ext[SADB_EXT_SA])->sadb_sa_replay == 255,
	       "GET on an opted-in socket: window 4096, ESN, counters; sadb_sa_replay 255");
	esp_add(&b, SADB_ADD, 0x8002, "10.4.0.1", "10.4.0.2", SADB_EALG_NULL, 0, 0, 0);
	pb_replay(&b, NFIPSEC_REPLAY_MAX + 1, 0);
	tap_ok(xchg(fd, &b) == EINVAL, "a window above NFIPSEC_REPLAY_MAX: EINVAL");
	close(x);
}

static void test_lifetimes(int fd)
{
	int reg = pfk_open(), soft = 0, hard = 0, states[4] = { 0 }, e;
	long n;
	struct sadb_msg h;
	struct pb b;
	time_t end;

	flush(fd, 0);
	pfk_hdr(&h, SADB_REGISTER, SADB_SATYPE_ESP, ++seqno);
	send(reg, &h, sizeof(h), 0);
	pfk_drain(reg);
	esp_add(&b, SADB_ADD, 0x9001, "10.5.0.1", "10.5.0.2", SADB_EALG_NULL, 0, 0, 0);
	pb_lifetime(&b, SADB_EXT_LIFETIME_HARD, 0, 0, 3, 0);
	pb_lifetime(&b, SADB_EXT_LIFETIME_SOFT, 0, 0, 1, 0);
	xchg(fd, &b);
	end = time(NULL) + 8;
	while (time(NULL) < end && !hard) {
		ssize_t n = pfk_recv(reg, rbuf, sizeof(rbuf), 1000);

		if (n <= 0 || pr_parse(&last, rbuf, n) ||
		    last.hdr->sadb_msg_type != SADB_EXPIRE)
			continue;
		if (last.ext[SADB_EXT_LIFETIME_HARD]) {
			hard++;
		} else if (last.ext[SADB_EXT_LIFETIME_SOFT]) {
			soft++;
			dump_count(fd, SADB_SATYPE_ESP, NULL, states);
		}
	}
	tap_ok(soft == 1 && states[SADB_SASTATE_DYING] == 1,
	       "soft add-time 1 s: one SADB_EXPIRE (soft), the SA is DYING");
	tap_ok(hard == 1, "hard add-time 3 s: SADB_EXPIRE (hard)");
	memset(states, 0, sizeof(states));
	n = dump_count(fd, SADB_SATYPE_ESP, NULL, states);
	e = get_sa(fd, SADB_SATYPE_ESP, 0x9001, "10.5.0.1", "10.5.0.2");
	tap_ok(n == 1 && states[SADB_SASTATE_DEAD] == 1 && e == ESRCH,
	       "after the hard limit the SA is DEAD in dumps and gone for GET (dump %ld, dead %d, GET %d)",
	       n, states[SADB_SASTATE_DEAD], e);
	sleep(NFIPSEC_DEAD_LINGER_TEST);
	n = dump_count(fd, SADB_SATYPE_ESP, NULL, NULL);
	tap_ok(n == -ENOENT, "a DEAD SA leaves the dump after its linger (dump %ld)", n);

	/* A larval SA nobody completes expires after net.key.larval_lifetime. */
	{
		FILE *f = fopen("/proc/sys/net/key/larval_lifetime", "w");

		if (f) {
			fputs("2", f);
			fclose(f);
		}
		pb_init(&b, SADB_GETSPI, SADB_SATYPE_ESP, ++seqno);
		pb_addr(&b, SADB_EXT_ADDRESS_SRC, "10.5.0.1", 32, 0, 0);
		pb_addr(&b, SADB_EXT_ADDRESS_DST, "10.5.0.3", 32, 0, 0);
		xchg(fd, &b);
		hard = 0;
		end = time(NULL) + 6;
		while (time(NULL) < end && !hard) {
			ssize_t n = pfk_recv(reg, rbuf, sizeof(rbuf), 1000);

			hard = n > 0 && ((struct sadb_msg *)rbuf)->sadb_msg_type == SADB_EXPIRE;
		}
		n = dump_count(fd, SADB_SATYPE_ESP, NULL, NULL);
		tap_ok(f && hard && n == -ENOENT,
		       "a larval SA expires after net.key.larval_lifetime (2 s) (f %d, expire %d, dump %ld)",
		       f != NULL, hard, n);
		f = fopen("/proc/sys/net/key/larval_lifetime", "w");
		if (f) {
			fputs("30", f);
			fclose(f);
		}
	}
	close(reg);
}

static void test_netns(int fd)
{
	struct pb b;
	int inner;

	flush(fd, 0);
	esp_add(&b, SADB_ADD, 0xa001, "10.6.0.1", "10.6.0.2", SADB_EALG_NULL, 0, 0, 0);
	xchg(fd, &b);
	if (unshare(CLONE_NEWNET)) {
		tap_ok(0, "unshare(CLONE_NEWNET): %s", strerror(errno));
		tap_ok(0, "netns SADB");
		return;
	}
	inner = pfk_open();
	tap_ok(get_sa(inner, SADB_SATYPE_ESP, 0xa001, "10.6.0.1", "10.6.0.2") == ESRCH &&
	       dump_count(inner, 0, NULL, NULL) == -ENOENT,
	       "a new netns has its own, empty SADB");
	flush(inner, 0);
	tap_ok(get_sa(fd, SADB_SATYPE_ESP, 0xa001, "10.6.0.1", "10.6.0.2") == 0,
	       "FLUSH in the new netns leaves the first one's SA");
	close(inner);
	flush(fd, 0);
}

/* ---------------------------------------------------------------------- */

static int churn(unsigned int id, unsigned int n)
{
	int fd = pfk_open(), bad = 0, rcvbuf = 4 << 20;
	unsigned int i;
	struct pb b;
	char dst[32];

	if (fd < 0)
		return 2;
	/*
	 * Every ADD and DELETE of every worker is announced to every socket:
	 * a small buffer would lose our own replies among the others'.
	 */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	snprintf(dst, sizeof(dst), "10.200.%u.1", id & 255);
	for (i = 0; i < n; i++) {
		uint32_t spi = 0x01000000 * (id + 1) + i;
		int e;

		esp_add(&b, SADB_ADD, spi, "10.200.0.1", dst, SADB_X_EALG_AESCBC, 128,
			SADB_AALG_SHA1HMAC, 160);
		e = xchg(fd, &b);
		if (e) {
			fprintf(stderr, "churn %u: ADD 0x%x: %d\n", id, spi, e);
			bad++;
		}
		e = get_sa(fd, SADB_SATYPE_ESP, spi, "10.200.0.1", dst);
		if (e) {
			fprintf(stderr, "churn %u: GET 0x%x: %d\n", id, spi, e);
			bad++;
		}
		if (i % 2) {
			sa_ref(&b, SADB_DELETE, SADB_SATYPE_ESP, spi, "10.200.0.1", dst);
			e = xchg(fd, &b);
			if (e) {
				fprintf(stderr, "churn %u: DELETE 0x%x: %d\n", id, spi, e);
				bad++;
			}
		}
	}
	close(fd);
	if (bad)
		fprintf(stderr, "churn %u: %d unexpected replies\n", id, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	int fd = pfk_open();

	if (fd < 0) {
		printf("Bail out! PF_KEY socket: %s\n", strerror(errno));
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "--fill"))
		return add_many(fd, strtoul(argv[2], NULL, 0), 0x100000, 0) ? 1 : 0;
	if (argc == 2 && !strcmp(argv[1], "--count")) {
		printf("%ld\n", dump_count(fd, 0, NULL, NULL));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "--churn"))
		return churn(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));

	tap_plan_n(11 +					/* add_get */
		   (int)(sizeof(alg_cases) / sizeof(alg_cases[0])) + 4 +
		   4 +					/* register */
		   10 +					/* getspi_update */
		   5 +					/* delete_flush */
		   4 +					/* big_dump */
		   3 +					/* ext */
		   5 +					/* lifetimes */
		   2);					/* netns */
	test_add_get(fd);
	test_algorithms(fd);
	test_register();
	test_getspi_update(fd);
	test_delete_flush(fd);
	test_big_dump(fd);
	test_ext(fd);
	test_lifetimes(fd);
	test_netns(fd);
	return tap_done();
}
