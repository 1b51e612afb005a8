// SPDX-License-Identifier: GPL-2.0
/*
 * spd.c - policy objects and the per-namespace SPD: insertion, removal,
 * lookup by selector, by id and by packet, and policy lifetimes.
 *
 * Ids.  PF_KEY clients see policy ids as Linux makes them: a counter that
 * grows by 8 with the direction in the low 3 bits (XFRM's
 * xfrm_gen_index(): 0 inbound, 1 outbound, 2 forward), so a client can
 * tell the direction from an id, as SPDGET and SPDDELETE2 require.
 *
 * Lifetimes.  A policy may carry add-time and use-time limits; when the
 * soft one runs out listeners get SADB_X_SPDEXPIRE, at the hard one the
 * policy is removed and they hear it again.  The mechanism is the SADB's:
 * a timer per policy queues it for a work item that takes spd->lock.
 */
#include <linux/ipsec.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "spd.h"

static const struct rhashtable_params id_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct nfipsec_policy, id),
	.head_offset = offsetof(struct nfipsec_policy, by_id),
	.automatic_shrinking = true,
};

static void policy_timer_fn(struct timer_list *t);

struct nfipsec_policy *nfipsec_policy_alloc(void)
{
	struct nfipsec_policy *pol = kzalloc(sizeof(*pol), GFP_KERNEL);

	if (!pol)
		return NULL;
	refcount_set(&pol->ref, 1);
	INIT_LIST_HEAD(&pol->node.list);
	timer_setup(&pol->timer, policy_timer_fn, 0);
	atomic64_set(&pol->packets, 0);
	atomic64_set(&pol->bytes, 0);
	return pol;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_policy_alloc);

static void policy_free_rcu(struct rcu_head *head)
{
	struct nfipsec_policy *pol = container_of(head, struct nfipsec_policy, rcu);

	kfree(pol->kept);
	kfree(pol);
}

void nfipsec_policy_put(struct nfipsec_policy *pol)
{
	if (pol && refcount_dec_and_test(&pol->ref))
		call_rcu(&pol->rcu, policy_free_rcu);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_policy_put);

struct nfipsec_policy *nfipsec_spd_lookup(struct nfipsec_spd *spd, u8 dir,
					  const struct nfipsec_flow *flow)
{
	struct nfipsec_spd_entry *ent;
	struct nfipsec_policy *pol = NULL;

	if (dir < IPSEC_DIR_INBOUND || dir > IPSEC_DIR_FWD)
		return NULL;
	rcu_read_lock();
	ent = nfipsec_spd_engine_lookup(&spd->eng[dir - 1], flow);
	if (ent) {
		pol = container_of(ent, struct nfipsec_policy, entry);
		if (!nfipsec_policy_get(pol))
			pol = NULL;
	}
	rcu_read_unlock();
	return pol;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_lookup);

struct nfipsec_policy *nfipsec_spd_find_sel(struct nfipsec_spd *spd, u8 dir,
					    const struct nfipsec_sel *sel)
{
	struct nfipsec_spd_entry *ent;

	lockdep_assert_held(&spd->lock);
	if (dir < IPSEC_DIR_INBOUND || dir > IPSEC_DIR_FWD)
		return NULL;
	ent = nfipsec_spd_engine_find(&spd->eng[dir - 1], sel);
	return ent ? container_of(ent, struct nfipsec_policy, entry) : NULL;
}

struct nfipsec_policy *nfipsec_spd_find_id(struct nfipsec_spd *spd, u32 id)
{
	lockdep_assert_held(&spd->lock);
	return rhashtable_lookup_fast(&spd->by_id, &id, id_params);
}

/* XFRM's numbering: a counter in steps of 8, the direction in bits 0-2. */
static u32 next_id(struct nfipsec_spd *spd, u8 dir)
{
	for (;;) {
		u32 id;

		spd->idx_gen += 8;
		id = spd->idx_gen | (dir - 1);
		if (!id)
			continue;
		if (!rhashtable_lookup_fast(&spd->by_id, &id, id_params))
			return id;
	}
}

u32 nfipsec_spd_gen_reqid(struct nfipsec_spd *spd)
{
	struct nfipsec_policy *pol, *tmp;
	bool used;
	int tries;

	lockdep_assert_held(&spd->lock);
	for (tries = 0; tries < 0x10000; tries++) {
		int i;

		if (++spd->reqid_gen <= NFIPSEC_MANUAL_REQID_MAX)
			spd->reqid_gen = NFIPSEC_MANUAL_REQID_MAX + 1;
		used = false;
		nfipsec_spd_for_each(spd, pol, tmp) {
			for (i = 0; i < pol->nreq; i++)
				used |= pol->req[i].reqid == spd->reqid_gen;
			if (used)
				break;
		}
		if (!used)
			return spd->reqid_gen;
	}
	return 0;
}

static void arm_timer(struct nfipsec_policy *pol);

int nfipsec_spd_insert(struct nfipsec_spd *spd, struct nfipsec_policy *pol)
{
	int err;

	lockdep_assert_held(&spd->lock);
	if (spd->dying)
		return -ENOENT;
	pol->spd = spd;
	pol->id = next_id(spd, pol->dir);
	pol->created = ktime_get_real_seconds();
	pol->created_mono = ktime_get_seconds();
	err = rhashtable_lookup_insert_fast(&spd->by_id, &pol->by_id, id_params);
	if (err)
		return err;
	err = pol->ifindex ? 0 :
	      nfipsec_spd_engine_insert(&spd->eng[pol->dir - 1], &pol->entry);
	if (err) {
		rhashtable_remove_fast(&spd->by_id, &pol->by_id, id_params);
		return err;
	}
	refcount_inc(&pol->ref);
	list_add_tail(&pol->node.list, &spd->all);
	spd->count++;
	arm_timer(pol);
	return 0;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_insert);

int nfipsec_spd_replace(struct nfipsec_spd *spd, struct nfipsec_policy *old,
			struct nfipsec_policy *pol)
{
	int err;

	lockdep_assert_held(&spd->lock);
	if (spd->dying)
		return -ENOENT;
	pol->spd = spd;
	pol->id = old->id;
	pol->created = ktime_get_real_seconds();
	pol->created_mono = ktime_get_seconds();
	/* Packets see the old policy or the new one, never neither. */
	err = nfipsec_spd_engine_replace(&spd->eng[pol->dir - 1], &old->entry,
					 &pol->entry);
	if (err)
		return err;
	rhashtable_remove_fast(&spd->by_id, &old->by_id, id_params);
	WARN_ON(rhashtable_insert_fast(&spd->by_id, &pol->by_id, id_params));
	refcount_inc(&pol->ref);
	list_replace_init(&old->node.list, &pol->node.list);
	timer_shutdown_sync(&old->timer);
	nfipsec_policy_put(old);
	arm_timer(pol);
	return 0;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_replace);

void nfipsec_spd_remove(struct nfipsec_spd *spd, struct nfipsec_policy *pol)
{
	lockdep_assert_held(&spd->lock);
	if (!pol->ifindex)
		nfipsec_spd_engine_remove(&spd->eng[pol->dir - 1], &pol->entry);
	rhashtable_remove_fast(&spd->by_id, &pol->by_id, id_params);
	list_del_init(&pol->node.list);
	spd->count--;
	timer_shutdown_sync(&pol->timer);
	nfipsec_policy_put(pol);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_remove);

/* ---------------------------------------------------------------------- */
/* Lifetimes                                                              */
/* ---------------------------------------------------------------------- */

static void queue_expire(struct nfipsec_policy *pol)
{
	struct nfipsec_spd *spd = pol->spd;

	if (test_and_set_bit(0, &pol->expire_queued))
		return;
	if (!nfipsec_policy_get(pol)) {
		clear_bit(0, &pol->expire_queued);
		return;
	}
	llist_add(&pol->expire_node, &spd->expired);
	schedule_work(&spd->expire_work);
}

static void policy_timer_fn(struct timer_list *t)
{
	queue_expire(container_of(t, struct nfipsec_policy, timer));
}

static void earliest(time64_t *best, time64_t base, u64 after)
{
	time64_t at;

	if (!after || !base)
		return;
	at = base + (time64_t)min_t(u64, after, S64_MAX / 2);
	if (!*best || at < *best)
		*best = at;
}

static void arm_timer(struct nfipsec_policy *pol)
{
	time64_t t = 0, now = ktime_get_seconds();
	time64_t used = READ_ONCE(pol->lastused_mono);

	earliest(&t, pol->created_mono, pol->hard.addtime);
	earliest(&t, used, pol->hard.usetime);
	if (!pol->soft_fired) {
		earliest(&t, pol->created_mono, pol->soft.addtime);
		earliest(&t, used, pol->soft.usetime);
	}
	if (!t)
		del_timer(&pol->timer);
	else
		mod_timer(&pol->timer, jiffies + (t > now ? (t - now) * HZ : 0) + 1);
}

static bool past(time64_t now, time64_t base, u64 after)
{
	return after && base && now >= base + (time64_t)min_t(u64, after, S64_MAX / 2);
}

void nfipsec_policy_used(struct nfipsec_policy *pol, unsigned int bytes)
{
	time64_t now = ktime_get_seconds();

	atomic64_inc(&pol->packets);
	atomic64_add(bytes, &pol->bytes);
	/* Use times move on at most once a second. */
	if (READ_ONCE(pol->lastused_mono) != now) {
		WRITE_ONCE(pol->lastused_mono, now);
		WRITE_ONCE(pol->lastused, ktime_get_real_seconds());
		if (pol->hard.usetime || pol->soft.usetime)
			queue_expire(pol);
	}
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_policy_used);

static void expire_one(struct nfipsec_spd *spd, struct nfipsec_policy *pol)
{
	time64_t now = ktime_get_seconds(), used = READ_ONCE(pol->lastused_mono);

	if (list_empty(&pol->node.list))
		return;
	/*
	 * Use-time counts idle time here, as in KAME: the policy expires
	 * when it has not been used for that long (and, if never used, from
	 * its creation).
	 */
	/*
	 * Soft first: a worker that runs late (a starved guest) may find
	 * both limits passed at once, and a key manager must still hear the
	 * soft SPDEXPIRE before the hard one (as for SAs, sadb.c).
	 */
	if (!pol->soft_fired &&
	    (past(now, pol->created_mono, pol->soft.addtime) ||
	     past(now, used ? used : pol->created_mono, pol->soft.usetime))) {
		pol->soft_fired = true;
		if (spd->ops && spd->ops->expired)
			spd->ops->expired(spd, pol, false);
	}
	if (past(now, pol->created_mono, pol->hard.addtime) ||
	    past(now, used ? used : pol->created_mono, pol->hard.usetime)) {
		if (spd->ops && spd->ops->expired)
			spd->ops->expired(spd, pol, true);
		nfipsec_spd_remove(spd, pol);
		return;
	}
	arm_timer(pol);
}

static void expire_work(struct work_struct *work)
{
	struct nfipsec_spd *spd = container_of(work, struct nfipsec_spd, expire_work);
	struct llist_node *batch = llist_del_all(&spd->expired);
	struct nfipsec_policy *pol, *tmp;

	mutex_lock(&spd->lock);
	llist_for_each_entry_safe(pol, tmp, batch, expire_node) {
		clear_bit(0, &pol->expire_queued);
		if (!spd->dying)
			expire_one(spd, pol);
		nfipsec_policy_put(pol);
	}
	mutex_unlock(&spd->lock);
}

/* ---------------------------------------------------------------------- */
/* Database                                                               */
/* ---------------------------------------------------------------------- */

int nfipsec_spd_init(struct nfipsec_spd *spd, const struct nfipsec_spd_ops *ops,
		     void *owner)
{
	int err, i;

	mutex_init(&spd->lock);
	INIT_LIST_HEAD(&spd->all);
	init_llist_head(&spd->expired);
	INIT_WORK(&spd->expire_work, expire_work);
	spd->count = 0;
	spd->idx_gen = 0;
	spd->reqid_gen = NFIPSEC_MANUAL_REQID_MAX;
	spd->dying = false;
	spd->ops = ops;
	spd->owner = owner;

	err = rhashtable_init(&spd->by_id, &id_params);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(spd->eng); i++) {
		err = nfipsec_spd_engine_init(&spd->eng[i]);
		if (err)
			goto err_eng;
		nfipsec_spd_engine_set_lock(&spd->eng[i], &spd->lock);
	}
	return 0;

err_eng:
	while (--i >= 0)
		nfipsec_spd_engine_destroy(&spd->eng[i]);
	rhashtable_destroy(&spd->by_id);
	return err;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_init);

void nfipsec_spd_destroy(struct nfipsec_spd *spd)
{
	struct nfipsec_policy *pol, *tmp;
	struct llist_node *left;
	int i;

	mutex_lock(&spd->lock);
	spd->dying = true;
	nfipsec_spd_for_each(spd, pol, tmp)
		nfipsec_spd_remove(spd, pol);
	WARN_ON(!list_empty(&spd->all));	/* a dump outlived its socket */
	mutex_unlock(&spd->lock);

	cancel_work_sync(&spd->expire_work);
	left = llist_del_all(&spd->expired);
	llist_for_each_entry_safe(pol, tmp, left, expire_node)
		nfipsec_policy_put(pol);

	for (i = 0; i < ARRAY_SIZE(spd->eng); i++)
		nfipsec_spd_engine_destroy(&spd->eng[i]);
	rhashtable_destroy(&spd->by_id);
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_spd_destroy);
