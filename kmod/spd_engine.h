/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spd_engine.h - the matcher under one security policy database: which
 * policy applies to a packet, lock-free, at up to 100k policies and more.
 *
 * An engine holds entries (struct nfipsec_spd_entry, embedded in the
 * policies of the SPD layer), each with a traffic selector, a priority and
 * an insertion sequence number.  One engine serves one (namespace,
 * direction).  The algorithm is described at the top of spd_engine.c.
 *
 * Locking and lifetime rules for callers:
 *
 *   - Writers (insert, remove, replace) are serialized by a mutex of the
 *     caller's; hand it to nfipsec_spd_engine_set_lock() after init and
 *     lockdep checks every writer.  Writers sleep (GFP_KERNEL).
 *   - nfipsec_spd_engine_lookup() runs under rcu_read_lock() only: it takes
 *     no lock, allocates nothing, and is never stalled by writers.  The
 *     entry it returns stays readable until the end of the read-side
 *     section; to keep the policy longer, take a reference with
 *     refcount_inc_not_zero() on the containing policy before leaving it.
 *   - After nfipsec_spd_engine_remove() (or replace) returns, readers may
 *     still see the old entry until a grace period has passed: free the
 *     containing policy through RCU (kfree_rcu/call_rcu), and do not reuse
 *     an entry for another insert before that grace period.
 *   - sel and priority must not change while the entry is inserted; to
 *     change them, replace (same sel) or remove + insert.
 */
#ifndef _NFIPSEC_SPD_ENGINE_H
#define _NFIPSEC_SPD_ENGINE_H

#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

#include "sadb.h"	/* union nfipsec_addr */

#define NFIPSEC_ULPROTO_ANY	255	/* IPSEC_ULPROTO_ANY */

/* A policy's traffic selector: memcmp()able, so padding is zero. */
struct nfipsec_sel {
	union nfipsec_addr src, dst;	/* stored masked to their prefix */
	__be16 sport, dport;		/* 0 = any; ICMP: type/code; GRE: key>>16 / key&0xffff */
	u16 family;			/* AF_INET or AF_INET6 */
	u8 splen, dplen;		/* prefix lengths */
	u8 proto;			/* upper-layer protocol, NFIPSEC_ULPROTO_ANY = any */
	u8 pad[3];			/* zero: selectors are compared with memcmp */
};

/* What a packet presents. */
struct nfipsec_flow {
	union nfipsec_addr src, dst;	/* AF_INET: only a4 is read */
	__be16 sport, dport;		/* 0 when the protocol has none */
	u16 family;
	u8 proto;
};

struct nfipsec_spd_node;

/*
 * Up to this many distinct prefix lengths per trie are tracked, packed in
 * one word (a count byte, then a byte per length) that readers load at
 * once: a trie with few lengths is searched by one hash probe per length.
 */
#define NFIPSEC_SPD_HLENS	(BITS_PER_LONG == 64 ? 4 : 3)

/* Key of the engine's entry hash (private). */
struct nfipsec_spd_hkey {
	struct nfipsec_spd_node *pair;	/* trie node of (src prefix, dst prefix) */
	__be16 sport, dport;
	u8 proto;
	u8 pad[3];
};

/* Embedded in a policy. */
struct nfipsec_spd_entry {
	struct nfipsec_sel sel;		/* set by the caller before insert */
	u32 priority;			/* LOWER value = preferred (Linux/XFRM semantics) */
	u64 seq;			/* set by the engine at insert: earlier wins ties */
	/* engine-private */
	struct rhash_head hnode;
	struct nfipsec_spd_hkey hkey;
};

/* One per (namespace, direction); embeddable.  Fields are private. */
struct nfipsec_spd_engine {
	struct nfipsec_spd_node __rcu *root[2];	/* source tries: IPv4, IPv6 */
	struct rhashtable entries;		/* nfipsec_spd_entry by hkey */
	struct rhashtable prefixes;		/* nodes with entries, by prefix */
	unsigned long lens[2];			/* source prefix lengths, if few */
	u32 lcnt[2][NFIPSEC_SPD_HLENS];		/* source nodes per length */
	u32 spay[2];				/* source nodes with entries */
	struct mutex *lock;			/* the writers' lock, for lockdep */
	unsigned int count;			/* entries */
	unsigned int nodes;			/* trie nodes allocated */
	u64 seq;				/* last sequence number given */
};

int nfipsec_spd_engine_init(struct nfipsec_spd_engine *e);
/* Writers will hold @lock: lockdep then proves it on every write. */
void nfipsec_spd_engine_set_lock(struct nfipsec_spd_engine *e, struct mutex *lock);
/* Entries must have been removed. */
void nfipsec_spd_engine_destroy(struct nfipsec_spd_engine *e);

/*
 * Writers, under the caller's lock.  insert: 0, -EEXIST when an entry with
 * an equal sel is present, -EINVAL for a selector that is not canonical
 * (family, prefix lengths, unmasked address bits, non-zero padding),
 * -ENOMEM.  remove: @ent must be inserted in @e.
 */
int nfipsec_spd_engine_insert(struct nfipsec_spd_engine *e, struct nfipsec_spd_entry *ent);
void nfipsec_spd_engine_remove(struct nfipsec_spd_engine *e, struct nfipsec_spd_entry *ent);
/*
 * Put @new in the place of @old (whose sel it must equal, else -EINVAL):
 * @new takes over @old's seq, so it keeps its rank among equal
 * priorities, and readers see one or the other at every instant, never
 * neither (remove + insert leaves a window with no entry, and moves the
 * entry to the end of its priority).  @new's priority may differ.
 */
int nfipsec_spd_engine_replace(struct nfipsec_spd_engine *e, struct nfipsec_spd_entry *old,
			       struct nfipsec_spd_entry *new);

/*
 * Exact-selector search (SPDADD/SPDUPDATE/SPDDELETE): the entry whose sel
 * equals @sel, or NULL.  Under the writers' lock or rcu_read_lock().
 */
struct nfipsec_spd_entry *nfipsec_spd_engine_find(struct nfipsec_spd_engine *e,
						  const struct nfipsec_sel *sel);

/*
 * The packet path, under rcu_read_lock(): the best entry matching @f (lowest
 * priority, then lowest seq), or NULL.
 */
struct nfipsec_spd_entry *nfipsec_spd_engine_lookup(struct nfipsec_spd_engine *e,
						    const struct nfipsec_flow *f);

/* Does @sel match @f?  The rule lookup applies, for callers and tests. */
bool nfipsec_sel_match(const struct nfipsec_sel *sel, const struct nfipsec_flow *f);

unsigned int nfipsec_spd_engine_count(const struct nfipsec_spd_engine *e);
/* Trie nodes allocated (0 once the engine is empty); for tests and /proc. */
unsigned int nfipsec_spd_engine_nodes(const struct nfipsec_spd_engine *e);

/*
 * Test support (KUnit kernels only): check every invariant of the tries
 * and bounds, and that exactly @ents[0..n) are inserted.  0 or -EUCLEAN,
 * with the reason in the kernel log.  Under the writers' lock.
 */
int nfipsec_spd_engine_check(struct nfipsec_spd_engine *e,
			     struct nfipsec_spd_entry *const *ents, unsigned int n);

/* Zero the bits of @a past @plen (and past the 4 bytes of an IPv4 address). */
void nfipsec_addr_mask(union nfipsec_addr *a, u16 family, u8 plen);

#endif /* _NFIPSEC_SPD_ENGINE_H */
