// SPDX-License-Identifier: GPL-2.0
/*
 * sockpolicy.c - per-socket policies: setsockopt(IP_IPSEC_POLICY /
 * IPV6_IPSEC_POLICY) with a KAME sadb_x_policy, as racoon and charon put
 * "bypass" on their IKE sockets (seed ipsec(4): bypass, entrust, ipsec).
 *
 * Linux routes that setsockopt to the XFRM key managers' compile_policy();
 * af_key is the one that understands the KAME format.  With nfipsec in
 * af_key's place we register an XFRM key manager whose only job is this:
 *
 *  - compile_policy() builds the xfrm_policy XFRM attaches to the socket.
 *    Its action is XFRM's for discard (BLOCK: XFRM drops the socket's
 *    traffic) and ALLOW otherwise, and IPsec requests become *optional*
 *    XFRM templates, so XFRM itself never requires an XFRM SA for them;
 *  - the real meaning (type, direction, requests with their levels) goes
 *    into a registry keyed by that xfrm_policy, where nfipsec's packet
 *    path finds it from skb->sk->sk_policy[], and SPDDUMP lists it as a
 *    per-socket policy, as af_key does (directions 4 and 5: XFRM's socket
 *    policy slots, plus one).
 *
 * The registry holds a reference on each xfrm_policy.  XFRM marks a policy
 * dead when its socket goes; dead entries are dropped whenever the
 * registry is walked and by a periodic sweep, so a closed socket pins
 * one small policy for a few seconds at most.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipsec.h>
#include <linux/pfkeyv2.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/xfrm.h>

#include "sockpolicy.h"
#include "pfkey_parse.h"

static LIST_HEAD(registry);		/* nfipsec_sockpol, RCU */
static DEFINE_SPINLOCK(registry_lock);
static struct delayed_work sweep_work;

#define SWEEP_INTERVAL (5 * HZ)

static void sockpol_free_rcu(struct rcu_head *head)
{
	struct nfipsec_sockpol *sp = container_of(head, struct nfipsec_sockpol, rcu);

	xfrm_pol_put(sp->xp);
	kfree(sp);
}

/* Drop registry entries whose socket is gone (registry_lock held). */
static void sweep_locked(void)
{
	struct nfipsec_sockpol *sp, *tmp;

	list_for_each_entry_safe(sp, tmp, &registry, list) {
		if (!READ_ONCE(sp->xp->walk.dead))
			continue;
		list_del_rcu(&sp->list);
		call_rcu(&sp->rcu, sockpol_free_rcu);
	}
}

static void sweep_fn(struct work_struct *work)
{
	bool again;

	spin_lock_bh(&registry_lock);
	sweep_locked();
	again = !list_empty(&registry);
	spin_unlock_bh(&registry_lock);
	if (again)
		schedule_delayed_work(&sweep_work, SWEEP_INTERVAL);
}

const struct nfipsec_sockpol *nfipsec_sockpol_find(const struct xfrm_policy *xp)
{
	struct nfipsec_sockpol *sp;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "nfipsec_sockpol_find without RCU");
	list_for_each_entry_rcu(sp, &registry, list)
		if (sp->xp == xp)
			return READ_ONCE(xp->walk.dead) ? NULL : sp;
	return NULL;
}

const struct nfipsec_sockpol *nfipsec_sockpol_of(const struct sock *sk, int dir)
{
	struct xfrm_policy *xp;

	if (!sk || !sk_fullsock(sk))
		return NULL;
	xp = rcu_dereference(sk->sk_policy[dir]);
	return xp ? nfipsec_sockpol_find(xp) : NULL;
}

int nfipsec_sockpol_snapshot(struct net *net, struct nfipsec_sockpol_view ***out)
{
	struct nfipsec_sockpol_view **v = NULL;
	struct nfipsec_sockpol *sp;
	int n = 0, max = 0;

	spin_lock_bh(&registry_lock);
	sweep_locked();
	list_for_each_entry(sp, &registry, list)
		max += net_eq(xp_net(sp->xp), net);
	if (max)
		v = kcalloc(max, sizeof(*v), GFP_ATOMIC);
	list_for_each_entry(sp, &registry, list) {
		struct nfipsec_sockpol_view *c;

		if (!v || n == max || !net_eq(xp_net(sp->xp), net))
			continue;
		c = kmalloc(sizeof(*c) + sp->xpol_len, GFP_ATOMIC);
		if (!c)
			break;
		c->id = sp->xp->index;
		/* The registry's own reference is not one af_key would count. */
		c->refcnt = refcount_read(&sp->xp->refcnt) - 1;
		c->add_time = READ_ONCE(sp->xp->curlft.add_time);
		c->use_time = READ_ONCE(sp->xp->curlft.use_time);
		c->dir = sp->dir;
		c->family = sp->family;
		c->xpol_len = sp->xpol_len;
		memcpy(c->xpol, sp->xpol, sp->xpol_len);
		v[n++] = c;
	}
	spin_unlock_bh(&registry_lock);
	*out = v;
	return max && !v ? -ENOMEM : n;
}

void nfipsec_sockpol_free_views(struct nfipsec_sockpol_view **v, int n)
{
	while (n-- > 0)
		kfree(v[n]);
	kfree(v);
}

/* Requests into @sp (validated as the SPD does) and optional XFRM templates. */
static int parse_requests(const struct sadb_x_policy *pol, size_t len,
			  struct nfipsec_sockpol *sp, struct xfrm_policy *xp)
{
	const u8 *p = (const u8 *)(pol + 1);
	size_t left = len - sizeof(*pol);

	while (left) {
		const struct sadb_x_ipsecrequest *rq = (const void *)p;
		struct nfipsec_ipsecreq *r;
		struct xfrm_tmpl *t;
		size_t l = left >= sizeof(*rq) ? rq->sadb_x_ipsecrequest_len : 0;

		if (l < sizeof(*rq) || l > left || l % 8 ||
		    sp->nreq == NFIPSEC_MAX_REQS)
			return -EINVAL;
		r = &sp->req[sp->nreq];
		r->proto = rq->sadb_x_ipsecrequest_proto;
		r->mode = rq->sadb_x_ipsecrequest_mode;
		r->level = rq->sadb_x_ipsecrequest_level;
		r->reqid = rq->sadb_x_ipsecrequest_reqid;
		if ((r->proto != IPPROTO_ESP && r->proto != IPPROTO_AH &&
		     r->proto != IPPROTO_COMP) ||
		    (r->mode != IPSEC_MODE_TRANSPORT && r->mode != IPSEC_MODE_TUNNEL) ||
		    r->level > IPSEC_LEVEL_UNIQUE)
			return -EINVAL;
		if (r->mode == IPSEC_MODE_TUNNEL) {
			const u8 *a = (const u8 *)(rq + 1);
			size_t al, room = l - sizeof(*rq);
			u16 f1, f2;

			if (room < 2)
				return -EINVAL;
			memcpy(&f1, a, 2);
			al = pfkey_sockaddr_len(f1);
			if (!al || room < 2 * al)
				return -EINVAL;
			memcpy(&f2, a + al, 2);
			if (f1 != f2)
				return -EINVAL;
			r->family = f1;
			nfipsec_addr_from_sockaddr(&r->src, a);
			nfipsec_addr_from_sockaddr(&r->dst, a + al);
		}
		/* XFRM must never require an XFRM SA: every template optional. */
		t = &xp->xfrm_vec[xp->xfrm_nr++];
		t->id.proto = r->proto;
		t->mode = r->mode == IPSEC_MODE_TUNNEL ? XFRM_MODE_TUNNEL :
			  XFRM_MODE_TRANSPORT;
		t->reqid = r->reqid;
		t->optional = 1;
		t->allalgs = 1;
		t->encap_family = r->family ? r->family : xp->family;
		memcpy(&t->saddr, &r->src, sizeof(t->saddr));
		memcpy(&t->id.daddr, &r->dst, sizeof(t->id.daddr));
		sp->nreq++;
		p += l;
		left -= l;
	}
	return sp->type == IPSEC_POLICY_IPSEC && !sp->nreq ? -EINVAL : 0;
}

static struct xfrm_policy *compile_policy(struct sock *sk, int opt, u8 *data,
					  int len, int *dir)
{
	const struct sadb_x_policy *pol = (const void *)data;
	struct nfipsec_sockpol *sp;
	struct xfrm_policy *xp;
	size_t plen;
	int err;

	switch (sk->sk_family) {
	case AF_INET:
		err = opt == IP_IPSEC_POLICY ? 0 : -EOPNOTSUPP;
		break;
	case AF_INET6:
		err = opt == IPV6_IPSEC_POLICY ? 0 : -EOPNOTSUPP;
		break;
	default:
		err = -EINVAL;
	}
	if (err) {
		*dir = err;
		return NULL;
	}
	*dir = -EINVAL;
	if (len < (int)sizeof(*pol))
		return NULL;
	plen = (size_t)pol->sadb_x_policy_len * 8;
	if (plen < sizeof(*pol) || plen > (size_t)len ||
	    pol->sadb_x_policy_type > IPSEC_POLICY_BYPASS ||
	    pol->sadb_x_policy_dir < IPSEC_DIR_INBOUND ||
	    pol->sadb_x_policy_dir > IPSEC_DIR_OUTBOUND)
		return NULL;

	/* Called under rcu_read_lock() by xfrm_user_policy(): no sleeping. */
	sp = kzalloc(sizeof(*sp) + plen, GFP_ATOMIC);
	if (!sp) {
		*dir = -ENOBUFS;
		return NULL;
	}
	xp = xfrm_policy_alloc(sock_net(sk), GFP_ATOMIC);
	if (!xp) {
		kfree(sp);
		*dir = -ENOBUFS;
		return NULL;
	}
	xp->action = pol->sadb_x_policy_type == IPSEC_POLICY_DISCARD ?
		     XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
	xp->lft.soft_byte_limit = XFRM_INF;
	xp->lft.hard_byte_limit = XFRM_INF;
	xp->lft.soft_packet_limit = XFRM_INF;
	xp->lft.hard_packet_limit = XFRM_INF;
	xp->family = sk->sk_family;
	xp->xfrm_nr = 0;

	sp->type = pol->sadb_x_policy_type;
	sp->dir = pol->sadb_x_policy_dir;
	sp->family = sk->sk_family;
	sp->xpol_len = plen;
	memcpy(sp->xpol, pol, plen);
	if (sp->type == IPSEC_POLICY_IPSEC && parse_requests(pol, plen, sp, xp)) {
		xp->walk.dead = 1;
		xfrm_policy_destroy(xp);
		kfree(sp);
		return NULL;
	}

	xfrm_pol_hold(xp);
	sp->xp = xp;
	spin_lock_bh(&registry_lock);
	list_add_tail_rcu(&sp->list, &registry);
	spin_unlock_bh(&registry_lock);
	schedule_delayed_work(&sweep_work, SWEEP_INTERVAL);

	*dir = pol->sadb_x_policy_dir - 1;
	return xp;
}

/* XFRM's own ACQUIREs are for XFRM's key managers, not PF_KEY's. */
static int no_acquire(struct xfrm_state *x, struct xfrm_tmpl *t,
		      struct xfrm_policy *xp)
{
	return -EINVAL;
}

static struct xfrm_mgr nfipsec_km = {
	.acquire	= no_acquire,
	.compile_policy	= compile_policy,
};

int nfipsec_sockpol_init(void)
{
	INIT_DELAYED_WORK(&sweep_work, sweep_fn);
	xfrm_register_km(&nfipsec_km);
	return 0;
}

void nfipsec_sockpol_exit(void)
{
	struct nfipsec_sockpol *sp, *tmp;

	xfrm_unregister_km(&nfipsec_km);
	cancel_delayed_work_sync(&sweep_work);
	/*
	 * Sockets may keep their xfrm_policy (XFRM owns it); only our view
	 * of them goes.  A reference we hold is dropped here.
	 */
	spin_lock_bh(&registry_lock);
	list_for_each_entry_safe(sp, tmp, &registry, list) {
		list_del_rcu(&sp->list);
		call_rcu(&sp->rcu, sockpol_free_rcu);
	}
	spin_unlock_bh(&registry_lock);
}
