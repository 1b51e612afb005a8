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
 * most 2k nodes: 100k selectors take 2 to 2.7 nodes each, 30-35 MB.
 *
 * Limits.  A source trie with many prefix lengths and many prefixes is
 * walked, one dependent load per level: about 17 levels for 65k random
 * prefixes.  The instructions per lookup then stay nearly flat from 1k to
 * 100k entries (+25% for spd_bench's mixed set), but once the tries
 * outgrow the caches each level is a miss, and time grows with them.  A
 * multibit (level-compressed) source trie, or taking the dense lengths out
 * of the trie into the prefix hash, would cut those levels; meanwhile a
 * walk prefetches both children of each node, so that the next level
 * arrives while this one is examined (+40% at 100k on real hardware).
 */
#include <linux/bits.h>
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/prefetch.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/socket.h>

#include "spd_engine.h"
#include "spd_node.h"

static const struct rhashtable_params hparams = {
	.key_len = sizeof(struct nfipsec_spd_hkey),
	.key_offset = offsetof(struct nfipsec_spd_entry, hkey),
	.head_offset = offsetof(struct nfipsec_spd_entry, hnode),
	.hashfn = spd_hash,
	.automatic_shrinking = true,
};

/* ---------------------------------------------------------------------- */
/* Addresses, shapes, ranks                                               */
/* ---------------------------------------------------------------------- */

void nfipsec_addr_mask(union nfipsec_addr *a, u16 family, u8 plen)
{
	unsigned int bits = family == AF_INET ? 32 : 128;

	mask_bits(a, min_t(unsigned int, plen, bits));
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_addr_mask);

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
		prefetch(rcu_access_pointer(dn->child[0]));
		prefetch(rcu_access_pointer(dn->child[1]));
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
		/* The next level is one of them: fetch it during this one. */
		prefetch(rcu_access_pointer(sn->child[0]));
		prefetch(rcu_access_pointer(sn->child[1]));
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
