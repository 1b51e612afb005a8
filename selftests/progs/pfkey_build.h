/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfkey_build.h - building PF_KEY messages and reading replies in the
 * selftest programs: a message buffer with append helpers for each
 * extension, and a parser that indexes a reply's extensions by type.
 */
#ifndef _NFIPSEC_PFKEY_BUILD_H
#define _NFIPSEC_PFKEY_BUILD_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <unistd.h>
#include <linux/pfkeyv2.h>
#include <linux/ipsec.h>
#include "nfipsec.h"

#define PB_MAX 4096

struct pb {
	union {
		uint8_t buf[PB_MAX];
		uint64_t align;
	};
	size_t len;
};

static inline struct sadb_msg *pb_hdr(struct pb *b)
{
	return (struct sadb_msg *)b->buf;
}

static inline void pb_init(struct pb *b, uint8_t type, uint8_t satype, uint32_t seq)
{
	struct sadb_msg *h = pb_hdr(b);

	memset(b, 0, sizeof(*b));
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = type;
	h->sadb_msg_satype = satype;
	h->sadb_msg_seq = seq;
	h->sadb_msg_pid = getpid();
	b->len = sizeof(*h);
	h->sadb_msg_len = b->len / 8;
}

/* Append an extension of @bytes (rounded up to 8) and return it. */
static inline void *pb_ext(struct pb *b, uint16_t type, size_t bytes)
{
	struct sadb_ext *e = (struct sadb_ext *)(b->buf + b->len);
	size_t padded = (bytes + 7) & ~(size_t)7;

	memset(e, 0, padded);
	e->sadb_ext_len = padded / 8;
	e->sadb_ext_type = type;
	b->len += padded;
	pb_hdr(b)->sadb_msg_len = b->len / 8;
	return e;
}

static inline struct sadb_sa *pb_sa(struct pb *b, uint32_t spi, uint8_t aalg,
				    uint8_t ealg, uint8_t replay, uint32_t flags)
{
	struct sadb_sa *sa = pb_ext(b, SADB_EXT_SA, sizeof(*sa));

	sa->sadb_sa_spi = htonl(spi);
	sa->sadb_sa_replay = replay;
	sa->sadb_sa_state = SADB_SASTATE_MATURE;
	sa->sadb_sa_auth = aalg;
	sa->sadb_sa_encrypt = ealg;
	sa->sadb_sa_flags = flags;
	return sa;
}

/* An address extension from text ("10.0.0.1" or "fd00::1"), port in host order. */
static inline struct sadb_address *pb_addr(struct pb *b, uint16_t type,
					   const char *text, uint8_t prefixlen,
					   uint16_t port, uint8_t proto)
{
	struct sadb_address *a;

	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6;

		a = pb_ext(b, type, sizeof(*a) + sizeof(*s6));
		s6 = (struct sockaddr_in6 *)(a + 1);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, text, &s6->sin6_addr);
	} else {
		struct sockaddr_in *s4;

		a = pb_ext(b, type, sizeof(*a) + sizeof(*s4));
		s4 = (struct sockaddr_in *)(a + 1);
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, text, &s4->sin_addr);
	}
	a->sadb_address_prefixlen = prefixlen;
	a->sadb_address_proto = proto;
	return a;
}

/* A key extension of @bits bits filled with bytes seed, seed+1, ... */
static inline struct sadb_key *pb_key(struct pb *b, uint16_t type,
				      uint16_t bits, uint8_t seed)
{
	struct sadb_key *k = pb_ext(b, type, sizeof(*k) + (bits + 7) / 8);
	uint8_t *p = (uint8_t *)(k + 1);
	unsigned int i;

	k->sadb_key_bits = bits;
	for (i = 0; i < (bits + 7u) / 8; i++)
		p[i] = (uint8_t)(seed + i);
	return k;
}

static inline void pb_lifetime(struct pb *b, uint16_t type, uint32_t allocs,
			       uint64_t bytes, uint64_t addtime, uint64_t usetime)
{
	struct sadb_lifetime *l = pb_ext(b, type, sizeof(*l));

	l->sadb_lifetime_allocations = allocs;
	l->sadb_lifetime_bytes = bytes;
	l->sadb_lifetime_addtime = addtime;
	l->sadb_lifetime_usetime = usetime;
}

static inline void pb_sa2(struct pb *b, uint8_t mode, uint32_t reqid)
{
	struct sadb_x_sa2 *s = pb_ext(b, SADB_X_EXT_SA2, sizeof(*s));

	s->sadb_x_sa2_mode = mode;
	s->sadb_x_sa2_reqid = reqid;
}

static inline void pb_spirange(struct pb *b, uint32_t min, uint32_t max)
{
	struct sadb_spirange *r = pb_ext(b, SADB_EXT_SPIRANGE, sizeof(*r));

	r->sadb_spirange_min = min;
	r->sadb_spirange_max = max;
}

static inline void pb_replay(struct pb *b, uint32_t window, uint32_t flags)
{
	struct sadb_x_replay *r = pb_ext(b, SADB_X_EXT_REPLAY, sizeof(*r));

	r->sadb_x_replay_window = window;
	r->sadb_x_replay_flags = flags;
}

/* A received message with its extensions indexed by type. */
struct pr {
	const struct sadb_msg *hdr;
	const void *ext[64];
	size_t len;
};

static inline int pr_parse(struct pr *r, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t off = sizeof(struct sadb_msg);

	memset(r, 0, sizeof(*r));
	if (len < sizeof(struct sadb_msg))
		return -1;
	r->hdr = buf;
	r->len = len;
	if ((size_t)r->hdr->sadb_msg_len * 8 != len)
		return -1;
	while (off < len) {
		const struct sadb_ext *e = (const void *)(p + off);
		size_t el = (size_t)e->sadb_ext_len * 8;

		if (len - off < 4 || el < 8 || el > len - off)
			return -1;
		if (e->sadb_ext_type < 64)
			r->ext[e->sadb_ext_type] = e;
		off += el;
	}
	return 0;
}

static inline size_t pr_ext_bytes(const void *e)
{
	return (size_t)((const struct sadb_ext *)e)->sadb_ext_len * 8;
}

#endif /* _NFIPSEC_PFKEY_BUILD_H */
