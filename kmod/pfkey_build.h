/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfkey_build.h - small builders for the PF_KEY messages the kernel sends
 * on its own (acquire.c's ACQUIRE, natt.c's NEW_MAPPING): an extension
 * header, and an address extension for a full-length host address.
 */
#ifndef _NFIPSEC_PFKEY_BUILD_H
#define _NFIPSEC_PFKEY_BUILD_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/pfkeyv2.h>
#include <linux/skbuff.h>

#include "sadb.h"

/* Bytes of the sockaddr of @family in an address extension (8-aligned). */
static inline unsigned int pfkey_sockaddr_bytes(u16 family)
{
	return ALIGN(family == AF_INET ? sizeof(struct sockaddr_in) :
		     sizeof(struct sockaddr_in6), 8);
}

/* A zeroed extension of @bytes (a multiple of 8) and @type at the tail. */
static inline void *pfkey_put_ext(struct sk_buff *skb, size_t bytes, u16 type)
{
	struct sadb_ext *e = skb_put_zero(skb, bytes);

	e->sadb_ext_len = bytes / 8;
	e->sadb_ext_type = type;
	return e;
}

/*
 * Write @a of @family as a sockaddr (port 0) at @p, which is zeroed; the
 * byte after it returned.
 */
static inline u8 *pfkey_fill_sockaddr(u8 *p, u16 family, const union nfipsec_addr *a)
{
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)p;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = a->a4;
		return p + sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (void *)p;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a->a6;
		return p + sizeof(*sin6);
	}
}

/* An address extension: host @a of @family, port 0, protocol 0. */
static inline void pfkey_put_address(struct sk_buff *skb, u16 type, u16 family,
				     const union nfipsec_addr *a)
{
	struct sadb_address *e = pfkey_put_ext(skb, sizeof(*e) + pfkey_sockaddr_bytes(family),
					       type);

	e->sadb_address_prefixlen = family == AF_INET ? 32 : 128;
	pfkey_fill_sockaddr((u8 *)(e + 1), family, a);
}

#endif /* _NFIPSEC_PFKEY_BUILD_H */
