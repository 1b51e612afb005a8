// SPDX-License-Identifier: GPL-2.0
/*
 * acquire.c - SADB_ACQUIRE from traffic (RFC 2367 3.1.6): an outbound
 * packet needs an SA that does not exist.
 *
 * The packet path (atomic context) drops the packet and calls
 * nfipsec_acquire(); unless a larval SA with an ACQUIRE sequence already
 * waits for the same (addresses, protocol, mode, reqid) — the common case
 * for every packet after the first — a small request is queued (at most
 * ACQ_MAX_PENDING per namespace) for a work item.  The work item, under
 * the namespace's PF_KEY lock, creates the larval SA (which GETSPI/UPDATE
 * or ADD then complete, see pfkey_sa.c, and which dies after
 * net.key.larval_lifetime if nobody does) and sends the ACQUIRE to every
 * registered PF_KEY socket, with the extensions af_key sends: source and
 * destination addresses of the SA, the policy (id, direction, priority)
 * racoon and charon look their own policy up by, and a proposal listing
 * what the kernel can run.  Packets are dropped, not held, while the key
 * manager negotiates (XFRM's default, xfrm_larval_drop=1).
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipsec.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "acquire.h"
#include "alg.h"
#include "netns.h"
#include "pfkey_sock.h"
#include "pfkey_build.h"

#define ACQ_MAX_PENDING	256

/* Lifetimes af_key proposes in its sadb_comb entries. */
#define COMB_HARD_ADDTIME	(8 * 60 * 60)
#define COMB_SOFT_ADDTIME	(7 * 60 * 60)

struct acq_req {
	struct llist_node node;
	u16 family;
	union nfipsec_addr src, dst;
	u8 proto, mode;
	u32 reqid;
	u32 policy_id;
	u32 priority;
};

void nfipsec_acquire(struct nfipsec_net *nn, u32 policy_id, u32 priority,
		     const struct nfipsec_ipsecreq *r, u16 family,
		     const union nfipsec_addr *src, const union nfipsec_addr *dst)
{
	struct acq_req *q;

	if (nfipsec_sa_larval_pending(&nn->sadb, family, src, dst, r->proto,
				      r->mode, r->reqid))
		return;
	if (atomic_inc_return(&nn->acq_pending) > ACQ_MAX_PENDING)
		goto full;
	q = kzalloc(sizeof(*q), GFP_ATOMIC);
	if (!q)
		goto full;
	q->family = family;
	q->src = *src;
	q->dst = *dst;
	q->proto = r->proto;
	q->mode = r->mode;
	q->reqid = r->reqid;
	q->policy_id = policy_id;
	q->priority = priority;
	llist_add(&q->node, &nn->acq_queue);
	queue_work(system_wq, &nn->acq_work);
	return;
full:
	atomic_dec(&nn->acq_pending);
}

/* ---------------------------------------------------------------------- */
/* The message                                                            */
/* ---------------------------------------------------------------------- */

static void put_comb(struct sk_buff *skb, const struct nfipsec_alg *a,
		     const struct nfipsec_alg *e)
{
	struct sadb_comb *c = skb_put_zero(skb, sizeof(*c));

	if (a) {
		c->sadb_comb_auth = a->id;
		c->sadb_comb_auth_minbits = nfipsec_alg_min_bits(a);
		c->sadb_comb_auth_maxbits = nfipsec_alg_max_bits(a);
	}
	if (e) {
		c->sadb_comb_encrypt = e->id;
		c->sadb_comb_encrypt_minbits = nfipsec_alg_min_bits(e);
		c->sadb_comb_encrypt_maxbits = nfipsec_alg_max_bits(e);
	}
	c->sadb_comb_hard_addtime = COMB_HARD_ADDTIME;
	c->sadb_comb_soft_addtime = COMB_SOFT_ADDTIME;
}

/*
 * The proposal, in decreasing order of preference as RFC 2367 (2.3.5)
 * asks: for AH the integrity algorithms, for ESP the AEADs alone and then
 * every other cipher with every integrity algorithm, for IPcomp the
 * compressors -- what this kernel can run now.  Algorithms of the table
 * that the lists below do not name follow, in table order.
 *
 * The whole ACQUIRE is kept within ACQ_MSG_MAX bytes: strongSwan's
 * kernel-pfkey reads its event socket into a 4096-byte buffer
 * (PFKEY_BUFFER_SIZE in kernel_pfkey_ipsec.c) and throws away any longer
 * message ("buffer was too small to receive the complete PF_KEY
 * message"), so an ACQUIRE listing every cipher x integrity pair (80
 * combinations, 5848 bytes, on Debian's 6.1 with the usual crypto modules;
 * up to 98) never reached charon and its trap policies never negotiated.
 * 55 combinations fit; the least preferred are left out.
 */
#define ACQ_MSG_MAX	4096

static const u8 pref_aead[] = {
	SADB_X_EALG_AES_GCM_ICV16, SADB_X_EALG_AES_GCM_ICV12,
	SADB_X_EALG_AES_GCM_ICV8, SADB_X_EALG_CHACHA20_POLY1305,
	SADB_X_EALG_AES_CCM_ICV16, SADB_X_EALG_AES_CCM_ICV12,
	SADB_X_EALG_AES_CCM_ICV8, SADB_X_EALG_NULL_AES_GMAC,
};

static const u8 pref_enc[] = {
	SADB_X_EALG_AESCBC, SADB_X_EALG_AESCTR, SADB_X_EALG_CAMELLIACBC,
	SADB_X_EALG_TWOFISHCBC, SADB_X_EALG_SERPENTCBC, SADB_X_EALG_SM4CBC,
	SADB_EALG_3DESCBC, SADB_X_EALG_BLOWFISHCBC, SADB_X_EALG_CASTCBC,
	SADB_EALG_DESCBC,
};

static const u8 pref_auth[] = {
	SADB_X_AALG_SHA2_256HMAC, SADB_X_AALG_SHA2_384HMAC,
	SADB_X_AALG_SHA2_512HMAC, SADB_AALG_SHA1HMAC,
	SADB_X_AALG_AES_XCBC_MAC, SADB_X_AALG_AES_CMAC,
	SADB_X_AALG_SM3_256HMAC, SADB_X_AALG_RIPEMD160HMAC, SADB_AALG_MD5HMAC,
};

static const u8 pref_comp[] = {
	SADB_X_CALG_DEFLATE, SADB_X_CALG_LZS, SADB_X_CALG_LZJH,
};

static bool in_list(const u8 *ids, unsigned int n, u8 id)
{
	while (n--)
		if (ids[n] == id)
			return true;
	return false;
}

/* Algorithm @i (@a) is usable, of @type, and AEAD as @aead asks (-1: either). */
static bool alg_fits(const bool *ok, unsigned int i, const struct nfipsec_alg *a,
		     u8 type, int aead)
{
	return ok[i] && a->type == type &&
	       (aead < 0 || !!(a->flags & NFIPSEC_ALG_F_AEAD) == aead);
}

/*
 * The usable algorithms of @type (AEAD or not, for ESP ciphers) in
 * preference order: table indexes into @out, their number returned.
 */
static unsigned int ordered(const bool *ok, u8 type, int aead,
			    const u8 *pref, unsigned int npref, u8 *out)
{
	const struct nfipsec_alg *a;
	unsigned int i, j, n = 0;

	for (j = 0; j < npref; j++)
		for (i = 0; (a = nfipsec_alg_at(i)); i++)
			if (alg_fits(ok, i, a, type, aead) && a->id == pref[j])
				out[n++] = i;
	for (i = 0; (a = nfipsec_alg_at(i)); i++)
		if (alg_fits(ok, i, a, type, aead) && !in_list(pref, npref, a->id))
			out[n++] = i;
	return n;
}

/* One combination, unless @max are there already: false when full. */
static bool add_comb(struct sk_buff *skb, unsigned int *n, unsigned int max,
		     const struct nfipsec_alg *a, const struct nfipsec_alg *e)
{
	if (*n >= max)
		return false;
	(*n)++;
	if (skb)
		put_comb(skb, a, e);
	return true;
}

/* Put (or with @skb NULL, count) at most @max combinations. */
static unsigned int walk_combs(struct sk_buff *skb, u8 proto, const bool *ok,
			       unsigned int max)
{
	u8 auth[NFIPSEC_ALG_MAX], enc[NFIPSEC_ALG_MAX];
	unsigned int na, ne, i, j, n = 0;

	if (proto == IPPROTO_AH) {
		na = ordered(ok, NFIPSEC_ALG_AUTH, -1, pref_auth,
			     ARRAY_SIZE(pref_auth), auth);
		for (i = 0; i < na; i++)
			if (!add_comb(skb, &n, max, nfipsec_alg_at(auth[i]), NULL))
				break;
		return n;
	}
	if (proto == IPPROTO_COMP) {
		ne = ordered(ok, NFIPSEC_ALG_COMP, -1, pref_comp,
			     ARRAY_SIZE(pref_comp), enc);
		for (i = 0; i < ne; i++)
			if (!add_comb(skb, &n, max, NULL, nfipsec_alg_at(enc[i])))
				break;
		return n;
	}
	ne = ordered(ok, NFIPSEC_ALG_ENC, 1, pref_aead, ARRAY_SIZE(pref_aead), enc);
	for (i = 0; i < ne; i++)
		if (!add_comb(skb, &n, max, NULL, nfipsec_alg_at(enc[i])))
			return n;
	na = ordered(ok, NFIPSEC_ALG_AUTH, -1, pref_auth, ARRAY_SIZE(pref_auth), auth);
	ne = ordered(ok, NFIPSEC_ALG_ENC, 0, pref_enc, ARRAY_SIZE(pref_enc), enc);
	for (i = 0; i < ne; i++)
		for (j = 0; j < na; j++)
			if (!add_comb(skb, &n, max, nfipsec_alg_at(auth[j]),
				      nfipsec_alg_at(enc[i])))
				return n;
	return n;
}

/* What goes in a proposal: available, and not the null algorithms (COMP: available). */
static void usable_algs(bool *ok)
{
	const struct nfipsec_alg *alg;
	unsigned int i;

	for (i = 0; (alg = nfipsec_alg_at(i)) && i < NFIPSEC_ALG_MAX; i++)
		ok[i] = !(alg->flags & NFIPSEC_ALG_F_NULL) && nfipsec_alg_available(alg);
}

static void put_proposal(struct sk_buff *skb, u8 proto, const bool *ok,
			 unsigned int max)
{
	unsigned int start = skb->len;
	struct sadb_prop *prop;

	prop = pfkey_put_ext(skb, sizeof(*prop), SADB_EXT_PROPOSAL);
	prop->sadb_prop_replay = 32;
	walk_combs(skb, proto, ok, max);
	prop = (struct sadb_prop *)(skb->data + start);
	prop->sadb_prop_len = (skb->len - start) / 8;
}

static struct sk_buff *acquire_msg(const struct acq_req *q, u32 seq, const bool *ok)
{
	struct sadb_x_policy *xp;
	struct sadb_msg *h;
	struct sk_buff *skb;
	unsigned int max;
	size_t len;

	len = sizeof(struct sadb_msg) +
	      2 * (sizeof(struct sadb_address) + pfkey_sockaddr_bytes(q->family)) +
	      sizeof(struct sadb_x_policy) + sizeof(struct sadb_prop);
	max = (ACQ_MSG_MAX - len) / sizeof(struct sadb_comb);
	len += walk_combs(NULL, q->proto, ok, max) * sizeof(struct sadb_comb);
	skb = alloc_skb(len, GFP_KERNEL);
	if (!skb)
		return NULL;
	h = skb_put_zero(skb, sizeof(*h));
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = SADB_ACQUIRE;
	h->sadb_msg_satype = nfipsec_proto_to_satype(q->proto);
	h->sadb_msg_seq = seq;
	pfkey_put_address(skb, SADB_EXT_ADDRESS_SRC, q->family, &q->src);
	pfkey_put_address(skb, SADB_EXT_ADDRESS_DST, q->family, &q->dst);
	xp = pfkey_put_ext(skb, sizeof(*xp), SADB_X_EXT_POLICY);
	xp->sadb_x_policy_type = IPSEC_POLICY_IPSEC;
	xp->sadb_x_policy_dir = IPSEC_DIR_OUTBOUND;
	xp->sadb_x_policy_id = q->policy_id;
	xp->sadb_x_policy_priority = q->priority;
	put_proposal(skb, q->proto, ok, max);
	h->sadb_msg_len = skb->len / 8;
	return skb;
}

/* The larval SA's address extensions, so that dumps show it like any other. */
static int keep_addresses(struct nfipsec_sa *sa, const struct acq_req *q)
{
	struct sk_buff *tmp = alloc_skb(2 * (sizeof(struct sadb_address) + 32), GFP_KERNEL);

	if (!tmp)
		return -ENOMEM;
	pfkey_put_address(tmp, SADB_EXT_ADDRESS_SRC, q->family, &q->src);
	pfkey_put_address(tmp, SADB_EXT_ADDRESS_DST, q->family, &q->dst);
	sa->kept = kmemdup(tmp->data, tmp->len, GFP_KERNEL);
	sa->kept_len = tmp->len;
	kfree_skb(tmp);
	return sa->kept ? 0 : -ENOMEM;
}

static void acquire_one(struct nfipsec_net *nn, const struct acq_req *q, const bool *ok)
{
	struct nfipsec_sadb *db = &nn->sadb;
	struct nfipsec_sa *sa;
	struct sk_buff *skb;
	u32 seq;

	sa = nfipsec_sa_alloc(GFP_KERNEL);
	if (!sa || keep_addresses(sa, q))
		goto nomem;
	sa->satype = nfipsec_proto_to_satype(q->proto);
	sa->id.family = sa->pair.family = q->family;
	sa->id.proto = sa->pair.proto = q->proto;
	sa->id.dst = sa->pair.dst = q->dst;
	sa->pair.src = q->src;
	sa->state = SADB_SASTATE_LARVAL;
	sa->mode = q->mode;
	sa->reqid = q->reqid;

	mutex_lock(&db->lock);
	/* Another packet's request, or a key manager, may have been first. */
	if (nfipsec_sa_find_larval(db, q->family, &q->src, &q->dst, q->proto,
				   q->mode, q->reqid) ||
	    nfipsec_sa_larval_pending(db, q->family, &q->src, &q->dst, q->proto,
				      q->mode, q->reqid)) {
		mutex_unlock(&db->lock);
		nfipsec_sa_put(sa);
		return;
	}
	seq = ++db->acq_seq ? db->acq_seq : ++db->acq_seq;
	sa->seq = seq;
	if (nfipsec_sa_insert(db, sa)) {
		mutex_unlock(&db->lock);
		goto nomem;
	}
	mutex_unlock(&db->lock);
	nfipsec_sa_put(sa);

	skb = acquire_msg(q, seq, ok);
	if (!skb) {
		nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_OUT_DROP_NOMEM);
		return;
	}
	nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_ACQUIRE);
	pfkey_broadcast(nn->net, skb, PFKEY_TO_REGISTERED, NULL, 0, GFP_KERNEL);
	return;
nomem:
	nfipsec_sa_put(sa);
	nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_OUT_DROP_NOMEM);
}

static void acquire_work(struct work_struct *w)
{
	struct nfipsec_net *nn = container_of(w, struct nfipsec_net, acq_work);
	struct llist_node *list = llist_reverse_order(llist_del_all(&nn->acq_queue));
	bool ok[NFIPSEC_ALG_MAX] = {};
	struct acq_req *q, *tmp;

	if (!list)
		return;
	/*
	 * What the kernel can run, asked once per batch and before cfg_lock:
	 * the first asking (and one after alg.c's NO_RECHECK) may load modules
	 * and self-test new algorithm instances, which took 79 s in a busy
	 * TCG guest, and the namespace's PF_KEY messages must not wait for it.
	 */
	usable_algs(ok);
	mutex_lock(&nn->cfg_lock);
	llist_for_each_entry_safe(q, tmp, list, node) {
		acquire_one(nn, q, ok);
		atomic_dec(&nn->acq_pending);
		kfree(q);
	}
	mutex_unlock(&nn->cfg_lock);
}

void nfipsec_acquire_net_init(struct nfipsec_net *nn)
{
	init_llist_head(&nn->acq_queue);
	INIT_WORK(&nn->acq_work, acquire_work);
	atomic_set(&nn->acq_pending, 0);
}

void nfipsec_acquire_net_exit(struct nfipsec_net *nn)
{
	struct llist_node *list;
	struct acq_req *q, *tmp;

	cancel_work_sync(&nn->acq_work);
	list = llist_del_all(&nn->acq_queue);
	llist_for_each_entry_safe(q, tmp, list, node)
		kfree(q);
}
