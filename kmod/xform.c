// SPDX-License-Identifier: GPL-2.0
/*
 * xform.c - an SA's crypto transform and anti-replay window (xform.h).
 */
#include <crypto/aead.h>
#include <crypto/authenc.h>
#include <crypto/hash.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "xform.h"
#include "esn.h"
#include "alg_table.h"
#include "ipcomp.h"
#include "sadb.h"

static struct workqueue_struct *free_wq;

static const u8 *key_bytes(const struct sadb_key *k, unsigned int *len)
{
	*len = k ? k->sadb_key_bits / 8 : 0;
	return k ? (const u8 *)(k + 1) : NULL;
}

/* "authenc(auth,enc)" and its key: an rtattr with the cipher key length, then the keys. */
static int authenc_setkey(struct crypto_aead *aead, const struct nfipsec_sa *sa)
{
	unsigned int alen, elen, len;
	const u8 *ak = key_bytes(sa->akey, &alen);
	const u8 *ek = key_bytes(sa->ekey, &elen);
	struct crypto_authenc_key_param *param;
	struct rtattr *rta;
	u8 *blob, *p;
	int err;

	len = RTA_SPACE(sizeof(*param)) + alen + elen;
	blob = kzalloc(len, GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	rta = (struct rtattr *)blob;
	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(elen);
	p = blob + RTA_SPACE(sizeof(*param));
	if (alen)
		memcpy(p, ak, alen);
	if (elen)
		memcpy(p + alen, ek, elen);
	err = crypto_aead_setkey(aead, blob, len);
	kfree_sensitive(blob);
	return err;
}

static int esp_init(struct nfipsec_xform *xf, const struct nfipsec_sa *sa)
{
	const struct nfipsec_alg *enc = nfipsec_alg_find(NFIPSEC_ALG_ENC, sa->ealg);
	const struct nfipsec_alg *auth = NULL;
	char name[CRYPTO_MAX_ALG_NAME];
	struct crypto_aead *aead;
	unsigned int icv;
	int err;

	if (!enc)
		return -EINVAL;
	if ((enc->flags & NFIPSEC_ALG_F_NULL) &&
	    (!sa->aalg || sa->aalg == SADB_X_AALG_NULL)) {
		/* null/null (RFC 4303's test case): framing only, no transform. */
		xf->block = 4;
		xf->iv_kind = NFIPSEC_IV_NONE;
		return 0;
	}
	if (enc->flags & NFIPSEC_ALG_F_AEAD) {
		strscpy(name, enc->crypto, sizeof(name));
		icv = enc->icv_bytes;
		xf->esn_ad = sa->esn;
	} else {
		/* No integrity algorithm: authenc with the null digest. */
		auth = nfipsec_alg_find(NFIPSEC_ALG_AUTH,
					sa->aalg ? sa->aalg : SADB_X_AALG_NULL);
		if (!auth)
			return -EINVAL;
		/*
		 * Without integrity there is no ICV for seq-hi to enter
		 * (and authencesn would write it where no ICV is).
		 */
		xf->esn_ad = sa->esn && !(auth->flags & NFIPSEC_ALG_F_NULL);
		if (snprintf(name, sizeof(name), "%s(%s,%s)",
			     xf->esn_ad ? "authencesn" : "authenc", auth->crypto,
			     enc->crypto) >= sizeof(name))
			return -ENAMETOOLONG;
		icv = auth->icv_bytes;
	}
	aead = crypto_alloc_aead(name, 0, 0);
	if (IS_ERR(aead))
		return PTR_ERR(aead) == -ENOENT ? -ENOENT : PTR_ERR(aead);
	if (enc->flags & NFIPSEC_ALG_F_AEAD) {
		unsigned int elen;
		const u8 *ek = key_bytes(sa->ekey, &elen);

		err = crypto_aead_setkey(aead, ek, elen);
	} else {
		err = authenc_setkey(aead, sa);
	}
	if (!err)
		err = crypto_aead_setauthsize(aead, icv);
	if (err) {
		crypto_free_aead(aead);
		return err;
	}
	xf->aead = aead;
	xf->icvlen = icv;
	xf->ivlen = crypto_aead_ivsize(aead);
	xf->block = max_t(u8, enc->block_bytes, 4);
	xf->reqsize = crypto_aead_reqsize(aead);
	if (!xf->ivlen)
		xf->iv_kind = NFIPSEC_IV_NONE;
	else if (enc->flags & NFIPSEC_ALG_F_AEAD || enc->salt_bits)
		xf->iv_kind = NFIPSEC_IV_SEQ;	/* counter-based: unique is enough */
	else
		xf->iv_kind = NFIPSEC_IV_RANDOM;
	if (xf->iv_kind == NFIPSEC_IV_SEQ && xf->ivlen != 8) {
		crypto_free_aead(aead);
		xf->aead = NULL;
		return -EINVAL;
	}
	return 0;
}

static int ah_init(struct nfipsec_xform *xf, const struct nfipsec_sa *sa)
{
	const struct nfipsec_alg *auth = nfipsec_alg_find(NFIPSEC_ALG_AUTH, sa->aalg);
	struct crypto_shash *tfm;
	unsigned int klen;
	const u8 *key = key_bytes(sa->akey, &klen);
	int err;

	if (!auth)
		return -EINVAL;
	if (auth->flags & NFIPSEC_ALG_F_NULL)
		return 0;	/* AH with null integrity: framing only */
	tfm = crypto_alloc_shash(auth->crypto, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm) == -ENOENT ? -ENOENT : PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, key, klen);
	if (!err && crypto_shash_digestsize(tfm) < auth->icv_bytes)
		err = -EINVAL;
	if (err) {
		crypto_free_shash(tfm);
		return err;
	}
	xf->shash = tfm;
	xf->icvlen = auth->icv_bytes;
	return 0;
}

static int ipcomp_init(struct nfipsec_xform *xf, const struct nfipsec_sa *sa)
{
	const struct nfipsec_alg *c = nfipsec_alg_find(NFIPSEC_ALG_COMP, sa->ealg);
	struct nfipsec_ipcomp_alg *a;

	if (!c)
		return -EINVAL;
	a = nfipsec_ipcomp_get(c->crypto, c->id);
	if (IS_ERR(a))
		return PTR_ERR(a);
	xf->comp = a;
	return 0;
}

int nfipsec_xform_init(struct nfipsec_sa *sa)
{
	struct nfipsec_xform *xf;
	int err = 0;

	xf = kzalloc(sizeof(*xf), GFP_KERNEL);
	if (!xf)
		return -ENOMEM;
	spin_lock_init(&xf->replay.lock);
	spin_lock_init(&xf->out_lock);
	xf->replay.esn = sa->esn;
	if (sa->replay_window) {
		xf->replay.size = sa->replay_window;
		xf->replay.bits = bitmap_zalloc(roundup(sa->replay_window, BITS_PER_LONG),
						GFP_KERNEL);
		if (!xf->replay.bits) {
			kfree(xf);
			return -ENOMEM;
		}
	}
	if (sa->satype == SADB_SATYPE_ESP)
		err = esp_init(xf, sa);
	else if (sa->satype == SADB_SATYPE_AH)
		err = ah_init(xf, sa);
	else if (sa->satype == SADB_X_SATYPE_IPCOMP)
		err = ipcomp_init(xf, sa);
	if (err) {
		bitmap_free(xf->replay.bits);
		kfree(xf);
		return err;
	}
	sa->xf = xf;
	return 0;
}

static void free_work(struct work_struct *w)
{
	struct nfipsec_xform *xf = container_of(w, struct nfipsec_xform, free_work);

	crypto_free_aead(xf->aead);
	crypto_free_shash(xf->shash);
	nfipsec_ipcomp_put(xf->comp);
	bitmap_free(xf->replay.bits);
	kfree(xf);
}

void nfipsec_xform_free(struct nfipsec_xform *xf)
{
	if (!xf)
		return;
	if (!xf->aead && !xf->shash && !xf->comp) {
		bitmap_free(xf->replay.bits);
		kfree(xf);
		return;
	}
	INIT_WORK(&xf->free_work, free_work);
	queue_work(free_wq, &xf->free_work);
}

void nfipsec_xform_drain(void)
{
	flush_workqueue(free_wq);
}

int nfipsec_xform_wq_init(void)
{
	free_wq = alloc_workqueue("nfipsec_free", WQ_UNBOUND, 0);
	return free_wq ? 0 : -ENOMEM;
}

void nfipsec_xform_wq_exit(void)
{
	destroy_workqueue(free_wq);
}

/* ---------------------------------------------------------------------- */
/* Anti-replay window                                                     */
/* ---------------------------------------------------------------------- */

static u32 nbits(const struct nfipsec_replay *r)
{
	return roundup(r->size, BITS_PER_LONG);
}

/* The bit of @seq: any nbits consecutive numbers have distinct bits. */
static u32 bit_of(const struct nfipsec_replay *r, u64 seq)
{
	u32 rem;

	div_u64_rem(seq, nbits(r), &rem);
	return rem;
}

static int check_locked(const struct nfipsec_replay *r, u64 seq)
{
	if (!seq)
		return -EINVAL;		/* the first packet carries 1 */
	if (seq > r->top)
		return 0;
	if (r->top - seq >= r->size)
		return -ERANGE;		/* left of the window */
	return test_bit(bit_of(r, seq), r->bits) ? -EEXIST : 0;
}

int nfipsec_replay_check(struct nfipsec_replay *r, u32 seq_lo, u64 *seq)
{
	int err;

	if (!r->esn) {
		*seq = seq_lo;
		if (!r->size)
			return 0;
	}
	spin_lock_bh(&r->lock);
	if (r->esn)
		*seq = (u64)nfipsec_esn_seqhi(r->top, r->size, seq_lo) << 32 | seq_lo;
	err = r->size ? check_locked(r, *seq) : 0;
	spin_unlock_bh(&r->lock);
	return err;
}

int nfipsec_replay_advance(struct nfipsec_replay *r, u64 seq)
{
	u32 n = nbits(r);
	u64 i;
	int err;

	if (!r->size) {
		if (r->esn) {	/* no window, but the top infers the high bits */
			spin_lock_bh(&r->lock);
			if (seq > r->top)
				r->top = seq;
			spin_unlock_bh(&r->lock);
		}
		return 0;
	}
	spin_lock_bh(&r->lock);
	err = check_locked(r, seq);
	if (!err) {
		if (seq > r->top) {
			if (seq - r->top >= n)
				bitmap_zero(r->bits, n);
			else
				for (i = r->top + 1; i != seq; i++)
					__clear_bit(bit_of(r, i), r->bits);
			r->top = seq;
		}
		__set_bit(bit_of(r, seq), r->bits);
	}
	spin_unlock_bh(&r->lock);
	return err;
}
