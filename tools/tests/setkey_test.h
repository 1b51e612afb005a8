/* SPDX-License-Identifier: GPL-2.0 */
/*
 * setkey_test.h - helpers for the setkey unit tests: compile a text into
 * messages without a kernel or a network, and look inside messages.
 */
#ifndef SETKEY_TEST_H
#define SETKEY_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include <linux/ipsec.h>
#include <linux/pfkeyv2.h>
#include "nfipsec.h"

#include "addr.h"
#include "compile.h"
#include "msgparse.h"
#include "parser.h"

/*
 * Names the tests resolve, in this order, like a DNS answer would give
 * them; anything else does not exist.
 */
static inline int fake_resolver(const char *name, int family, bool numeric,
				struct addrlist *out, char *err, size_t errlen)
{
	static const struct {
		const char *name, *addr;
	} zone[] = {
		{ "myhost.example.com", "192.0.2.1" },
		{ "myhost.example.com", "2001:db8::1" },
		{ "myhost.example.com", "2001:db8::2" },
		{ "yourhost.example.com", "192.0.2.2" },
		{ "yourhost.example.com", "2001:db8::3" },
		{ "v4only.example.com", "198.51.100.7" },
	};
	size_t i;

	(void)family;
	(void)numeric;
	out->n = 0;
	for (i = 0; i < sizeof(zone) / sizeof(zone[0]); i++) {
		struct sockaddr_storage *ss = &out->a[out->n];

		if (strcmp(zone[i].name, name))
			continue;
		memset(ss, 0, sizeof(*ss));
		if (strchr(zone[i].addr, ':')) {
			struct sockaddr_in6 *s6 = (void *)ss;

			s6->sin6_family = AF_INET6;
			inet_pton(AF_INET6, zone[i].addr, &s6->sin6_addr);
		} else {
			struct sockaddr_in *s4 = (void *)ss;

			s4->sin_family = AF_INET;
			inet_pton(AF_INET, zone[i].addr, &s4->sin_addr);
		}
		out->n++;
	}
	if (!out->n) {
		snprintf(err, errlen, "cannot resolve '%s': Name or service not known", name);
		return -1;
	}
	return 0;
}

/* The result of compiling one text: statements, plans, errors. */
struct compiled {
	struct source src;
	struct stmts stmts;
	struct plan plans[64];
	size_t nplans;
	struct errors errs;
};

static inline struct compiled *compile_text_opts(const char *text, bool rfc_mode)
{
	struct compiled *c = calloc(1, sizeof(*c));
	struct compile_opts co = { .rfc_mode = rfc_mode };
	size_t i;

	assert_non_null(c);
	setkey_resolver = fake_resolver;
	c->src.name = "test.conf";
	c->src.text = text;
	c->src.len = strlen(text);
	parse_source(&c->src, 0, 1, &c->stmts, &c->errs);
	for (i = 0; i < c->stmts.n && c->nplans < 64; i++)
		if (!compile_stmt(&c->stmts.v[i], &co, &c->plans[c->nplans], &c->errs))
			c->nplans++;
	errors_sort(&c->errs);
	return c;
}

static inline struct compiled *compile_text(const char *text)
{
	return compile_text_opts(text, true);
}

static inline void compiled_free(struct compiled *c)
{
	size_t i;

	for (i = 0; i < c->nplans; i++)
		plan_free(&c->plans[i]);
	stmts_free(&c->stmts);
	errors_free(&c->errs);
	free(c);
}

/* Fail with every error when a text that should compile did not. */
static inline void assert_no_errors(const struct compiled *c)
{
	size_t i;

	for (i = 0; i < c->errs.n; i++)
		print_error("unexpected error at %d:%d: %s\n", c->errs.v[i].loc.line,
			    c->errs.v[i].loc.col, c->errs.v[i].msg);
	assert_int_equal(c->errs.n, 0);
}

/* Message @i of plan @p, split. */
static inline struct pfk_msg msg_of(const struct compiled *c, size_t p, size_t i)
{
	struct pfk_msg m;
	char err[128];

	assert_true(p < c->nplans);
	assert_true(i < c->plans[p].nmsgs);
	if (pfk_split(c->plans[p].msgs[i].buf, c->plans[p].msgs[i].len, &m, err,
		      sizeof(err)))
		fail_msg("message does not split: %s", err);
	assert_int_equal((size_t)m.hdr->sadb_msg_len * 8, c->plans[p].msgs[i].len);
	return m;
}

static inline void assert_hdr(const struct pfk_msg *m, uint8_t type, uint8_t satype)
{
	assert_int_equal(m->hdr->sadb_msg_version, PF_KEY_V2);
	assert_int_equal(m->hdr->sadb_msg_type, type);
	assert_int_equal(m->hdr->sadb_msg_errno, 0);
	assert_int_equal(m->hdr->sadb_msg_satype, satype);
	assert_int_equal(m->hdr->sadb_msg_reserved, 0);
	/* seq and pid are filled in when a message is sent. */
	assert_int_equal(m->hdr->sadb_msg_seq, 0);
	assert_int_equal(m->hdr->sadb_msg_pid, 0);
}

static inline const void *ext_of(const struct pfk_msg *m, unsigned int type,
				 size_t len)
{
	if (!m->ext[type])
		fail_msg("extension %u missing", type);
	assert_int_equal(m->extlen[type], len);
	return m->ext[type];
}

static inline void assert_no_ext(const struct pfk_msg *m, unsigned int type)
{
	if (m->ext[type])
		fail_msg("unexpected extension %u", type);
}

/* Count the extensions (any type) of a message. */
static inline size_t ext_count(const struct pfk_msg *m)
{
	size_t i, n = 0;

	for (i = 0; i < PFK_EXT_SLOTS; i++)
		n += m->ext[i] != NULL;
	return n;
}

static inline void assert_sa(const struct pfk_msg *m, uint32_t spi, uint8_t replay,
			     uint8_t auth, uint8_t enc, uint32_t flags)
{
	const struct sadb_sa *sa = ext_of(m, SADB_EXT_SA, sizeof(*sa));

	assert_int_equal(sa->sadb_sa_len, 2);
	assert_int_equal(sa->sadb_sa_exttype, SADB_EXT_SA);
	assert_int_equal(ntohl(sa->sadb_sa_spi), spi);
	assert_int_equal(sa->sadb_sa_replay, replay);
	assert_int_equal(sa->sadb_sa_state, 0);
	assert_int_equal(sa->sadb_sa_auth, auth);
	assert_int_equal(sa->sadb_sa_encrypt, enc);
	assert_int_equal(sa->sadb_sa_flags, flags);
}

static inline void assert_sa2(const struct pfk_msg *m, uint8_t mode, uint32_t reqid)
{
	const struct sadb_x_sa2 *s = ext_of(m, SADB_X_EXT_SA2, sizeof(*s));

	assert_int_equal(s->sadb_x_sa2_len, 2);
	assert_int_equal(s->sadb_x_sa2_mode, mode);
	assert_int_equal(s->sadb_x_sa2_reserved1, 0);
	assert_int_equal(s->sadb_x_sa2_reserved2, 0);
	assert_int_equal(s->sadb_x_sa2_sequence, 0);
	assert_int_equal(s->sadb_x_sa2_reqid, reqid);
}

/* An address extension holding @text (numeric) and @port. */
static inline void assert_addr(const struct pfk_msg *m, unsigned int type,
			       uint8_t proto, uint8_t prefixlen, const char *text,
			       uint16_t port)
{
	const struct sadb_address *a = m->ext[type];
	const struct sockaddr *sa;

	if (!a)
		fail_msg("address extension %u missing", type);
	assert_int_equal(a->sadb_address_proto, proto);
	assert_int_equal(a->sadb_address_prefixlen, prefixlen);
	assert_int_equal(a->sadb_address_reserved, 0);
	sa = (const void *)(a + 1);
	if (strchr(text, ':')) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		struct in6_addr want;

		assert_int_equal(m->extlen[type], 8 + 32);
		assert_int_equal(a->sadb_address_len, 5);
		assert_int_equal(s6->sin6_family, AF_INET6);
		assert_int_equal(inet_pton(AF_INET6, text, &want), 1);
		assert_memory_equal(&s6->sin6_addr, &want, 16);
		assert_int_equal(ntohs(s6->sin6_port), port);
		assert_int_equal(s6->sin6_flowinfo, 0);
		assert_int_equal(s6->sin6_scope_id, 0);
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;
		struct in_addr want;

		assert_int_equal(m->extlen[type], 8 + 16);
		assert_int_equal(a->sadb_address_len, 3);
		assert_int_equal(s4->sin_family, AF_INET);
		assert_int_equal(inet_pton(AF_INET, text, &want), 1);
		assert_int_equal(s4->sin_addr.s_addr, want.s_addr);
		assert_int_equal(ntohs(s4->sin_port), port);
	}
}

static inline void assert_key(const struct pfk_msg *m, unsigned int type,
			      const void *key, size_t len)
{
	const struct sadb_key *k = m->ext[type];

	if (!k)
		fail_msg("key extension %u missing", type);
	assert_int_equal(m->extlen[type], (sizeof(*k) + len + 7) / 8 * 8);
	assert_int_equal(k->sadb_key_len * 8, m->extlen[type]);
	assert_int_equal(k->sadb_key_bits, len * 8);
	assert_int_equal(k->sadb_key_reserved, 0);
	assert_memory_equal(k + 1, key, len);
}

static inline const struct sadb_x_policy *assert_policy(const struct pfk_msg *m,
							 uint16_t type, uint8_t dir,
							 uint32_t priority)
{
	const struct sadb_x_policy *x = m->ext[SADB_X_EXT_POLICY];

	if (!x)
		fail_msg("policy extension missing");
	assert_int_equal(x->sadb_x_policy_len * 8, m->extlen[SADB_X_EXT_POLICY]);
	assert_int_equal(x->sadb_x_policy_type, type);
	assert_int_equal(x->sadb_x_policy_dir, dir);
	assert_int_equal(x->sadb_x_policy_reserved, 0);
	assert_int_equal(x->sadb_x_policy_id, 0);
	assert_int_equal(x->sadb_x_policy_priority, priority);
	return x;
}

/* Request @i of a policy; src/dst NULL for none. */
static inline void assert_request(const struct pfk_msg *m, size_t i, uint16_t proto,
				  uint8_t mode, uint8_t level, uint32_t reqid,
				  const char *src, uint16_t sport, const char *dst,
				  uint16_t dport)
{
	const struct sadb_x_policy *x = m->ext[SADB_X_EXT_POLICY];
	const uint8_t *p = (const uint8_t *)(x + 1);
	const uint8_t *end = (const uint8_t *)x + m->extlen[SADB_X_EXT_POLICY];
	const struct sadb_x_ipsecrequest *q;

	for (;;) {
		q = (const void *)p;
		assert_true(p + sizeof(*q) <= end);
		assert_true(q->sadb_x_ipsecrequest_len >= sizeof(*q));
		if (i-- == 0)
			break;
		p += q->sadb_x_ipsecrequest_len;
	}
	assert_int_equal(q->sadb_x_ipsecrequest_proto, proto);
	assert_int_equal(q->sadb_x_ipsecrequest_mode, mode);
	assert_int_equal(q->sadb_x_ipsecrequest_level, level);
	assert_int_equal(q->sadb_x_ipsecrequest_reqid, reqid);
	assert_int_equal(q->sadb_x_ipsecrequest_reserved1, 0);
	assert_int_equal(q->sadb_x_ipsecrequest_reserved2, 0);
	if (!src) {
		assert_int_equal(q->sadb_x_ipsecrequest_len, sizeof(*q));
		return;
	}
	if (strchr(src, ':')) {
		const struct sockaddr_in6 *a = (const void *)(q + 1), *b = a + 1;
		struct in6_addr w;

		assert_int_equal(q->sadb_x_ipsecrequest_len, sizeof(*q) + 2 * sizeof(*a));
		assert_int_equal(a->sin6_family, AF_INET6);
		inet_pton(AF_INET6, src, &w);
		assert_memory_equal(&a->sin6_addr, &w, 16);
		assert_int_equal(ntohs(a->sin6_port), sport);
		assert_int_equal(b->sin6_family, AF_INET6);
		inet_pton(AF_INET6, dst, &w);
		assert_memory_equal(&b->sin6_addr, &w, 16);
		assert_int_equal(ntohs(b->sin6_port), dport);
	} else {
		const struct sockaddr_in *a = (const void *)(q + 1), *b = a + 1;
		struct in_addr w;

		assert_int_equal(q->sadb_x_ipsecrequest_len, sizeof(*q) + 2 * sizeof(*a));
		assert_int_equal(a->sin_family, AF_INET);
		inet_pton(AF_INET, src, &w);
		assert_int_equal(a->sin_addr.s_addr, w.s_addr);
		assert_int_equal(ntohs(a->sin_port), sport);
		assert_int_equal(b->sin_family, AF_INET);
		inet_pton(AF_INET, dst, &w);
		assert_int_equal(b->sin_addr.s_addr, w.s_addr);
		assert_int_equal(ntohs(b->sin_port), dport);
	}
}

static inline size_t request_count(const struct pfk_msg *m)
{
	const struct sadb_x_policy *x = m->ext[SADB_X_EXT_POLICY];
	size_t off = sizeof(*x), n = 0;

	while (off < m->extlen[SADB_X_EXT_POLICY]) {
		const struct sadb_x_ipsecrequest *q = (const void *)((const uint8_t *)x + off);

		off += q->sadb_x_ipsecrequest_len;
		n++;
	}
	assert_int_equal(off, m->extlen[SADB_X_EXT_POLICY]);
	return n;
}

#endif
