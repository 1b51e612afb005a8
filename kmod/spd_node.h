/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spd_node.h - the inside of the SPD engine (spd_engine.c), shared with its
 * test support (spd_engine_check.c): trie nodes, the prefix hash, and the
 * small helpers both need.  Not for other users: the interface is
 * spd_engine.h.
 */
#ifndef _NFIPSEC_SPD_NODE_H
#define _NFIPSEC_SPD_NODE_H

#include <linux/bits.h>
#include <linux/in.h>
#include <linux/rhashtable.h>
#include <linux/socket.h>

#include "spd_engine.h"

/* Which of proto, sport, dport a selector specifies. */
#define SHAPE_PROTO	BIT(0)
#define SHAPE_SPORT	BIT(1)
#define SHAPE_DPORT	BIT(2)
#define NSHAPES		8

#define HLENS		NFIPSEC_SPD_HLENS
#define LENS_MANY	0xff	/* count byte: more lengths than tracked */

enum { LEVEL_SRC, LEVEL_DST };

struct nfipsec_spd_node {
	struct nfipsec_spd_node __rcu *child[2];
	struct nfipsec_spd_node *parent;	/* writers only */
	unsigned long bound;			/* <= rank of every entry below */
	/* Key in e->prefixes: the first 28 bytes from owner, as struct pfx_key. */
	void *owner;				/* SRC: &e->root[family]; DST: source node */
	union nfipsec_addr key;			/* masked to plen */
	u8 plen;
	u8 kpad[3];
	u8 level;
	u8 shapes;				/* DST: BIT(shape) present */
	struct rhash_head pnode;		/* in e->prefixes while nent */
	u32 nent;				/* entries at (DST) or under (SRC) */
	__be32 mask;				/* part_mask(plen) */
	unsigned long lens;			/* SRC: lengths in the destination trie */
	union {
		struct nfipsec_spd_node __rcu *sub;	/* SRC: destination trie */
		struct nfipsec_spd_entry __rcu *one;	/* DST: sole entry, or NULL */
	};
	unsigned long own;			/* DST: <= rank of the entries here */
	/* Readers never look below this line. */
	union {
		struct rcu_head rcu;		/* once unlinked */
		u8 cnt[NSHAPES];		/* DST: entries per shape, sticky at U8_MAX */
		u32 lcnt[HLENS];		/* SRC: destination nodes per length */
	};
};

/* What e->prefixes is searched with. */
struct pfx_key {
	void *owner;
	union nfipsec_addr key;
	u8 plen;
	u8 kpad[3];
};

#define PFX_KEY_LEN	offsetofend(struct pfx_key, kpad)
static_assert(offsetof(struct nfipsec_spd_node, key) - offsetof(struct nfipsec_spd_node, owner) ==
	      offsetof(struct pfx_key, key));
static_assert(sizeof(struct nfipsec_spd_node) <= 128);	/* kmalloc-128 */
static_assert(offsetof(struct nfipsec_spd_node, kpad) - offsetof(struct nfipsec_spd_node, owner) ==
	      offsetof(struct pfx_key, kpad));

/*
 * Both tables hash a few words of pointers and addresses that only root
 * chooses (policies are not built from packets), so a multiplicative mix
 * does; jhash would be a third of a lookup.
 */
static inline u32 spd_hash(const void *data, u32 len, u32 seed)
{
	const u32 *w = data;
	u64 h = seed;
	u32 i;

	for (i = 0; i < len / 4; i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
	return h >> 32;
}

static const struct rhashtable_params pparams = {
	.key_len = PFX_KEY_LEN,
	.key_offset = offsetof(struct nfipsec_spd_node, owner),
	.head_offset = offsetof(struct nfipsec_spd_node, pnode),
	.hashfn = spd_hash,
	.automatic_shrinking = true,
};

/* Writers hold e->lock (lockdep checks it when the engine was given one). */
#define wderef(e, p) \
	rcu_dereference_protected(p, !(e)->lock || lockdep_is_held((e)->lock))

static inline void assert_writer(const struct nfipsec_spd_engine *e)
{
	if (e->lock)
		lockdep_assert_held(e->lock);
}

/* Addresses, shapes, ranks. */

static inline int fam_index(u16 family)
{
	return family == AF_INET ? 0 : family == AF_INET6 ? 1 : -1;
}

static inline unsigned int fam_bits(int fi)
{
	return fi ? 128 : 32;
}

/* The mask of the word of an address where a prefix of @plen ends, or 0. */
static __always_inline __be32 part_mask(unsigned int plen)
{
	return plen & 31 ? htonl(~0u << (32 - (plen & 31))) : 0;
}

static __always_inline void mask_bits(union nfipsec_addr *a, unsigned int plen)
{
	unsigned int w = plen >> 5;

	if (w < 4) {
		a->a6.s6_addr32[w] &= part_mask(plen);
		while (++w < 4)
			a->a6.s6_addr32[w] = 0;
	}
}

/* Does the prefix of @n contain address @a (network order words)? */
static __always_inline bool covers(const struct nfipsec_spd_node *n, const __be32 *a)
{
	unsigned int w = n->plen >> 5, i;

	for (i = 0; i < w; i++)
		if (a[i] != n->key.a6.s6_addr32[i])
			return false;
	return !n->mask || !((a[w] ^ n->key.a6.s6_addr32[w]) & n->mask);
}

/* Bit @p of @a, counted from the most significant; p < 128. */
static __always_inline unsigned int bit_at(const __be32 *a, unsigned int p)
{
	return (ntohl(a[p >> 5]) >> (31 - (p & 31))) & 1;
}

/* Leading bits @x and @y share, at most @max. */
static inline unsigned int common_bits(const union nfipsec_addr *x, const union nfipsec_addr *y,
				unsigned int max)
{
	unsigned int i;

	for (i = 0; i * 32 < max; i++) {
		u32 d = ntohl(x->a6.s6_addr32[i] ^ y->a6.s6_addr32[i]);

		if (d)
			return min(max, i * 32 + 31 - __fls(d));
	}
	return max;
}

static inline unsigned int shape_of(const struct nfipsec_sel *sel)
{
	return (sel->proto != NFIPSEC_ULPROTO_ANY ? SHAPE_PROTO : 0) |
	       (sel->sport ? SHAPE_SPORT : 0) | (sel->dport ? SHAPE_DPORT : 0);
}

/* Monotonic in the (priority, seq) order; see the top of the file. */
static inline unsigned long rank(u32 priority, u64 seq)
{
#if BITS_PER_LONG == 64
	return (unsigned long)priority << 32 | (unsigned long)min_t(u64, seq, U32_MAX);
#else
	return priority;
#endif
}

static inline unsigned int lens_n(unsigned long lens)
{
	return lens & 0xff;
}

static inline unsigned int lens_at(unsigned long lens, unsigned int i)
{
	return (lens >> (8 * (i + 1))) & 0xff;
}

/* A bound for @n's own entries (not its children's). */
static inline unsigned long own_bound(struct nfipsec_spd_engine *e, struct nfipsec_spd_node *n)
{
	struct nfipsec_spd_node *sub;

	if (n->level == LEVEL_DST)
		return n->nent ? n->own : ULONG_MAX;
	sub = wderef(e, n->sub);
	return sub ? sub->bound : ULONG_MAX;
}

/* The node of @owner's trie for @a/@plen that has entries, or NULL. */
static __always_inline struct nfipsec_spd_node *
pfx_lookup(struct nfipsec_spd_engine *e, void *owner, const union nfipsec_addr *a,
	   unsigned int plen)
{
	struct pfx_key k = { .owner = owner, .key = *a, .plen = plen };

	mask_bits(&k.key, plen);
	return rhashtable_lookup(&e->prefixes, &k, pparams);
}

#endif /* _NFIPSEC_SPD_NODE_H */
