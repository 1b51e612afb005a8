// SPDX-License-Identifier: GPL-2.0
/*
 * sadb.c - the SA tables of one namespace: lookup, insertion, SPI
 * allocation, removal, and the lifetime state machine (see sadb.h for the
 * locking and reference rules).
 *
 * Lifetimes.  Each SA has one timer, armed for its next time deadline
 * (larval timeout, soft/hard add-time, soft/hard use-time after the first
 * use, or the end of the DEAD linger).  Byte and allocation limits are
 * checked where traffic is counted (nfipsec_sa_account()).  Neither the
 * timer nor the packet path may sleep or take db->lock, so both only
 * queue the SA on db->expired; expire_work() then takes db->lock and
 * moves the SA along LARVAL/MATURE -> DYING -> DEAD -> gone, telling the
 * owner (SADB_EXPIRE) at the soft and the hard limit.
 */
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/in.h>
#include <linux/ipsec.h>

#include "sadb.h"
#include "xform.h"

static const struct rhashtable_params spi_params = {
	.key_len = sizeof(struct nfipsec_spi_key),
	.key_offset = offsetof(struct nfipsec_sa, id),
	.head_offset = offsetof(struct nfipsec_sa, by_spi),
	.automatic_shrinking = true,
};

static const struct rhashtable_params pair_params = {
	.key_len = sizeof(struct nfipsec_pair_key),
	.key_offset = offsetof(struct nfipsec_sa, pair),
	.head_offset = offsetof(struct nfipsec_sa, by_pair),
	.automatic_shrinking = true,
};

static const struct rhashtable_params seq_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct nfipsec_sa, seq),
	.head_offset = offsetof(struct nfipsec_sa, by_seq),
	.automatic_shrinking = true,
};

u8 nfipsec_satype_to_proto(u8 satype)
{
	switch (satype) {
	case SADB_SATYPE_AH:
		return IPPROTO_AH;
	case SADB_SATYPE_ESP:
		return IPPROTO_ESP;
	case SADB_X_SATYPE_IPCOMP:
		return IPPROTO_COMP;
	default:
		return 0;
	}
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_satype_to_proto);

u8 nfipsec_proto_to_satype(u8 proto)
{
	switch (proto) {
	case IPPROTO_AH:
		return SADB_SATYPE_AH;
	case IPPROTO_ESP:
		return SADB_SATYPE_ESP;
	case IPPROTO_COMP:
		return SADB_X_SATYPE_IPCOMP;
	default:
		return 0;
	}
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_proto_to_satype);

void nfipsec_addr_from_sockaddr(union nfipsec_addr *a, const void *sa)
{
	u16 family;

	memset(a, 0, sizeof(*a));
	memcpy(&family, sa, sizeof(family));
	if (family == AF_INET)
		memcpy(&a->a4, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (family == AF_INET6)
		memcpy(&a->a6, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_addr_from_sockaddr);

/* ---------------------------------------------------------------------- */
/* Objects                                                                */
/* ---------------------------------------------------------------------- */

static void sa_timer_fn(struct timer_list *t);

struct nfipsec_sa *nfipsec_sa_alloc(gfp_t gfp)
{
	struct nfipsec_sa *sa = kzalloc(sizeof(*sa), gfp);

	if (!sa)
		return NULL;
	refcount_set(&sa->ref, 1);
	INIT_LIST_HEAD(&sa->node.list);
	timer_setup(&sa->timer, sa_timer_fn, 0);
	atomic64_set(&sa->cur_bytes, 0);
	atomic64_set(&sa->cur_allocations, 0);
	atomic64_set(&sa->seq_out, 0);
	return sa;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_alloc);

static void sa_free_rcu(struct rcu_head *head)
{
	struct nfipsec_sa *sa = container_of(head, struct nfipsec_sa, rcu);

	/* Keys leave the kernel's memory zeroed (kfree_sensitive). */
	kfree_sensitive(sa->akey);
	kfree_sensitive(sa->ekey);
	nfipsec_xform_free(sa->xf);
	kfree(sa->kept);
	kfree(sa);
}

void nfipsec_sa_put(struct nfipsec_sa *sa)
{
	if (sa && refcount_dec_and_test(&sa->ref))
		call_rcu(&sa->rcu, sa_free_rcu);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_put);

/* ---------------------------------------------------------------------- */
/* Lookups                                                                */
/* ---------------------------------------------------------------------- */

struct nfipsec_sa *nfipsec_sa_lookup_spi(struct nfipsec_sadb *db, u16 family,
					 const union nfipsec_addr *dst,
					 __be32 spi, u8 proto)
{
	struct nfipsec_spi_key key = { .dst = *dst, .spi = spi,
				       .family = family, .proto = proto };
	struct nfipsec_sa *sa;

	rcu_read_lock();
	sa = rhashtable_lookup(&db->by_spi, &key, spi_params);
	if (sa && !nfipsec_sa_get(sa))
		sa = NULL;
	rcu_read_unlock();
	return sa;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_lookup_spi);

static int state_rank(u8 state)
{
	switch (state) {
	case SADB_SASTATE_MATURE:
		return 2;
	case SADB_SASTATE_DYING:
		return 1;
	default:
		return 0;	/* larval and dead SAs carry no traffic */
	}
}

struct nfipsec_sa *nfipsec_sa_lookup_out(struct nfipsec_sadb *db, u16 family,
					 const union nfipsec_addr *src,
					 const union nfipsec_addr *dst, u8 proto,
					 u8 mode, u32 reqid)
{
	struct nfipsec_pair_key key = { .src = *src, .dst = *dst,
					.family = family, .proto = proto };
	struct nfipsec_sa *sa, *best = NULL;
	struct rhlist_head *list, *pos;

	rcu_read_lock();
	list = rhltable_lookup(&db->by_pair, &key, pair_params);
	rhl_for_each_entry_rcu(sa, pos, list, by_pair) {
		int rank = state_rank(READ_ONCE(sa->state));

		if (!rank || (reqid && sa->reqid != reqid))
			continue;
		if (sa->mode != IPSEC_MODE_ANY && mode != IPSEC_MODE_ANY &&
		    sa->mode != mode)
			continue;
		if (best) {
			int brank = state_rank(READ_ONCE(best->state));

			if (rank < brank ||
			    (rank == brank && sa->created_mono < best->created_mono))
				continue;
		}
		best = sa;
	}
	if (best && !nfipsec_sa_get(best))
		best = NULL;
	rcu_read_unlock();
	return best;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_lookup_out);

struct nfipsec_sa *nfipsec_sa_find_larval_seq(struct nfipsec_sadb *db, u32 seq,
					      u8 proto, u16 family,
					      const union nfipsec_addr *dst)
{
	struct rhlist_head *list, *pos;
	struct nfipsec_sa *sa;

	lockdep_assert_held(&db->lock);
	if (!seq)
		return NULL;
	/* db->lock keeps what we find alive; RCU is for the walk itself. */
	rcu_read_lock();
	list = rhltable_lookup(&db->by_seq, &seq, seq_params);
	rhl_for_each_entry_rcu(sa, pos, list, by_seq) {
		if (sa->state == SADB_SASTATE_LARVAL && sa->id.proto == proto &&
		    sa->id.family == family && !memcmp(&sa->id.dst, dst, sizeof(*dst)))
			goto out;
	}
	sa = NULL;
out:
	rcu_read_unlock();
	return sa;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_find_larval_seq);

struct nfipsec_sa *nfipsec_sa_find_larval(struct nfipsec_sadb *db, u16 family,
					  const union nfipsec_addr *src,
					  const union nfipsec_addr *dst, u8 proto,
					  u8 mode, u32 reqid)
{
	struct nfipsec_pair_key key = { .src = *src, .dst = *dst,
					.family = family, .proto = proto };
	struct rhlist_head *list, *pos;
	struct nfipsec_sa *sa;

	lockdep_assert_held(&db->lock);
	rcu_read_lock();
	list = rhltable_lookup(&db->by_pair, &key, pair_params);
	rhl_for_each_entry_rcu(sa, pos, list, by_pair) {
		if (sa->state == SADB_SASTATE_LARVAL && !sa->id.spi &&
		    sa->mode == mode && sa->reqid == reqid)
			goto out;
	}
	sa = NULL;
out:
	rcu_read_unlock();
	return sa;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_find_larval);

bool nfipsec_sa_larval_pending(struct nfipsec_sadb *db, u16 family,
			       const union nfipsec_addr *src,
			       const union nfipsec_addr *dst, u8 proto,
			       u8 mode, u32 reqid)
{
	struct nfipsec_pair_key key = { .src = *src, .dst = *dst,
					.family = family, .proto = proto };
	struct rhlist_head *list, *pos;
	struct nfipsec_sa *sa;
	bool found = false;

	rcu_read_lock();
	list = rhltable_lookup(&db->by_pair, &key, pair_params);
	rhl_for_each_entry_rcu(sa, pos, list, by_pair) {
		if (READ_ONCE(sa->state) == SADB_SASTATE_LARVAL && sa->seq &&
		    (sa->mode == mode || sa->mode == IPSEC_MODE_ANY) &&
		    (!reqid || sa->reqid == reqid)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

void nfipsec_sa_fail_larval(struct nfipsec_sadb *db, u32 seq)
{
	struct rhlist_head *list, *pos;
	struct nfipsec_sa *sa;

	lockdep_assert_held(&db->lock);
	rcu_read_lock();
	list = rhltable_lookup(&db->by_seq, &seq, seq_params);
	rhl_for_each_entry_rcu(sa, pos, list, by_seq)
		if (sa->state == SADB_SASTATE_LARVAL)
			WRITE_ONCE(sa->failed, true);
	rcu_read_unlock();
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_fail_larval);

/* ---------------------------------------------------------------------- */
/* Writers                                                                */
/* ---------------------------------------------------------------------- */

/*
 * Count ESP-in-UDP destination @dport in (@add) or out of
 * db->encap_ports.  Only adding can fail (-ENOMEM): replacing a value or
 * erasing one allocates nothing.
 */
static int encap_port_count(struct nfipsec_sadb *db, __be16 dport, bool add)
{
	unsigned long port = ntohs(dport);
	unsigned long n;
	void *old;
	int err;

	old = xa_load(&db->encap_ports, port);
	n = old ? xa_to_value(old) : 0;
	if (add) {
		err = xa_err(xa_store(&db->encap_ports, port, xa_mk_value(n + 1),
				      GFP_KERNEL));
		if (err)
			return err;
		WRITE_ONCE(db->encap_count, db->encap_count + 1);
	} else {
		if (WARN_ON_ONCE(!n))
			return 0;
		if (n == 1)
			xa_erase(&db->encap_ports, port);
		else
			xa_store(&db->encap_ports, port, xa_mk_value(n - 1), GFP_KERNEL);
		WRITE_ONCE(db->encap_count, db->encap_count - 1);
	}
	return 0;
}

/* @sa's ESP-in-UDP destination port, if it has one: see encap_port_count(). */
static int encap_port(struct nfipsec_sadb *db, const struct nfipsec_sa *sa, bool add)
{
	return sa->encap_type ? encap_port_count(db, sa->encap_dport, add) : 0;
}

static void unhash(struct nfipsec_sadb *db, struct nfipsec_sa *sa)
{
	if (sa->in_spi_table) {
		rhashtable_remove_fast(&db->by_spi, &sa->by_spi, spi_params);
		sa->in_spi_table = false;
	}
	if (sa->in_seq_table) {
		rhltable_remove(&db->by_seq, &sa->by_seq, seq_params);
		sa->in_seq_table = false;
	}
	if (sa->state != SADB_SASTATE_DEAD) {
		rhltable_remove(&db->by_pair, &sa->by_pair, pair_params);
		encap_port(db, sa, false);
	}
}

int nfipsec_sa_insert(struct nfipsec_sadb *db, struct nfipsec_sa *sa)
{
	int err;

	lockdep_assert_held(&db->lock);
	if (db->dying)
		return -ENOENT;
	sa->db = db;
	sa->created = ktime_get_real_seconds();
	sa->created_mono = ktime_get_seconds();
	if (sa->id.spi) {
		err = rhashtable_lookup_insert_fast(&db->by_spi, &sa->by_spi,
						    spi_params);
		if (err)
			return err;
		sa->in_spi_table = true;
	}
	err = encap_port(db, sa, true);
	if (err)
		goto err_spi;
	err = rhltable_insert(&db->by_pair, &sa->by_pair, pair_params);
	if (err)
		goto err_port;
	if (sa->state == SADB_SASTATE_LARVAL && sa->seq) {
		err = rhltable_insert(&db->by_seq, &sa->by_seq, seq_params);
		if (err)
			goto err_pair;
		sa->in_seq_table = true;
	}
	/* The database's reference. */
	refcount_inc(&sa->ref);
	list_add_tail(&sa->node.list, &db->all);
	db->count++;
	nfipsec_sa_lifetimes_changed(sa);
	return 0;

err_pair:
	rhltable_remove(&db->by_pair, &sa->by_pair, pair_params);
err_port:
	encap_port(db, sa, false);
err_spi:
	if (sa->in_spi_table)
		rhashtable_remove_fast(&db->by_spi, &sa->by_spi, spi_params);
	sa->in_spi_table = false;
	return err;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_insert);

/* Map [0, range) onto a uniformly chosen u32 without division. */
static u32 random_below(u64 range)
{
	return (u32)(((u64)get_random_u32() * range) >> 32);
}

int nfipsec_sa_alloc_spi(struct nfipsec_sadb *db, struct nfipsec_sa *sa,
			 u32 min, u32 max)
{
	u64 range = (u64)max - min + 1;
	struct nfipsec_spi_key key = sa->id;
	u64 i, scan;
	u32 start;
	int err;

	lockdep_assert_held(&db->lock);
	if (sa->id.spi)
		return 0;
	if (min > max)
		return -EINVAL;

	/*
	 * Random SPIs (RFC 4301 prefers unpredictable ones): a few tries
	 * find a free one unless the range is nearly full; then a bounded
	 * linear scan from a random point settles it.
	 */
	for (i = 0; i < 16; i++) {
		key.spi = htonl(min + random_below(range));
		if (!rhashtable_lookup_fast(&db->by_spi, &key, spi_params))
			goto found;
	}
	start = random_below(range);
	scan = min_t(u64, range, 1 << 20);
	for (i = 0; i < scan; i++) {
		key.spi = htonl(min + (u32)((start + i) % range));
		if (!rhashtable_lookup_fast(&db->by_spi, &key, spi_params))
			goto found;
	}
	return -EAGAIN;

found:
	sa->id.spi = key.spi;
	err = rhashtable_lookup_insert_fast(&db->by_spi, &sa->by_spi, spi_params);
	if (err) {
		sa->id.spi = 0;
		return err;
	}
	sa->in_spi_table = true;
	return 0;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_alloc_spi);

void nfipsec_sa_remove(struct nfipsec_sadb *db, struct nfipsec_sa *sa)
{
	lockdep_assert_held(&db->lock);
	unhash(db, sa);
	WRITE_ONCE(sa->state, SADB_SASTATE_DEAD);
	list_del_init(&sa->node.list);
	db->count--;
	timer_shutdown_sync(&sa->timer);
	nfipsec_sa_put(sa);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_remove);

int nfipsec_sa_replace(struct nfipsec_sadb *db, struct nfipsec_sa *old,
		       struct nfipsec_sa *new)
{
	lockdep_assert_held(&db->lock);
	/* Free the SPI slot first: the new SA takes the same one. */
	if (old->in_spi_table) {
		rhashtable_remove_fast(&db->by_spi, &old->by_spi, spi_params);
		old->in_spi_table = false;
	}
	nfipsec_sa_remove(db, old);
	return nfipsec_sa_insert(db, new);
}

int nfipsec_sa_move_encap(struct nfipsec_sadb *db, struct nfipsec_sa *sa,
			  __be16 sport, __be16 dport)
{
	int err;

	lockdep_assert_held(&db->lock);
	if (WARN_ON_ONCE(!sa->encap_type || list_empty(&sa->node.list)))
		return -EINVAL;
	/* Learn the new port before forgetting the old: failing changes nothing. */
	if (dport != sa->encap_dport) {
		err = encap_port_count(db, dport, true);
		if (err)
			return err;
		encap_port_count(db, sa->encap_dport, false);
	}
	/* The packet path reads them without a lock; each is one store. */
	WRITE_ONCE(sa->encap_sport, sport);
	WRITE_ONCE(sa->encap_dport, dport);
	/* A mapping seen before the move is news again if it comes back. */
	WRITE_ONCE(sa->natt_seen, 0);
	return 0;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_move_encap);

/* ---------------------------------------------------------------------- */
/* Lifetimes                                                              */
/* ---------------------------------------------------------------------- */

static void queue_expire(struct nfipsec_sa *sa)
{
	struct nfipsec_sadb *db = sa->db;

	if (test_and_set_bit(0, &sa->expire_queued))
		return;
	if (!nfipsec_sa_get(sa)) {
		clear_bit(0, &sa->expire_queued);
		return;
	}
	llist_add(&sa->expire_node, &db->expired);
	schedule_work(&db->expire_work);
}

static void sa_timer_fn(struct timer_list *t)
{
	queue_expire(container_of(t, struct nfipsec_sa, timer));
}

static void take_earliest(time64_t *best, time64_t base, u64 after)
{
	time64_t at;

	if (!after)
		return;
	at = base + (time64_t)min_t(u64, after, S64_MAX / 2);
	if (!*best || at < *best)
		*best = at;
}

/* Monotonic second of the next time event of @sa, 0 for none. */
static time64_t next_deadline(const struct nfipsec_sa *sa)
{
	time64_t t = 0, used = READ_ONCE(sa->first_use_mono);

	switch (READ_ONCE(sa->state)) {
	case SADB_SASTATE_LARVAL:
		take_earliest(&t, sa->created_mono,
			      READ_ONCE(*sa->db->larval_lifetime));
		break;
	case SADB_SASTATE_DEAD:
		take_earliest(&t, sa->dead_since_mono, NFIPSEC_DEAD_LINGER);
		break;
	default:
		take_earliest(&t, sa->created_mono, sa->hard.addtime);
		if (used)
			take_earliest(&t, used, sa->hard.usetime);
		if (!sa->soft_fired) {
			take_earliest(&t, sa->created_mono, sa->soft.addtime);
			if (used)
				take_earliest(&t, used, sa->soft.usetime);
		}
	}
	return t;
}

void nfipsec_sa_lifetimes_changed(struct nfipsec_sa *sa)
{
	time64_t at = next_deadline(sa), now = ktime_get_seconds();

	if (!at) {
		del_timer(&sa->timer);
		return;
	}
	/* Whole seconds, as PF_KEY counts: fire at or just after @at. */
	mod_timer(&sa->timer, jiffies + (at > now ? (at - now) * HZ : 0) + 1);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_lifetimes_changed);

static bool over(u64 cur, u64 limit)
{
	return limit && cur >= limit;
}

static bool time_over(time64_t now, time64_t base, u64 after)
{
	return after && base && now >= base + (time64_t)min_t(u64, after, S64_MAX / 2);
}

static bool hit(const struct nfipsec_sa *sa, const struct nfipsec_lifetime *l,
		time64_t now)
{
	return over(atomic64_read(&sa->cur_bytes), l->bytes) ||
	       over(atomic64_read(&sa->cur_allocations), l->allocations) ||
	       time_over(now, sa->created_mono, l->addtime) ||
	       time_over(now, READ_ONCE(sa->first_use_mono), l->usetime);
}

void nfipsec_sa_account(struct nfipsec_sa *sa, u64 bytes)
{
	u64 b = atomic64_add_return(bytes, &sa->cur_bytes);
	u64 a = atomic64_inc_return(&sa->cur_allocations);
	bool wake = false;

	if (unlikely(!READ_ONCE(sa->first_use_mono))) {
		if (!cmpxchg(&sa->first_use_mono, 0, ktime_get_seconds())) {
			WRITE_ONCE(sa->first_use, ktime_get_real_seconds());
			/* Use-time limits start now: the worker re-arms. */
			wake = sa->hard.usetime || sa->soft.usetime;
		}
	}
	if (over(b, sa->hard.bytes) || over(a, sa->hard.allocations) ||
	    (!READ_ONCE(sa->soft_fired) &&
	     (over(b, sa->soft.bytes) || over(a, sa->soft.allocations))))
		wake = true;
	if (unlikely(wake))
		queue_expire(sa);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sa_account);

/* One step of the state machine for @sa, under db->lock. */
static void expire_one(struct nfipsec_sadb *db, struct nfipsec_sa *sa)
{
	time64_t now = ktime_get_seconds();

	if (list_empty(&sa->node.list))
		return;		/* removed meanwhile */

	switch (sa->state) {
	case SADB_SASTATE_LARVAL:
		if (now < sa->created_mono + READ_ONCE(*db->larval_lifetime))
			break;
		/* Nobody completed it: it goes, and listeners hear so. */
		if (db->ops && db->ops->expired)
			db->ops->expired(db, sa, NFIPSEC_EXPIRE_HARD, &sa->hard);
		nfipsec_sa_remove(db, sa);
		return;
	case SADB_SASTATE_DEAD:
		if (now >= sa->dead_since_mono + NFIPSEC_DEAD_LINGER) {
			nfipsec_sa_remove(db, sa);
			return;
		}
		break;
	default:
		if (hit(sa, &sa->hard, now)) {
			/*
			 * A soft limit passed unannounced (this worker ran late,
			 * or one packet crossed both byte limits) is announced
			 * first: a daemon always hears soft before hard, as
			 * XFRM's timer makes sure for add and use times.
			 */
			if (!sa->soft_fired && hit(sa, &sa->soft, now)) {
				WRITE_ONCE(sa->soft_fired, true);
				WRITE_ONCE(sa->state, SADB_SASTATE_DYING);
				if (db->ops && db->ops->expired)
					db->ops->expired(db, sa, NFIPSEC_EXPIRE_SOFT,
							 &sa->soft);
			}
			/*
			 * Hard limit: no more traffic.  It leaves the lookup
			 * tables now and stays listed as DEAD for a while, so
			 * that setkey -D -a can show it.
			 */
			unhash(db, sa);
			WRITE_ONCE(sa->state, SADB_SASTATE_DEAD);
			sa->dead_since_mono = now;
			if (db->ops && db->ops->expired)
				db->ops->expired(db, sa, NFIPSEC_EXPIRE_HARD,
						 &sa->hard);
		} else if (!sa->soft_fired && hit(sa, &sa->soft, now)) {
			WRITE_ONCE(sa->soft_fired, true);
			WRITE_ONCE(sa->state, SADB_SASTATE_DYING);
			if (db->ops && db->ops->expired)
				db->ops->expired(db, sa, NFIPSEC_EXPIRE_SOFT,
						 &sa->soft);
		}
	}
	nfipsec_sa_lifetimes_changed(sa);
}

static void expire_work(struct work_struct *work)
{
	struct nfipsec_sadb *db = container_of(work, struct nfipsec_sadb,
					       expire_work);
	struct llist_node *batch = llist_del_all(&db->expired);
	struct nfipsec_sa *sa, *tmp;

	mutex_lock(&db->lock);
	llist_for_each_entry_safe(sa, tmp, batch, expire_node) {
		clear_bit(0, &sa->expire_queued);
		if (!db->dying)
			expire_one(db, sa);
		nfipsec_sa_put(sa);
	}
	mutex_unlock(&db->lock);
}

/* ---------------------------------------------------------------------- */
/* Database                                                               */
/* ---------------------------------------------------------------------- */

static const int default_larval_lifetime = NFIPSEC_LARVAL_LIFETIME;

int nfipsec_sadb_init(struct nfipsec_sadb *db, const struct nfipsec_sadb_ops *ops,
		      void *owner)
{
	int err;

	mutex_init(&db->lock);
	INIT_LIST_HEAD(&db->all);
	init_llist_head(&db->expired);
	INIT_WORK(&db->expire_work, expire_work);
	db->count = 0;
	db->acq_seq = 0;
	db->dying = false;
	db->ops = ops;
	db->owner = owner;
	db->larval_lifetime = &default_larval_lifetime;
	xa_init(&db->encap_ports);
	db->encap_count = 0;

	err = rhashtable_init(&db->by_spi, &spi_params);
	if (err)
		return err;
	err = rhltable_init(&db->by_pair, &pair_params);
	if (err)
		goto err_spi;
	err = rhltable_init(&db->by_seq, &seq_params);
	if (err)
		goto err_pair;
	return 0;

err_pair:
	rhltable_destroy(&db->by_pair);
err_spi:
	rhashtable_destroy(&db->by_spi);
	return err;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sadb_init);

void nfipsec_sadb_destroy(struct nfipsec_sadb *db)
{
	struct nfipsec_sa *sa, *tmp;
	struct llist_node *left;

	mutex_lock(&db->lock);
	db->dying = true;
	nfipsec_sadb_for_each_sa(db, sa, tmp)
		nfipsec_sa_remove(db, sa);
	WARN_ON(!list_empty(&db->all));	/* a dump walker outlived its socket */
	mutex_unlock(&db->lock);

	/* Timers are stopped: nothing can queue any more. */
	cancel_work_sync(&db->expire_work);
	left = llist_del_all(&db->expired);
	llist_for_each_entry_safe(sa, tmp, left, expire_node)
		nfipsec_sa_put(sa);

	rhltable_destroy(&db->by_seq);
	rhltable_destroy(&db->by_pair);
	rhashtable_destroy(&db->by_spi);
	WARN_ON(!xa_empty(&db->encap_ports));
	xa_destroy(&db->encap_ports);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_sadb_destroy);
