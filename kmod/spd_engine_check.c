// SPDX-License-Identifier: GPL-2.0
/*
 * spd_engine_check.c - test support for the SPD engine: walk both levels of
 * tries and check every invariant the lockless lookup relies on (see the
 * top of spd_engine.c), and that the entries present are exactly those the
 * caller expects.  Built into KUnit kernels only; the KUnit suite
 * (test/spd_engine_kunit.c) calls it between its random operations.
 */
#include <linux/kconfig.h>

#if IS_ENABLED(CONFIG_KUNIT)
#include <linux/slab.h>

#include "spd_engine.h"
#include "spd_node.h"

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
