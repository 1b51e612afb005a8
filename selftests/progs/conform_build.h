/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conform_build.h - PF_KEY v2 request builder of the conformance test
 * (pfkey_conform.c).  Unlike kmod/test/parse_cases.h, whose builders make
 * the minimal messages of the validation vectors, these make complete,
 * realistic requests (addresses with ports and prefixes, keys with
 * content, every extension) and deliberately broken ones.
 */
#ifndef _NFIPSEC_CONFORM_BUILD_H
#define _NFIPSEC_CONFORM_BUILD_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <linux/pfkeyv2.h>
#include <linux/ipsec.h>
#include "nfipsec.h"

#define MB_BUF 8192

struct mb {
	uint8_t buf[MB_BUF];
	size_t len;		/* bytes built */
	size_t wlen;		/* bytes to write (0: len) */
	int keep_len;		/* do not set sadb_msg_len in mb_done() */
};

static uint32_t mb_seq_base;	/* set per step by the runner */
static uint32_t mb_seq_n;

static struct sadb_msg *mb_hdr(struct mb *m)
{
	return (struct sadb_msg *)m->buf;
}

static void mb_init(struct mb *m, uint8_t type, uint8_t satype)
{
	struct sadb_msg *h;

	memset(m, 0, sizeof(*m));
	h = mb_hdr(m);
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = type;
	h->sadb_msg_satype = satype;
	h->sadb_msg_seq = mb_seq_base + ++mb_seq_n;
	h->sadb_msg_pid = getpid();
	m->len = sizeof(*h);
}

/* Append an extension of @bytes (rounded up to 8), zeroed. */
static void *mb_ext(struct mb *m, uint16_t type, size_t bytes)
{
	struct sadb_ext *e = (struct sadb_ext *)(m->buf + m->len);
	size_t b8 = (bytes + 7) / 8 * 8;

	memset(e, 0, b8);
	e->sadb_ext_len = b8 / 8;
	e->sadb_ext_type = type;
	m->len += b8;
	return e;
}

static void mb_done(struct mb *m)
{
	if (!m->keep_len)
		mb_hdr(m)->sadb_msg_len = m->len / 8;
	if (!m->wlen)
		m->wlen = m->len;
}

static struct sadb_sa *mb_sa(struct mb *m, uint32_t spi, uint8_t auth,
			     uint8_t enc)
{
	struct sadb_sa *s = mb_ext(m, SADB_EXT_SA, sizeof(*s));

	s->sadb_sa_spi = htonl(spi);
	s->sadb_sa_state = SADB_SASTATE_MATURE;
	s->sadb_sa_auth = auth;
	s->sadb_sa_encrypt = enc;
	return s;
}

/* As mb_sa, with an SPI already in network order (one a GETSPI gave). */
static struct sadb_sa *mb_sa_be(struct mb *m, uint32_t spi_be, uint8_t auth,
				uint8_t enc)
{
	struct sadb_sa *s = mb_sa(m, 0, auth, enc);

	s->sadb_sa_spi = spi_be;
	return s;
}

static struct sadb_address *mb_addr(struct mb *m, uint16_t type,
				    const char *addr, uint8_t plen,
				    uint8_t proto, uint16_t port)
{
	struct sadb_address *a;

	if (strchr(addr, ':')) {
		struct sockaddr_in6 sin6;

		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &sin6.sin6_addr);
		a = mb_ext(m, type, sizeof(*a) + sizeof(sin6));
		memcpy(a + 1, &sin6, sizeof(sin6));
	} else {
		struct sockaddr_in sin;

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin.sin_addr);
		a = mb_ext(m, type, sizeof(*a) + sizeof(sin));
		memcpy(a + 1, &sin, sizeof(sin));
	}
	a->sadb_address_proto = proto;
	a->sadb_address_prefixlen = plen;
	return a;
}

/* Host address, the way most key managers send it. */
static struct sadb_address *mb_host(struct mb *m, uint16_t type,
				    const char *addr)
{
	return mb_addr(m, type, addr, strchr(addr, ':') ? 128 : 32, 0, 0);
}

/* A key of @bits with deterministic content derived from @seed. */
static struct sadb_key *mb_key(struct mb *m, uint16_t type, uint16_t bits,
			       uint8_t seed)
{
	size_t kb = (bits + 7) / 8, i;
	struct sadb_key *k = mb_ext(m, type, sizeof(*k) + kb);
	uint8_t *p = (uint8_t *)(k + 1);

	k->sadb_key_bits = bits;
	for (i = 0; i < kb; i++)
		p[i] = (uint8_t)(seed * 37 + i * 11 + 0x5a);
	return k;
}

static struct sadb_lifetime *mb_life(struct mb *m, uint16_t type,
				     uint32_t alloc, uint64_t bytes,
				     uint64_t add, uint64_t use)
{
	struct sadb_lifetime *l = mb_ext(m, type, sizeof(*l));

	l->sadb_lifetime_allocations = alloc;
	l->sadb_lifetime_bytes = bytes;
	l->sadb_lifetime_addtime = add;
	l->sadb_lifetime_usetime = use;
	return l;
}

static struct sadb_x_sa2 *mb_sa2(struct mb *m, uint8_t mode, uint32_t reqid)
{
	struct sadb_x_sa2 *s = mb_ext(m, SADB_X_EXT_SA2, sizeof(*s));

	s->sadb_x_sa2_mode = mode;
	s->sadb_x_sa2_reqid = reqid;
	return s;
}

static struct sadb_spirange *mb_range(struct mb *m, uint32_t min, uint32_t max)
{
	struct sadb_spirange *r = mb_ext(m, SADB_EXT_SPIRANGE, sizeof(*r));

	r->sadb_spirange_min = min;
	r->sadb_spirange_max = max;
	return r;
}

static struct sadb_ident *mb_ident(struct mb *m, uint16_t type, uint16_t idtype,
				   uint64_t id, const char *str)
{
	size_t sl = str ? strlen(str) + 1 : 0;
	struct sadb_ident *i = mb_ext(m, type, sizeof(*i) + sl);

	i->sadb_ident_type = idtype;
	i->sadb_ident_id = id;
	if (sl)
		memcpy(i + 1, str, sl);
	return i;
}

static struct sadb_sens *mb_sens(struct mb *m, uint8_t slen, uint8_t ilen)
{
	struct sadb_sens *s = mb_ext(m, SADB_EXT_SENSITIVITY,
				     sizeof(*s) + 8 * (slen + ilen));
	uint8_t *p = (uint8_t *)(s + 1);
	size_t i;

	s->sadb_sens_dpd = 1;
	s->sadb_sens_sens_level = 3;
	s->sadb_sens_sens_len = slen;
	s->sadb_sens_integ_level = 2;
	s->sadb_sens_integ_len = ilen;
	for (i = 0; i < 8u * (slen + ilen); i++)
		p[i] = (uint8_t)(0x80 >> (i % 8));
	return s;
}

static void mb_natt(struct mb *m, uint8_t type, uint16_t sport, uint16_t dport)
{
	struct sadb_x_nat_t_type *t = mb_ext(m, SADB_X_EXT_NAT_T_TYPE, sizeof(*t));
	struct sadb_x_nat_t_port *p;

	t->sadb_x_nat_t_type_type = type;
	if (sport) {
		p = mb_ext(m, SADB_X_EXT_NAT_T_SPORT, sizeof(*p));
		p->sadb_x_nat_t_port_port = htons(sport);
	}
	if (dport) {
		p = mb_ext(m, SADB_X_EXT_NAT_T_DPORT, sizeof(*p));
		p->sadb_x_nat_t_port_port = htons(dport);
	}
}

static struct sadb_x_sec_ctx *mb_secctx(struct mb *m, uint8_t alg, uint8_t doi,
					const char *ctx)
{
	size_t cl = strlen(ctx) + 1;
	struct sadb_x_sec_ctx *c = mb_ext(m, SADB_X_EXT_SEC_CTX, sizeof(*c) + cl);

	c->sadb_x_ctx_alg = alg;
	c->sadb_x_ctx_doi = doi;
	c->sadb_x_ctx_len = cl;
	memcpy(c + 1, ctx, cl);
	return c;
}

static struct sadb_x_kmprivate *mb_kmpriv(struct mb *m, size_t bytes)
{
	struct sadb_x_kmprivate *k = mb_ext(m, SADB_X_EXT_KMPRIVATE,
					    sizeof(*k) + bytes);
	uint8_t *p = (uint8_t *)(k + 1);
	size_t i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(i * 3 + 1);
	return k;
}

static struct sadb_prop *mb_prop(struct mb *m, int ncomb)
{
	struct sadb_prop *pr = mb_ext(m, SADB_EXT_PROPOSAL, sizeof(*pr) +
				      ncomb * sizeof(struct sadb_comb));
	struct sadb_comb *c = (struct sadb_comb *)(pr + 1);
	int i;

	pr->sadb_prop_replay = 32;
	for (i = 0; i < ncomb; i++) {
		c[i].sadb_comb_auth = SADB_AALG_SHA1HMAC;
		c[i].sadb_comb_encrypt = SADB_X_EALG_AESCBC;
		c[i].sadb_comb_auth_minbits = 160;
		c[i].sadb_comb_auth_maxbits = 160;
		c[i].sadb_comb_encrypt_minbits = 128;
		c[i].sadb_comb_encrypt_maxbits = 256;
		c[i].sadb_comb_hard_addtime = 3600;
	}
	return pr;
}

static struct sadb_supported *mb_supported(struct mb *m, uint16_t type, int n)
{
	struct sadb_supported *s = mb_ext(m, type, sizeof(*s) +
					  n * sizeof(struct sadb_alg));
	struct sadb_alg *a = (struct sadb_alg *)(s + 1);
	int i;

	for (i = 0; i < n; i++) {
		a[i].sadb_alg_id = SADB_X_EALG_AESCBC;
		a[i].sadb_alg_ivlen = 16;
		a[i].sadb_alg_minbits = 128;
		a[i].sadb_alg_maxbits = 256;
	}
	return s;
}

/* sadb_x_policy with one ipsecrequest (no tunnel addresses). */
static struct sadb_x_policy *mb_policy(struct mb *m, uint16_t type, uint8_t dir,
				       uint16_t proto, uint8_t mode,
				       uint8_t level, uint32_t reqid)
{
	size_t rq = type == IPSEC_POLICY_IPSEC ?
		    sizeof(struct sadb_x_ipsecrequest) : 0;
	struct sadb_x_policy *p = mb_ext(m, SADB_X_EXT_POLICY, sizeof(*p) + rq);

	p->sadb_x_policy_type = type;
	p->sadb_x_policy_dir = dir;
	if (rq) {
		struct sadb_x_ipsecrequest *r = (void *)(p + 1);

		r->sadb_x_ipsecrequest_len = sizeof(*r);
		r->sadb_x_ipsecrequest_proto = proto;
		r->sadb_x_ipsecrequest_mode = mode;
		r->sadb_x_ipsecrequest_level = level;
		r->sadb_x_ipsecrequest_reqid = reqid;
	}
	return p;
}

static struct sadb_x_filter *mb_filter(struct mb *m, uint16_t family,
				       const char *src, uint8_t splen,
				       const char *dst, uint8_t dplen)
{
	struct sadb_x_filter *f = mb_ext(m, SADB_X_EXT_FILTER, sizeof(*f));

	f->sadb_x_filter_family = family;
	inet_pton(family, src, f->sadb_x_filter_saddr);
	inet_pton(family, dst, f->sadb_x_filter_daddr);
	f->sadb_x_filter_splen = splen;
	f->sadb_x_filter_dplen = dplen;
	return f;
}

#endif /* _NFIPSEC_CONFORM_BUILD_H */
