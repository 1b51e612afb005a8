// SPDX-License-Identifier: GPL-2.0
/*
 * sa_msg.c - SAs from PF_KEY messages, and PF_KEY messages from SAs.
 *
 * What userspace gave is what it gets back: addresses, identities,
 * sensitivity, NAT-T and security-context extensions are kept as the
 * bytes that arrived and returned unchanged in GET and DUMP (af_key
 * rebuilds them from XFRM state and loses ports, protocols and prefix
 * lengths on the way).  Keys are returned only in GET and DUMP replies,
 * never in the ADD/UPDATE/DELETE notices every listener receives
 * (RFC 2367 3.1.2-3.1.4; af_key broadcasts them).
 */
#include <linux/bitops.h>
#include <linux/in.h>
#include <linux/ipsec.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "sa_msg.h"
#include "xform.h"
#include "alg.h"
#include "natt.h"

/* Extensions kept verbatim, in the order they are returned. */
static const u16 kept_types[] = {
	SADB_EXT_ADDRESS_SRC, SADB_EXT_ADDRESS_DST, SADB_EXT_ADDRESS_PROXY,
	SADB_EXT_IDENTITY_SRC, SADB_EXT_IDENTITY_DST, SADB_EXT_SENSITIVITY,
	SADB_X_EXT_SEC_CTX, SADB_X_EXT_NAT_T_TYPE, SADB_X_EXT_NAT_T_SPORT,
	SADB_X_EXT_NAT_T_DPORT, SADB_X_EXT_NAT_T_OA, SADB_X_EXT_KMPRIVATE,
};

static size_t ext_bytes(const void *ext)
{
	return (size_t)((const struct sadb_ext *)ext)->sadb_ext_len * 8;
}

/* A kept extension of @sa by type, or NULL. */
static const void *kept_find(const struct nfipsec_sa *sa, u16 type)
{
	const u8 *p = sa->kept, *end = sa->kept + sa->kept_len;

	while (p < end) {
		const struct sadb_ext *e = (const void *)p;

		if (e->sadb_ext_type == type)
			return e;
		p += ext_bytes(e);
	}
	return NULL;
}

static bool is_natt_ext(u16 type)
{
	return type == SADB_X_EXT_NAT_T_TYPE || type == SADB_X_EXT_NAT_T_SPORT ||
	       type == SADB_X_EXT_NAT_T_DPORT || type == SADB_X_EXT_NAT_T_OA;
}

/*
 * The kept extensions of @m, or with @old, those of @old with the NAT-T
 * ones of @m in their place.  The new blob goes to *@out, *@len.
 */
static int build_kept(const struct nfipsec_sa *old, const struct pfkey_msg *m,
		      u8 **out, u16 *len)
{
	const void *ext[ARRAY_SIZE(kept_types)];
	size_t i, n = 0;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(kept_types); i++) {
		u16 t = kept_types[i];

		ext[i] = old && !is_natt_ext(t) ? kept_find(old, t) : m->ext[t];
		if (ext[i])
			n += ext_bytes(ext[i]);
	}
	if (n > U16_MAX)
		return -EMSGSIZE;
	p = kmalloc(n, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	*out = p;
	*len = n;
	for (i = 0; i < ARRAY_SIZE(kept_types); i++) {
		if (ext[i]) {
			memcpy(p, ext[i], ext_bytes(ext[i]));
			p += ext_bytes(ext[i]);
		}
	}
	return 0;
}

static int keep_extensions(struct nfipsec_sa *sa, const struct pfkey_msg *m)
{
	u16 len;
	u8 *p;
	int err = build_kept(NULL, m, &p, &len);

	if (err)
		return err;
	kfree(sa->kept);
	sa->kept = p;
	sa->kept_len = len;
	return 0;
}

int nfipsec_sa_update_natt(struct nfipsec_sa *sa, const struct nfipsec_sa *parsed,
			   const struct pfkey_msg *m)
{
	u16 len;
	u8 *p;
	int err = build_kept(sa, m, &p, &len);

	if (err)
		return err;
	err = nfipsec_sa_move_encap(sa->db, sa, parsed->encap_sport, parsed->encap_dport);
	if (err) {
		kfree(p);
		return err;
	}
	kfree(sa->kept);
	sa->kept = p;
	sa->kept_len = len;
	return 0;
}

static const void *ext_sockaddr(const void *ext)
{
	return (const struct sadb_address *)ext + 1;
}

int nfipsec_sa_set_identity(struct nfipsec_sa *sa, const struct pfkey_msg *m,
			    struct pfkey_verdict *v)
{
	const struct sadb_x_sa2 *sa2 = m->ext[SADB_X_EXT_SA2];
	const struct sadb_sa *ssa = m->ext[SADB_EXT_SA];
	const void *src = ext_sockaddr(m->ext[SADB_EXT_ADDRESS_SRC]);
	const void *dst = ext_sockaddr(m->ext[SADB_EXT_ADDRESS_DST]);
	u16 family;
	int err;

	memcpy(&family, src, sizeof(family));
	sa->satype = m->hdr->sadb_msg_satype;
	sa->id.proto = nfipsec_satype_to_proto(sa->satype);
	sa->id.family = family;
	nfipsec_addr_from_sockaddr(&sa->id.dst, dst);
	sa->id.spi = ssa ? ssa->sadb_sa_spi : 0;
	sa->pair.family = family;
	sa->pair.proto = sa->id.proto;
	nfipsec_addr_from_sockaddr(&sa->pair.src, src);
	sa->pair.dst = sa->id.dst;

	sa->mode = IPSEC_MODE_ANY;
	sa->reqid = 0;
	if (sa2) {
		/* BEET (3) is Linux-only and not implemented by nfipsec. */
		if (sa2->sadb_x_sa2_mode > IPSEC_MODE_TUNNEL) {
			v->diag = SADB_X_DIAGNOSTIC_BAD_MODE;
			return -EINVAL;
		}
		sa->mode = sa2->sadb_x_sa2_mode;
		sa->reqid = sa2->sadb_x_sa2_reqid;
	}
	sa->seq = m->hdr->sadb_msg_seq;
	sa->pid = m->hdr->sadb_msg_pid;

	err = keep_extensions(sa, m);
	if (err)
		v->diag = SADB_X_DIAGNOSTIC_NOMEM;
	return err;
}

static void lifetime_from(struct nfipsec_lifetime *l, const struct sadb_lifetime *e)
{
	if (!e)
		return;
	l->allocations = e->sadb_lifetime_allocations;
	l->bytes = e->sadb_lifetime_bytes;
	l->addtime = e->sadb_lifetime_addtime;
	l->usetime = e->sadb_lifetime_usetime;
}

void nfipsec_sa_set_lifetimes(struct nfipsec_sa *sa, const struct pfkey_msg *m)
{
	lifetime_from(&sa->hard, m->ext[SADB_EXT_LIFETIME_HARD]);
	lifetime_from(&sa->soft, m->ext[SADB_EXT_LIFETIME_SOFT]);
}

static int fail(struct pfkey_verdict *v, u16 diag, int err)
{
	v->diag = diag;
	return err;
}

static struct sadb_key *copy_key(const void *ext)
{
	return ext ? kmemdup(ext, ext_bytes(ext), GFP_KERNEL) : NULL;
}

/* Check one algorithm and its key; @key may be NULL (no key given). */
static int check_alg(enum nfipsec_alg_type type, u8 id,
		     const struct sadb_key *key, struct pfkey_verdict *v)
{
	const struct nfipsec_alg *alg = nfipsec_alg_find(type, id);
	bool enc = type != NFIPSEC_ALG_AUTH;
	unsigned int bits = key ? key->sadb_key_bits : 0;

	if (!alg)
		return fail(v, enc ? SADB_X_DIAGNOSTIC_BAD_EALG :
				     SADB_X_DIAGNOSTIC_BAD_AALG, -EINVAL);
	if (!key && !nfipsec_alg_key_ok(alg, 0) && type != NFIPSEC_ALG_COMP)
		return fail(v, enc ? SADB_X_DIAGNOSTIC_MISSING_EKEY :
				     SADB_X_DIAGNOSTIC_MISSING_AKEY, -EINVAL);
	if (!nfipsec_alg_key_ok(alg, bits))
		return fail(v, enc ? SADB_X_DIAGNOSTIC_BAD_EKEYBITS :
				     SADB_X_DIAGNOSTIC_BAD_AKEYBITS, -EINVAL);
	if (!nfipsec_alg_available(alg))
		return fail(v, type == NFIPSEC_ALG_COMP ? SADB_X_DIAGNOSTIC_BAD_CALG :
			       enc ? SADB_X_DIAGNOSTIC_ENCR_NOTSUPP :
				     SADB_X_DIAGNOSTIC_BAD_AALG, -EINVAL);
	return 0;
}

static int set_algorithms(struct nfipsec_sa *sa, const struct sadb_sa *ssa,
			  const struct pfkey_msg *m, struct pfkey_verdict *v)
{
	const struct sadb_key *akey = m->ext[SADB_EXT_KEY_AUTH];
	const struct sadb_key *ekey = m->ext[SADB_EXT_KEY_ENCRYPT];
	const struct nfipsec_alg *enc;
	int err;

	sa->aalg = ssa->sadb_sa_auth;
	sa->ealg = ssa->sadb_sa_encrypt;

	switch (sa->satype) {
	case SADB_SATYPE_AH:
		if (sa->ealg || ekey)
			return fail(v, SADB_X_DIAGNOSTIC_EKEY_PRESENT, -EINVAL);
		if (!sa->aalg)
			return fail(v, SADB_X_DIAGNOSTIC_BAD_AALG, -EINVAL);
		err = check_alg(NFIPSEC_ALG_AUTH, sa->aalg, akey, v);
		break;
	case SADB_SATYPE_ESP:
		if (!sa->ealg)
			return fail(v, SADB_X_DIAGNOSTIC_BAD_EALG, -EINVAL);
		err = check_alg(NFIPSEC_ALG_ENC, sa->ealg, ekey, v);
		if (err)
			return err;
		enc = nfipsec_alg_find(NFIPSEC_ALG_ENC, sa->ealg);
		if (enc->flags & NFIPSEC_ALG_F_AEAD) {
			/* A combined mode authenticates by itself. */
			if (sa->aalg)
				return fail(v, SADB_X_DIAGNOSTIC_BAD_AALG, -EINVAL);
			if (akey)
				return fail(v, SADB_X_DIAGNOSTIC_AKEY_PRESENT, -EINVAL);
		} else if (sa->aalg) {
			err = check_alg(NFIPSEC_ALG_AUTH, sa->aalg, akey, v);
		} else if (akey) {
			return fail(v, SADB_X_DIAGNOSTIC_AKEY_PRESENT, -EINVAL);
		}
		break;
	case SADB_X_SATYPE_IPCOMP:
		if (sa->aalg || akey)
			return fail(v, SADB_X_DIAGNOSTIC_AKEY_PRESENT, -EINVAL);
		if (ekey)
			return fail(v, SADB_X_DIAGNOSTIC_EKEY_PRESENT, -EINVAL);
		err = check_alg(NFIPSEC_ALG_COMP, sa->ealg, NULL, v);
		break;
	default:
		return fail(v, SADB_X_DIAGNOSTIC_UNKNOWN_SATYPE, -EINVAL);
	}
	if (err)
		return err;

	if (akey) {
		sa->akey = copy_key(akey);
		if (!sa->akey)
			return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOMEM);
	}
	if (ekey) {
		sa->ekey = copy_key(ekey);
		if (!sa->ekey)
			return fail(v, SADB_X_DIAGNOSTIC_NOMEM, -ENOMEM);
	}
	return 0;
}

/*
 * sadb_sa_replay counts packets, as Linux's af_key and every Linux key
 * manager (racoon, charon, ipsec-tools' setkey) use it; KAME's bytes
 * would make their windows 8 times larger than they asked.
 * SADB_X_EXT_REPLAY carries windows beyond the 8-bit field, and ESN.
 */
static int set_replay(struct nfipsec_sa *sa, const struct sadb_sa *ssa,
		      const struct pfkey_msg *m, struct pfkey_verdict *v)
{
	const struct sadb_x_replay *r = m->ext[SADB_X_EXT_REPLAY];

	sa->replay = ssa->sadb_sa_replay;
	sa->replay_window = ssa->sadb_sa_replay;
	if (!r)
		return 0;
	if (r->sadb_x_replay_window > NFIPSEC_REPLAY_MAX ||
	    r->sadb_x_replay_flags & ~SADB_X_REPLAY_F_ESN ||
	    r->sadb_x_replay_reserved)
		return fail(v, SADB_X_DIAGNOSTIC_BAD_REPLAY, -EINVAL);
	sa->replay_window = r->sadb_x_replay_window;
	sa->esn = r->sadb_x_replay_flags & SADB_X_REPLAY_F_ESN;
	if (sa->esn && sa->satype == SADB_X_SATYPE_IPCOMP)
		return fail(v, SADB_X_DIAGNOSTIC_BAD_REPLAY, -EINVAL);
	return 0;
}

int nfipsec_sa_set_params(struct nfipsec_sa *sa, const struct pfkey_msg *m,
			  struct pfkey_verdict *v)
{
	const struct sadb_sa *ssa = m->ext[SADB_EXT_SA];
	u32 spi = ntohl(ssa->sadb_sa_spi);
	int err;

	/* RFC 4303/4302: SPIs 1..255 are reserved by IANA, 0 is no SPI. */
	if (sa->satype != SADB_X_SATYPE_IPCOMP && spi < 256)
		return fail(v, SADB_X_DIAGNOSTIC_BAD_SPI, -EINVAL);
	/* IPcomp's CPI is 16 bits on the wire; -R puts the SPI there as is. */
	if (sa->satype == SADB_X_SATYPE_IPCOMP &&
	    (!spi || ((ssa->sadb_sa_flags & SADB_X_EXT_RAWCPI) && spi > 0xffff)))
		return fail(v, SADB_X_DIAGNOSTIC_BAD_SPI, -EINVAL);

	sa->flags = ssa->sadb_sa_flags;
	err = set_algorithms(sa, ssa, m, v);
	if (err)
		return err;
	err = set_replay(sa, ssa, m, v);
	if (err)
		return err;
	err = nfipsec_natt_from_msg(sa, m, v);
	if (err)
		return err;
	nfipsec_sa_set_lifetimes(sa, m);
	/* The transform: the crypto API may still refuse a key (weak, odd). */
	err = nfipsec_xform_init(sa);
	if (err == -ENOMEM)
		return err;
	if (err)
		return fail(v, sa->ealg ? SADB_X_DIAGNOSTIC_BAD_EKEYBITS :
				SADB_X_DIAGNOSTIC_BAD_AKEYBITS, -EINVAL);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Messages from SAs                                                      */
/* ---------------------------------------------------------------------- */

static void *put_ext(struct sk_buff *skb, size_t bytes, u16 type)
{
	struct sadb_ext *e = skb_put_zero(skb, bytes);

	e->sadb_ext_len = bytes / 8;
	e->sadb_ext_type = type;
	return e;
}

static void put_lifetime(struct sk_buff *skb, u16 type,
			 const struct nfipsec_lifetime *l)
{
	struct sadb_lifetime *e = put_ext(skb, sizeof(*e), type);

	e->sadb_lifetime_allocations = min_t(u64, l->allocations, U32_MAX);
	e->sadb_lifetime_bytes = l->bytes;
	e->sadb_lifetime_addtime = l->addtime;
	e->sadb_lifetime_usetime = l->usetime;
}

static void current_lifetime(const struct nfipsec_sa *sa, struct nfipsec_lifetime *l)
{
	l->allocations = atomic64_read(&sa->cur_allocations);
	l->bytes = atomic64_read(&sa->cur_bytes);
	l->addtime = sa->created;
	l->usetime = READ_ONCE(sa->first_use);
}

static struct sadb_msg *put_header(struct sk_buff *skb, const struct nfipsec_sa *sa,
				   u8 type, u32 seq, u32 pid)
{
	struct sadb_msg *h = skb_put_zero(skb, sizeof(*h));

	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = type;
	h->sadb_msg_satype = sa->satype;
	h->sadb_msg_seq = seq;
	h->sadb_msg_pid = pid;
	return h;
}

static void put_sa(struct sk_buff *skb, const struct nfipsec_sa *sa)
{
	struct sadb_sa *e = put_ext(skb, sizeof(*e), SADB_EXT_SA);

	e->sadb_sa_spi = sa->id.spi;
	e->sadb_sa_replay = sa->replay_window > 255 ? 255 : sa->replay;
	e->sadb_sa_state = READ_ONCE(sa->state);
	e->sadb_sa_auth = sa->aalg;
	e->sadb_sa_encrypt = sa->ealg;
	e->sadb_sa_flags = sa->flags;
}

static void put_sa2(struct sk_buff *skb, const struct nfipsec_sa *sa)
{
	struct sadb_x_sa2 *e = put_ext(skb, sizeof(*e), SADB_X_EXT_SA2);

	e->sadb_x_sa2_mode = sa->mode;
	/* setkey prints this as "seq=": the last sequence number sent. */
	e->sadb_x_sa2_sequence = (u32)atomic64_read(&sa->seq_out);
	e->sadb_x_sa2_reqid = sa->reqid;
}

static void put_nfipsec(struct sk_buff *skb, const struct nfipsec_sa *sa)
{
	struct sadb_x_replay *r = put_ext(skb, sizeof(*r), SADB_X_EXT_REPLAY);
	struct sadb_x_counters *c;

	r->sadb_x_replay_window = sa->replay_window;
	r->sadb_x_replay_flags = sa->esn ? SADB_X_REPLAY_F_ESN : 0;
	c = put_ext(skb, sizeof(*c), SADB_X_EXT_COUNTERS);
	c->sadb_x_counters_packets = atomic64_read(&sa->cur_allocations);
	c->sadb_x_counters_bytes = atomic64_read(&sa->cur_bytes);
	c->sadb_x_counters_replay_seq = atomic64_read(&sa->seq_out);
	c->sadb_x_counters_drop_auth = atomic64_read(&sa->drop_auth);
	c->sadb_x_counters_drop_replay = atomic64_read(&sa->drop_replay);
	c->sadb_x_counters_drop_pad = atomic64_read(&sa->drop_pad);
	c->sadb_x_counters_drop_other = atomic64_read(&sa->drop_other);
}

struct sk_buff *nfipsec_sa_msg(const struct nfipsec_sa *sa, u8 type, u32 seq,
			       u32 pid, unsigned int what, gfp_t gfp)
{
	struct nfipsec_lifetime cur;
	struct sk_buff *skb;
	struct sadb_msg *h;
	size_t len;

	len = sizeof(struct sadb_msg) + sizeof(struct sadb_sa) +
	      sa->kept_len + sizeof(struct sadb_x_sa2);
	len += hweight32(what & SA_MSG_LIFETIMES) * sizeof(struct sadb_lifetime);
	if (what & SA_MSG_KEYS) {
		len += sa->akey ? ext_bytes(sa->akey) : 0;
		len += sa->ekey ? ext_bytes(sa->ekey) : 0;
	}
	if (what & SA_MSG_NFIPSEC)
		len += sizeof(struct sadb_x_replay) + sizeof(struct sadb_x_counters);

	skb = alloc_skb(len, gfp);
	if (!skb)
		return NULL;
	h = put_header(skb, sa, type, seq, pid);
	put_sa(skb, sa);
	if (what & SA_MSG_HARD) {
		struct nfipsec_lifetime hard = sa->hard;

		/* A larval SA dies larval_lifetime after its GETSPI: say so. */
		if (READ_ONCE(sa->state) == SADB_SASTATE_LARVAL)
			hard.addtime = READ_ONCE(*sa->db->larval_lifetime);
		put_lifetime(skb, SADB_EXT_LIFETIME_HARD, &hard);
	}
	if (what & SA_MSG_SOFT)
		put_lifetime(skb, SADB_EXT_LIFETIME_SOFT, &sa->soft);
	if (what & SA_MSG_CURRENT) {
		current_lifetime(sa, &cur);
		put_lifetime(skb, SADB_EXT_LIFETIME_CURRENT, &cur);
	}
	skb_put_data(skb, sa->kept, sa->kept_len);
	if (what & SA_MSG_KEYS) {
		if (sa->akey)
			skb_put_data(skb, sa->akey, ext_bytes(sa->akey));
		if (sa->ekey)
			skb_put_data(skb, sa->ekey, ext_bytes(sa->ekey));
	}
	put_sa2(skb, sa);
	if (what & SA_MSG_NFIPSEC)
		put_nfipsec(skb, sa);
	h->sadb_msg_len = skb->len / 8;
	return skb;
}

struct sk_buff *nfipsec_sa_expire_msg(const struct nfipsec_sa *sa, bool hard,
				      gfp_t gfp)
{
	const void *src = kept_find(sa, SADB_EXT_ADDRESS_SRC);
	const void *dst = kept_find(sa, SADB_EXT_ADDRESS_DST);
	struct nfipsec_lifetime cur;
	struct sk_buff *skb;
	struct sadb_msg *h;
	size_t len;

	len = sizeof(struct sadb_msg) + sizeof(struct sadb_sa) +
	      2 * sizeof(struct sadb_lifetime) +
	      (src ? ext_bytes(src) : 0) + (dst ? ext_bytes(dst) : 0) +
	      sizeof(struct sadb_x_sa2);
	skb = alloc_skb(len, gfp);
	if (!skb)
		return NULL;
	h = put_header(skb, sa, SADB_EXPIRE, 0, 0);
	put_sa(skb, sa);
	current_lifetime(sa, &cur);
	put_lifetime(skb, SADB_EXT_LIFETIME_CURRENT, &cur);
	put_lifetime(skb, hard ? SADB_EXT_LIFETIME_HARD : SADB_EXT_LIFETIME_SOFT,
		     hard ? &sa->hard : &sa->soft);
	if (src)
		skb_put_data(skb, src, ext_bytes(src));
	if (dst)
		skb_put_data(skb, dst, ext_bytes(dst));
	/* Mode and reqid: strongSwan's kernel-pfkey reads SA2 unchecked. */
	put_sa2(skb, sa);
	h->sadb_msg_len = skb->len / 8;
	return skb;
}
