// SPDX-License-Identifier: GPL-2.0
/*
 * spd_engine.c - the SPD matcher: a two-level prefix structure (source,
 * then destination) whose (source prefix, destination prefix) nodes lead
 * to the entries through one hash table keyed by node, protocol and ports.
 *
 * The question.  For a packet (family, src, dst, proto, sport, dport), the
 * entry with the lowest (priority, seq) among those whose selector matches:
 * src within sel.src/splen, dst within sel.dst/dplen, proto equal unless
 * the selector says any, ports equal unless the selector says 0.  The
 * answer must equal a linear first-match scan, at 100k entries with every
 * mix of prefix lengths, without a lock.
 *
 * Why not tuple-space search alone.  Hashing every distinct "shape" (splen,
 * dplen, proto/port wildcards) costs one probe per shape, and shapes are
 * what mixed prefix lengths multiply: 33 x 33 x 8 for IPv4, 129 x 129 x 8
 * for IPv6.  A gateway with site-to-site tunnels of every size from /16 to
 * /28 already has hundreds, 100k random selectors fill most of the 8,712
 * IPv4 ones, and priority pruning does not save a lookup that matches
 * nothing.  Prefix tracking over the shapes (Open vSwitch) still probes
 * every (splen, dplen) pair that some source and some destination prefix
 * of the packet allow, even when no selector has both.
 *
 * What we do instead.  The only prefixes that can match a packet lie on
 * one root-to-leaf path of a binary trie.  So:
 *
 *   - a path-compressed binary trie of source prefixes per family; each
 *     source node that some selector uses holds ...
 *   - ... a trie of the destination prefixes used with that source prefix;
 *     each destination node that some selector uses (a "pair": one exact
 *     (src/splen, dst/dplen)) records which of the 8 proto/port shapes its
 *     selectors have;
 *   - one rhashtable holds every entry under (pair node, proto, sport,
 *     dport), wildcards written as ANY/0.  A selector is unique, so each
 *     key names at most one entry.
 *
 * A lookup walks the source path; at every source node on it, the
 * destination path below it; at every pair on that, one hash probe per
 * shape present (a pair with a single entry keeps a pointer to it and
 * needs no probe).  It visits only prefixes that contain the packet and
 * that some selector uses together: at most (W+1)^2 pairs for W address
 * bits whatever the number of entries.
 *
 * Hash what is exact.  A trie walk costs its depth, about log2 of the
 * prefixes in the trie: 17 steps to find one client among 100k /32s.  Yet
 * large policy sets are mostly made of few prefix lengths (clients /32 or
 * /128, sites /24 or /64), and a prefix of known length is found by one
 * hash probe.  So every node with entries is also in a second rhashtable,
 * under (trie, prefix length, prefix), and every trie keeps its distinct
 * prefix lengths while there are at most NFIPSEC_SPD_HLENS of them.  A
 * lookup probes those lengths instead of walking whenever that is cheaper
 * (n lengths against about log2(size) steps; a probe costs about three
 * steps).  Cost per lookup: for each level, min(distinct lengths, depth):
 * constant for sets of few lengths whatever their size, logarithmic in
 * the number of prefixes otherwise.
 *
 * Priority pruning.  Each node carries a bound, at most the rank of every
 * entry in its subtree, rank being (priority << 32 | seq) with seq clamped
 * to 32 bits (on 64-bit; priority alone on 32-bit), which is monotonic in
 * the (priority, seq) order; each pair also bounds its own entries.  A walk
 * stops at a node whose bound exceeds the best match so far (everything
 * further down the path lies in that subtree) and skips a pair whose own
 * bound does.  Bounds are lowered before an insert completes and raised
 * only after a removal has unlinked the entry, so they never exceed the
 * rank of an entry a reader can find; a pair's own bound stays as low as
 * the best entry it held until it empties (stale-low is merely slower).
 * When a packet lies in many selectors (as with random prefixes of every
 * length), the first good match found near the root prunes most of the
 * rest.
 *
 * Concurrency.  Readers hold rcu_read_lock() and nothing else.  Nodes are
 * never modified in place where a reader looks (key, prefix length): an
 * insert builds the new nodes, including a branch node where two prefixes
 * diverge, and publishes them with one rcu_assign_pointer(); a removal
 * splices a node out by pointing its parent at its only child (branch nodes
 * always have two children), and frees it after a grace period.  A reader
 * on a removed node still finds its children.  Entries go into the hash
 * before their pair advertises their shape, and leave it before the shape
 * is withdrawn.  A trie's list of lengths is one word, replaced whole, so a
 * reader never sees a length listed twice in place of another; once a trie
 * has had more lengths than fit, it is walked until it empties.
 * rhashtables resize without stalling readers.  Writers are serialized by
 * the caller's mutex (lockdep-checked when given).
 *
 * Memory: nodes are 120 bytes (kmalloc-128); a trie with k prefixes has at
 * most 2k nodes: 100k selectors take 2 to 2.5 nodes each.
 */
#include <linux/bits.h>
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
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
static u32 spd_hash(const void *data, u32 len, u32 seed)
{
	const u32 *w = data;
	u64 h = seed;
	u32 i;

	for (i = 0; i < len / 4; i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
	return h >> 32;
}

static const struct rhashtable_params hparams = {
	.key_len = sizeof(struct nfipsec_spd_hkey),
	.key_offset = offsetof(struct nfipsec_spd_entry, hkey),
	.head_offset = offsetof(struct nfipsec_spd_entry, hnode),
	.hashfn = spd_hash,
	.automatic_shrinking = true,
};

static const struct rhashtable_params pparams = {
	.key_len = PFX_KEY_LEN,
	.key_offset = offsetof(struct nfipsec_spd_node, owner),
	.head_offset = offsetof(struct nfipsec_spd_node, pnode),
	.hashfn = spd_hash,
	.automatic_shrinking = true,
};

/* Writers hold e->lock; find() may also run under rcu_read_lock(). */
#define wderef(e, p) \
	rcu_dereference_protected(p, !(e)->lock || lockdep_is_held((e)->lock))

static void assert_writer(const struct nfipsec_spd_engine *e)
{
	if (e->lock)
		lockdep_assert_held(e->lock);
}

/* ---------------------------------------------------------------------- */
/* Addresses, shapes, ranks                                               */
/* ---------------------------------------------------------------------- */

static int fam_index(u16 family)
{
	return family == AF_INET ? 0 : family == AF_INET6 ? 1 : -1;
}

static unsigned int fam_bits(int fi)
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

void nfipsec_addr_mask(union nfipsec_addr *a, u16 family, u8 plen)
{
	unsigned int bits = family == AF_INET ? 32 : 128;

	mask_bits(a, min_t(unsigned int, plen, bits));
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_addr_mask);

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
static unsigned int common_bits(const union nfipsec_addr *x, const union nfipsec_addr *y,
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

static unsigned int shape_of(const struct nfipsec_sel *sel)
{
	return (sel->proto != NFIPSEC_ULPROTO_ANY ? SHAPE_PROTO : 0) |
	       (sel->sport ? SHAPE_SPORT : 0) | (sel->dport ? SHAPE_DPORT : 0);
}

/* Monotonic in the (priority, seq) order; see the top of the file. */
static unsigned long rank(u32 priority, u64 seq)
{
#if BITS_PER_LONG == 64
	return (unsigned long)priority << 32 | (unsigned long)min_t(u64, seq, U32_MAX);
#else
	return priority;
#endif
}

/* Family known, prefix lengths in range, addresses masked, padding zero. */
static bool sel_canonical(const struct nfipsec_sel *sel)
{
	union nfipsec_addr a;
	int fi = fam_index(sel->family);

	if (fi < 0 || sel->splen > fam_bits(fi) || sel->dplen > fam_bits(fi) ||
	    memchr_inv(sel->pad, 0, sizeof(sel->pad)))
		return false;
	a = sel->src;
	mask_bits(&a, sel->splen);
	if (memcmp(&a, &sel->src, sizeof(a)))
		return false;
	a = sel->dst;
	mask_bits(&a, sel->dplen);
	return !memcmp(&a, &sel->dst, sizeof(a));
}

bool nfipsec_sel_match(const struct nfipsec_sel *sel, const struct nfipsec_flow *f)
{
	union nfipsec_addr a;

	if (sel->family != f->family || fam_index(f->family) < 0)
		return false;
	if (sel->proto != NFIPSEC_ULPROTO_ANY && sel->proto != f->proto)
		return false;
	if ((sel->sport && sel->sport != f->sport) || (sel->dport && sel->dport != f->dport))
		return false;
	a = f->src;
	nfipsec_addr_mask(&a, f->family, sel->splen);
	if (memcmp(&a, &sel->src, sizeof(a)))
		return false;
	a = f->dst;
	nfipsec_addr_mask(&a, f->family, sel->dplen);
	return !memcmp(&a, &sel->dst, sizeof(a));
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sel_match);

/* ---------------------------------------------------------------------- */
/* Lengths of a trie                                                      */
/* ---------------------------------------------------------------------- */

static unsigned int lens_n(unsigned long lens)
{
	return lens & 0xff;
}

static unsigned int lens_at(unsigned long lens, unsigned int i)
{
	return (lens >> (8 * (i + 1))) & 0xff;
}

static unsigned long lens_set(unsigned long lens, unsigned int i, unsigned int plen)
{
	return (lens & ~(0xffUL << (8 * (i + 1)))) | (unsigned long)plen << (8 * (i + 1));
}

/* One more prefix of @plen in the trie whose lengths are *@lens. */
static void lens_add(unsigned long *lens, u32 *cnt, unsigned int plen)
{
	unsigned long l = *lens;
	unsigned int n = lens_n(l), i;

	if (n == LENS_MANY)
		return;
	for (i = 0; i < n; i++) {
		if (lens_at(l, i) == plen) {
			cnt[i]++;
			return;
		}
	}
	if (n == HLENS) {
		WRITE_ONCE(*lens, LENS_MANY);
		return;
	}
	cnt[n] = 1;
	WRITE_ONCE(*lens, (lens_set(l, n, plen) & ~0xffUL) | (n + 1));
}

/* One prefix of @plen fewer; the last one of a length takes its slot. */
static void lens_del(unsigned long *lens, u32 *cnt, unsigned int plen)
{
	unsigned long l = *lens;
	unsigned int n = lens_n(l), i;

	if (n == LENS_MANY)
		return;
	for (i = 0; i < n; i++) {
		if (lens_at(l, i) != plen)
			continue;
		if (--cnt[i])
			return;
		cnt[i] = cnt[n - 1];
		l = lens_set(l, i, lens_at(l, n - 1));
		WRITE_ONCE(*lens, (lens_set(l, n - 1, 0) & ~0xffUL) | (n - 1));
		return;
	}
	WARN_ON_ONCE(1);
}

/*
 * Probe the lengths of a trie of about @size prefixes rather than walk
 * it?  A walk takes about log2(size) + 1 steps, a probe about three.
 */
static __always_inline bool by_hash(unsigned long lens, u32 size)
{
	unsigned int n = lens_n(lens);

	return n && n <= HLENS && size >> (3 * n - 1);
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

/* ---------------------------------------------------------------------- */
/* Tries (writers)                                                        */
/* ---------------------------------------------------------------------- */

static struct nfipsec_spd_node *node_alloc(struct nfipsec_spd_engine *e, void *owner,
					   const union nfipsec_addr *key,
					   unsigned int plen, u8 level)
{
	struct nfipsec_spd_node *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return NULL;
	n->owner = owner;
	n->key = *key;
	mask_bits(&n->key, plen);
	n->plen = plen;
	n->mask = part_mask(plen);
	n->level = level;
	n->bound = ULONG_MAX;
	n->own = ULONG_MAX;
	e->nodes++;
	return n;
}

/* @n was published: readers may hold it until a grace period. */
static void node_free(struct nfipsec_spd_engine *e, struct nfipsec_spd_node *n)
{
	e->nodes--;
	kfree_rcu(n, rcu);
}

/* The pointer that leads to @n: its parent's child slot, or the root. */
static struct nfipsec_spd_node __rcu **slot_of(struct nfipsec_spd_engine *e,
					       struct nfipsec_spd_node __rcu **rootp,
					       struct nfipsec_spd_node *n)
{
	struct nfipsec_spd_node *p = n->parent;

	if (!p)
		return rootp;
	return &p->child[wderef(e, p->child[1]) == n];
}

/* A bound for @n's own entries (not its children's). */
static unsigned long own_bound(struct nfipsec_spd_engine *e, struct nfipsec_spd_node *n)
{
	struct nfipsec_spd_node *sub;

	if (n->level == LEVEL_DST)
		return n->nent ? n->own : ULONG_MAX;
	sub = wderef(e, n->sub);
	return sub ? sub->bound : ULONG_MAX;
}

/* Recompute the bounds from @n up to its root, after something left. */
static void fix_bounds(struct nfipsec_spd_engine *e, struct nfipsec_spd_node *n)
{
	for (; n; n = n->parent) {
		unsigned long b = own_bound(e, n);
		unsigned int i;

		for (i = 0; i < 2; i++) {
			struct nfipsec_spd_node *c = wderef(e, n->child[i]);

			if (c)
				b = min(b, c->bound);
		}
		WRITE_ONCE(n->bound, b);
	}
}

static void lower_bounds(struct nfipsec_spd_node *n, unsigned long r)
{
	for (; n; n = n->parent)
		if (n->bound > r)
			WRITE_ONCE(n->bound, r);
}

/*
 * The node of exactly @key/@plen in the trie at @rootp, created if needed
 * (with a branch node where it diverges from an existing one).  New nodes
 * are complete, and carry the bound of what they cover, before the single
 * rcu_assign_pointer() that shows them to readers.
 */
static struct nfipsec_spd_node *trie_get(struct nfipsec_spd_engine *e, void *owner,
					 struct nfipsec_spd_node __rcu **rootp,
					 const union nfipsec_addr *key,
					 unsigned int plen, u8 level)
{
	struct nfipsec_spd_node __rcu **slot = rootp;
	struct nfipsec_spd_node *parent = NULL, *n, *nn, *mid;
	const __be32 *k = key->a6.s6_addr32;
	unsigned int c = 0;

	while ((n = wderef(e, *slot))) {
		c = common_bits(&n->key, key, min_t(unsigned int, n->plen, plen));
		if (c < n->plen)
			break;
		if (n->plen == plen)
			return n;
		parent = n;
		slot = &n->child[bit_at(k, n->plen)];
	}
	nn = node_alloc(e, owner, key, plen, level);
	if (!nn)
		return ERR_PTR(-ENOMEM);
	nn->parent = parent;
	if (!n) {
		rcu_assign_pointer(*slot, nn);
		return nn;
	}
	if (c == plen) {
		/* The new prefix contains n: it goes between parent and n. */
		RCU_INIT_POINTER(nn->child[bit_at(n->key.a6.s6_addr32, plen)], n);
		nn->bound = n->bound;
		n->parent = nn;
		rcu_assign_pointer(*slot, nn);
		return nn;
	}
	/* They diverge at bit c: a branch node takes both. */
	mid = node_alloc(e, owner, key, c, level);
	if (!mid) {
		e->nodes--;
		kfree(nn);	/* never published */
		return ERR_PTR(-ENOMEM);
	}
	mid->parent = parent;
	mid->bound = n->bound;
	RCU_INIT_POINTER(mid->child[bit_at(k, c)], nn);
	RCU_INIT_POINTER(mid->child[bit_at(n->key.a6.s6_addr32, c)], n);
	nn->parent = mid;
	n->parent = mid;
	rcu_assign_pointer(*slot, mid);
	return nn;
}

/*
 * @n holds nothing any more.  With two children it stays, as a branch node;
 * else its child (if any) takes its place, and a branch node left with a
 * single child is spliced out the same way.
 */
static void trie_release(struct nfipsec_spd_engine *e, struct nfipsec_spd_node __rcu **rootp,
			 struct nfipsec_spd_node *n)
{
	struct nfipsec_spd_node *c0 = wderef(e, n->child[0]);
	struct nfipsec_spd_node *c1 = wderef(e, n->child[1]);
	struct nfipsec_spd_node *parent = n->parent, *child = c0 ?: c1;

	if (c0 && c1) {
		fix_bounds(e, n);
		return;
	}
	rcu_assign_pointer(*slot_of(e, rootp, n), child);
	if (child)
		child->parent = parent;
	node_free(e, n);

	if (parent && !parent->nent && !child) {
		struct nfipsec_spd_node *other = wderef(e, parent->child[0]) ?:
						 wderef(e, parent->child[1]);
		struct nfipsec_spd_node *gp = parent->parent;

		if (!WARN_ON_ONCE(!other)) {
			rcu_assign_pointer(*slot_of(e, rootp, parent), other);
			other->parent = gp;
			node_free(e, parent);
			parent = gp;
		}
	}
	fix_bounds(e, parent);
}

/* Where the lengths of @n's trie are kept. */
static void lens_of(struct nfipsec_spd_engine *e, struct nfipsec_spd_node *n,
		    unsigned long **lens, u32 **cnt)
{
	struct nfipsec_spd_node *sn = n->owner;
	unsigned int fi = n->owner == &e->root[1];

	if (n->level == LEVEL_SRC) {
		*lens = &e->lens[fi];
		*cnt = e->lcnt[fi];
	} else {
		*lens = &sn->lens;
		*cnt = sn->lcnt;
	}
}

/* @n is about to hold its first entry: make it findable by prefix. */
static int pay_on(struct nfipsec_spd_engine *e, struct nfipsec_spd_node *n)
{
	unsigned long *lens;
	u32 *cnt;
	int err;

	err = rhashtable_insert_fast(&e->prefixes, &n->pnode, pparams);
	if (err)
		return err;
	lens_of(e, n, &lens, &cnt);
	lens_add(lens, cnt, n->plen);
	if (n->level == LEVEL_SRC)
		e->spay[n->owner == &e->root[1]]++;
	return 0;
}

/*
 * @n holds nothing any more.  A trie left without entries forgets its
 * lengths, even untracked ones: it starts afresh.
 */
static void pay_off(struct nfipsec_spd_engine *e, struct nfipsec_spd_node *n)
{
	struct nfipsec_spd_node *sn = n->owner;
	unsigned int fi = n->owner == &e->root[1];
	unsigned long *lens;
	u32 *cnt;

	WARN_ON(rhashtable_remove_fast(&e->prefixes, &n->pnode, pparams));
	lens_of(e, n, &lens, &cnt);
	lens_del(lens, cnt, n->plen);
	if (n->level == LEVEL_SRC ? !--e->spay[fi] : !sn->nent)
		WRITE_ONCE(*lens, 0);
}

/* ---------------------------------------------------------------------- */
/* Engine                                                                 */
/* ---------------------------------------------------------------------- */

int nfipsec_spd_engine_init(struct nfipsec_spd_engine *e)
{
	int err;

	memset(e, 0, sizeof(*e));
	err = rhashtable_init(&e->entries, &hparams);
	if (err)
		return err;
	err = rhashtable_init(&e->prefixes, &pparams);
	if (err)
		rhashtable_destroy(&e->entries);
	return err;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_init);

void nfipsec_spd_engine_set_lock(struct nfipsec_spd_engine *e, struct mutex *lock)
{
	e->lock = lock;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_set_lock);

void nfipsec_spd_engine_destroy(struct nfipsec_spd_engine *e)
{
	WARN_ON(e->count || e->nodes || rcu_access_pointer(e->root[0]) ||
		rcu_access_pointer(e->root[1]));
	rhashtable_destroy(&e->prefixes);
	rhashtable_destroy(&e->entries);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_destroy);

unsigned int nfipsec_spd_engine_count(const struct nfipsec_spd_engine *e)
{
	return READ_ONCE(e->count);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_count);

unsigned int nfipsec_spd_engine_nodes(const struct nfipsec_spd_engine *e)
{
	return READ_ONCE(e->nodes);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_nodes);

static void set_hkey(struct nfipsec_spd_hkey *k, struct nfipsec_spd_node *pair,
		     u8 proto, __be16 sport, __be16 dport)
{
	*k = (struct nfipsec_spd_hkey){ .pair = pair, .proto = proto,
					.sport = sport, .dport = dport };
}

int nfipsec_spd_engine_insert(struct nfipsec_spd_engine *e, struct nfipsec_spd_entry *ent)
{
	const struct nfipsec_sel *sel = &ent->sel;
	struct nfipsec_spd_node *sn, *dn;
	unsigned int shape;
	unsigned long r;
	int fi, err;

	assert_writer(e);
	if (!sel_canonical(sel))
		return -EINVAL;
	fi = fam_index(sel->family);
	sn = trie_get(e, &e->root[fi], &e->root[fi], &sel->src, sel->splen, LEVEL_SRC);
	if (IS_ERR(sn))
		return PTR_ERR(sn);
	dn = trie_get(e, sn, &sn->sub, &sel->dst, sel->dplen, LEVEL_DST);
	if (IS_ERR(dn)) {
		err = PTR_ERR(dn);
		goto err_src;
	}
	if (!sn->nent) {
		err = pay_on(e, sn);
		if (err)
			goto err_dst;
	}
	if (!dn->nent) {
		err = pay_on(e, dn);
		if (err)
			goto err_src_pay;
	}
	set_hkey(&ent->hkey, dn, sel->proto, sel->sport, sel->dport);
	ent->seq = e->seq + 1;
	err = rhashtable_lookup_insert_fast(&e->entries, &ent->hnode, hparams);
	if (err)
		goto err_dst_pay;
	e->seq++;

	/* Now advertise it: shape first, then the single-entry shortcut. */
	shape = shape_of(sel);
	if (dn->cnt[shape] != U8_MAX)
		dn->cnt[shape]++;
	WRITE_ONCE(dn->shapes, dn->shapes | BIT(shape));
	rcu_assign_pointer(dn->one, dn->nent ? NULL : ent);
	WRITE_ONCE(dn->nent, dn->nent + 1);
	WRITE_ONCE(sn->nent, sn->nent + 1);
	WRITE_ONCE(e->count, e->count + 1);

	r = rank(ent->priority, ent->seq);
	if (dn->own > r)
		WRITE_ONCE(dn->own, r);
	lower_bounds(dn, r);
	lower_bounds(sn, r);
	return 0;

err_dst_pay:
	if (!dn->nent)
		pay_off(e, dn);
err_src_pay:
	if (!sn->nent)
		pay_off(e, sn);
err_dst:
	if (!dn->nent)
		trie_release(e, &sn->sub, dn);
err_src:
	if (!sn->nent)
		trie_release(e, &e->root[fi], sn);
	return err;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_insert);

void nfipsec_spd_engine_remove(struct nfipsec_spd_engine *e, struct nfipsec_spd_entry *ent)
{
	struct nfipsec_spd_node *dn = ent->hkey.pair, *sn = dn->owner;
	unsigned int shape = shape_of(&ent->sel);
	int fi = fam_index(ent->sel.family);

	assert_writer(e);
	if (WARN_ON(fi < 0) ||
	    WARN_ON(rhashtable_remove_fast(&e->entries, &ent->hnode, hparams)))
		return;

	if (dn->cnt[shape] != U8_MAX && !--dn->cnt[shape])
		WRITE_ONCE(dn->shapes, dn->shapes & ~BIT(shape));
	if (rcu_access_pointer(dn->one) == ent)
		RCU_INIT_POINTER(dn->one, NULL);
	WRITE_ONCE(dn->nent, dn->nent - 1);
	WRITE_ONCE(sn->nent, sn->nent - 1);
	WRITE_ONCE(e->count, e->count - 1);

	if (dn->nent) {
		fix_bounds(e, dn);
	} else {
		/* Empty: forget sticky counts and the stale bound too. */
		WRITE_ONCE(dn->shapes, 0);
		memset(dn->cnt, 0, sizeof(dn->cnt));
		WRITE_ONCE(dn->own, ULONG_MAX);
		pay_off(e, dn);
		trie_release(e, &sn->sub, dn);
	}
	if (sn->nent) {
		fix_bounds(e, sn);
	} else {
		pay_off(e, sn);
		trie_release(e, &e->root[fi], sn);
	}
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_remove);

int nfipsec_spd_engine_replace(struct nfipsec_spd_engine *e, struct nfipsec_spd_entry *old,
			       struct nfipsec_spd_entry *new)
{
	struct nfipsec_spd_node *dn = old->hkey.pair;
	unsigned long r;
	int err;

	assert_writer(e);
	if (memcmp(&old->sel, &new->sel, sizeof(new->sel)))
		return -EINVAL;
	new->hkey = old->hkey;
	new->seq = old->seq;
	/* Bounds first: a reader must not skip @new for @old's sake. */
	r = rank(new->priority, new->seq);
	if (dn->own > r)
		WRITE_ONCE(dn->own, r);
	lower_bounds(dn, r);
	lower_bounds(dn->owner, r);
	err = rhashtable_replace_fast(&e->entries, &old->hnode, &new->hnode, hparams);
	if (err)
		return err;
	if (rcu_access_pointer(dn->one) == old)
		rcu_assign_pointer(dn->one, new);
	return 0;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_replace);

struct nfipsec_spd_entry *nfipsec_spd_engine_find(struct nfipsec_spd_engine *e,
						  const struct nfipsec_sel *sel)
{
	struct nfipsec_spd_entry *ent = NULL;
	struct nfipsec_spd_node *sn, *dn;
	struct nfipsec_spd_hkey key;
	int fi;

	if (!sel_canonical(sel))
		return NULL;
	fi = fam_index(sel->family);
	rcu_read_lock();
	sn = pfx_lookup(e, &e->root[fi], &sel->src, sel->splen);
	dn = sn ? pfx_lookup(e, sn, &sel->dst, sel->dplen) : NULL;
	if (dn) {
		set_hkey(&key, dn, sel->proto, sel->sport, sel->dport);
		ent = rhashtable_lookup(&e->entries, &key, hparams);
	}
	rcu_read_unlock();
	return ent;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_find);

/* ---------------------------------------------------------------------- */
/* Lookup (readers)                                                       */
/* ---------------------------------------------------------------------- */

struct best {
	struct nfipsec_spd_entry *ent;
	unsigned long rank;
};

static __always_inline void consider(struct best *b, struct nfipsec_spd_entry *ent)
{
	if (b->ent && (ent->priority > b->ent->priority ||
		       (ent->priority == b->ent->priority && ent->seq > b->ent->seq)))
		return;
	b->ent = ent;
	b->rank = rank(ent->priority, ent->seq);
}

/* The entries of pair @dn that match @f's protocol and ports. */
static void probe_pair(struct nfipsec_spd_engine *e, struct nfipsec_spd_node *dn,
		       const struct nfipsec_flow *f, struct best *b)
{
	struct nfipsec_spd_entry *ent;
	struct nfipsec_spd_hkey key;
	unsigned long shapes;
	unsigned int s;

	shapes = READ_ONCE(dn->shapes);
	if (!shapes || READ_ONCE(dn->own) > b->rank)
		return;
	ent = rcu_dereference(dn->one);
	if (ent) {
		const struct nfipsec_sel *sel = &ent->sel;

		if ((sel->proto == NFIPSEC_ULPROTO_ANY || sel->proto == f->proto) &&
		    (!sel->sport || sel->sport == f->sport) &&
		    (!sel->dport || sel->dport == f->dport))
			consider(b, ent);
		return;
	}

	/* A specified proto is never ANY, nor a specified port 0. */
	if (f->proto == NFIPSEC_ULPROTO_ANY)
		shapes &= 0x55;		/* shapes without SHAPE_PROTO */
	if (!f->sport)
		shapes &= 0x33;		/* ... without SHAPE_SPORT */
	if (!f->dport)
		shapes &= 0x0f;		/* ... without SHAPE_DPORT */
	for_each_set_bit(s, &shapes, NSHAPES) {
		set_hkey(&key, dn, s & SHAPE_PROTO ? f->proto : NFIPSEC_ULPROTO_ANY,
			 s & SHAPE_SPORT ? f->sport : 0, s & SHAPE_DPORT ? f->dport : 0);
		ent = rhashtable_lookup(&e->entries, &key, hparams);
		if (ent)
			consider(b, ent);
	}
}

/* The pairs of source node @sn that contain @f's destination. */
static void search_dst(struct nfipsec_spd_engine *e, struct nfipsec_spd_node *sn,
		       const struct nfipsec_flow *f, unsigned int bits, struct best *b)
{
	unsigned long lens = READ_ONCE(sn->lens);
	const __be32 *d = f->dst.a6.s6_addr32;
	struct nfipsec_spd_node *dn;
	unsigned int i;

	if (by_hash(lens, READ_ONCE(sn->nent))) {
		for (i = 0; i < lens_n(lens); i++) {
			dn = pfx_lookup(e, sn, &f->dst, lens_at(lens, i));
			if (dn)
				probe_pair(e, dn, f, b);
		}
		return;
	}
	for (dn = rcu_dereference(sn->sub); dn;
	     dn = rcu_dereference(dn->child[bit_at(d, dn->plen)])) {
		if (!covers(dn, d) || READ_ONCE(dn->bound) > b->rank)
			break;
		probe_pair(e, dn, f, b);
		if (dn->plen == bits)
			break;
	}
}

struct nfipsec_spd_entry *nfipsec_spd_engine_lookup(struct nfipsec_spd_engine *e,
						    const struct nfipsec_flow *f)
{
	const __be32 *s = f->src.a6.s6_addr32;
	struct best b = { .ent = NULL, .rank = ULONG_MAX };
	struct nfipsec_spd_node *sn;
	int fi = fam_index(f->family);
	unsigned long lens;
	unsigned int bits, i;

	if (fi < 0)
		return NULL;
	bits = fam_bits(fi);
	lens = READ_ONCE(e->lens[fi]);
	if (by_hash(lens, READ_ONCE(e->spay[fi]))) {
		for (i = 0; i < lens_n(lens); i++) {
			sn = pfx_lookup(e, &e->root[fi], &f->src, lens_at(lens, i));
			if (sn && READ_ONCE(sn->bound) <= b.rank)
				search_dst(e, sn, f, bits, &b);
		}
		return b.ent;
	}
	for (sn = rcu_dereference(e->root[fi]); sn;
	     sn = rcu_dereference(sn->child[bit_at(s, sn->plen)])) {
		if (!covers(sn, s) || READ_ONCE(sn->bound) > b.rank)
			break;
		if (rcu_access_pointer(sn->sub))
			search_dst(e, sn, f, bits, &b);
		if (sn->plen == bits)
			break;
	}
	return b.ent;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_lookup);

/* ---------------------------------------------------------------------- */
/* Test support                                                           */
/* ---------------------------------------------------------------------- */

#if IS_ENABLED(CONFIG_KUNIT)
static int bad(const char *what, const struct nfipsec_spd_node *n)
{
	pr_err("spd_engine check: %s (node %px level %u plen %u)\n", what, n,
	       n ? n->level : 0, n ? n->plen : 0);
	return -EUCLEAN;
}

/* The node for @a/@plen with entries in @owner's trie: for the checker. */
static struct nfipsec_spd_node *pfx_get(struct nfipsec_spd_engine *e, void *owner,
					const union nfipsec_addr *a, unsigned int plen)
{
	struct nfipsec_spd_node *n;

	rcu_read_lock();
	n = pfx_lookup(e, owner, a, plen);
	rcu_read_unlock();
	return n;
}

/* The node after @n in a pre-order walk of its trie. */
static struct nfipsec_spd_node *walk_next(struct nfipsec_spd_engine *e,
					  struct nfipsec_spd_node *n)
{
	struct nfipsec_spd_node *c = wderef(e, n->child[0]) ?: wderef(e, n->child[1]);

	if (c)
		return c;
	for (; n->parent; n = n->parent) {
		c = wderef(e, n->parent->child[1]);
		if (c && c != n)
			return c;
	}
	return NULL;
}

/* The tracked lengths of a trie agree with @hist, its nodes per length. */
static int check_lens(unsigned long lens, const u32 *cnt, const u32 *hist, unsigned int bits)
{
	unsigned int n = lens_n(lens), i, distinct = 0;

	for (i = 0; i <= bits; i++)
		distinct += !!hist[i];
	if (n == LENS_MANY)
		return 0;
	if (n != distinct)
		return bad("number of lengths", NULL);
	for (i = 0; i < n; i++)
		if (!hist[lens_at(lens, i)] || hist[lens_at(lens, i)] != cnt[i])
			return bad("length count", NULL);
	return 0;
}

/* Every invariant of one trie; sums its entries into *nent. */
static int check_trie(struct nfipsec_spd_engine *e, void *owner, struct nfipsec_spd_node *root,
		      u8 level, unsigned int bits, u32 *hist, unsigned int *nent,
		      unsigned int *nodes, unsigned int *pays)
{
	struct nfipsec_spd_node *n;
	unsigned int i;
	int err;

	if (root && root->parent)
		return bad("root with a parent", root);
	for (n = root; n; n = walk_next(e, n)) {
		struct nfipsec_spd_node *sub = level == LEVEL_SRC ? wderef(e, n->sub) : NULL;
		union nfipsec_addr k = n->key;
		unsigned int kids = 0;

		(*nodes)++;
		mask_bits(&k, n->plen);
		if (n->level != level || n->owner != owner || n->plen > bits ||
		    memcmp(&k, &n->key, sizeof(k)) || memchr_inv(n->kpad, 0, sizeof(n->kpad)))
			return bad("level, owner, prefix length or unmasked key", n);
		for (i = 0; i < 2; i++) {
			struct nfipsec_spd_node *c = wderef(e, n->child[i]);

			if (!c)
				continue;
			kids++;
			if (c->parent != n || c->plen <= n->plen ||
			    common_bits(&c->key, &n->key, n->plen) != n->plen ||
			    bit_at(c->key.a6.s6_addr32, n->plen) != i)
				return bad("child misplaced", c);
			if (c->bound < n->bound)
				return bad("bound below its parent's", c);
		}
		if (n->bound > own_bound(e, n))
			return bad("bound above its own entries'", n);
		if (!n->nent && kids != 2)
			return bad("empty node without two children", n);
		if (pfx_get(e, owner, &n->key, n->plen) != (n->nent ? n : NULL))
			return bad("prefix hash disagrees", n);
		if (n->nent) {
			hist[n->plen]++;
			(*pays)++;
		}
		if (level == LEVEL_SRC) {
			unsigned int below = 0;
			u32 *dhist = kcalloc(129, sizeof(*dhist), GFP_KERNEL);

			if (!dhist)
				return -ENOMEM;
			err = !n->nent != !sub ? bad("entries and destination trie disagree", n) :
			      check_trie(e, n, sub, LEVEL_DST, bits, dhist, &below, nodes, pays) ?:
			      (n->nent ? check_lens(n->lens, n->lcnt, dhist, bits) :
			       n->lens ? bad("lengths of an empty trie", n) : 0);
			kfree(dhist);
			if (err)
				return err;
			if (below != n->nent)
				return bad("entry count of source node", n);
		} else {
			struct nfipsec_spd_entry *one = wderef(e, n->one);

			if (!n->nent && (n->shapes || one))
				return bad("empty pair with shapes", n);
			if (n->nent && !n->shapes)
				return bad("pair without shapes", n);
			if (one && (n->nent != 1 || one->hkey.pair != n))
				return bad("single-entry pointer", n);
		}
		*nent += n->nent;
	}
	return 0;
}

/* Bounds on the way to @n are at most @r. */
static bool bounded(const struct nfipsec_spd_node *n, unsigned long r)
{
	for (; n; n = n->parent)
		if (n->bound > r)
			return false;
	return true;
}

int nfipsec_spd_engine_check(struct nfipsec_spd_engine *e,
			     struct nfipsec_spd_entry *const *ents, unsigned int n)
{
	unsigned int fi, i, nent = 0, nodes = 0, pays = 0;
	u32 *hist;
	int err = 0;

	assert_writer(e);
	hist = kcalloc(129, sizeof(*hist), GFP_KERNEL);
	if (!hist)
		return -ENOMEM;
	for (fi = 0; fi < 2 && !err; fi++) {
		unsigned int srcs = 0;

		memset(hist, 0, 129 * sizeof(*hist));
		err = check_trie(e, &e->root[fi], wderef(e, e->root[fi]), LEVEL_SRC, fam_bits(fi),
				 hist, &nent, &nodes, &pays) ?:
		      check_lens(e->lens[fi], e->lcnt[fi], hist, fam_bits(fi));
		for (i = 0; i <= fam_bits(fi); i++)
			srcs += hist[i];
		if (!err && srcs != e->spay[fi])
			err = bad("source nodes with entries", NULL);
		if (!err && !srcs && e->lens[fi])
			err = bad("lengths of an empty trie", NULL);
	}
	kfree(hist);
	if (err)
		return err;
	if (nodes != e->nodes || nent != e->count || n != e->count ||
	    atomic_read(&e->entries.nelems) != n || atomic_read(&e->prefixes.nelems) != pays)
		return bad("counts", NULL);
	for (i = 0; i < n; i++) {
		struct nfipsec_spd_entry *ent = ents[i];
		struct nfipsec_spd_node *dn = ent->hkey.pair, *sn = dn->owner;
		unsigned long r = rank(ent->priority, ent->seq);

		if (nfipsec_spd_engine_find(e, &ent->sel) != ent)
			return bad("entry not found by its selector", dn);
		if (!(dn->shapes & BIT(shape_of(&ent->sel))) || !bounded(dn, r) ||
		    !bounded(sn, r) || r < dn->own)
			return bad("entry not covered by shape or bounds", dn);
	}
	return 0;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_engine_check);
#endif
