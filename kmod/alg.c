// SPDX-License-Identifier: GPL-2.0
/*
 * alg.c - crypto API availability of the algorithms of alg_table.c, and
 * the SUPPORTED extensions built from it.
 *
 * Availability is asked of the crypto API (crypto_has_alg() loads modules
 * and instantiates templates as needed, and answers from its registry once
 * they exist), so a REGISTER reply tells what the kernel can really run,
 * not what it could at load time.  A "yes" is remembered (the algorithm
 * stays registered while anything uses it, and crypto_has_alg() would
 * find it again); a "no" is asked again after NO_RECHECK, because each
 * "no" costs a failed modprobe per algorithm (a second each in a TCG
 * guest), and ACQUIREs and REGISTERs must not wait for that every time.
 */
#include <linux/crypto.h>
#include <linux/jiffies.h>
#include <linux/skbuff.h>

#include "alg.h"

#define NO_RECHECK	(30 * HZ)

static struct {
	unsigned long asked;	/* jiffies | 1 of the last "no"; 0: never */
	bool yes;
} known[NFIPSEC_ALG_MAX];

bool nfipsec_alg_available(const struct nfipsec_alg *alg)
{
	unsigned int i;
	unsigned long asked;
	bool yes;

	for (i = 0; i < NFIPSEC_ALG_MAX && nfipsec_alg_at(i) != alg; i++)
		;
	if (i == NFIPSEC_ALG_MAX)
		return crypto_has_alg(alg->crypto, 0, 0);
	if (READ_ONCE(known[i].yes))
		return true;
	asked = READ_ONCE(known[i].asked);
	if (asked && time_before(jiffies, asked + NO_RECHECK))
		return false;
	yes = crypto_has_alg(alg->crypto, 0, 0);
	if (yes)
		WRITE_ONCE(known[i].yes, true);
	else
		WRITE_ONCE(known[i].asked, jiffies | 1);
	return yes;
}

static bool listed(const struct nfipsec_alg *alg, u8 satype, u16 ext)
{
	switch (satype) {
	case SADB_SATYPE_AH:
		return ext == SADB_EXT_SUPPORTED_AUTH && alg->type == NFIPSEC_ALG_AUTH;
	case SADB_X_SATYPE_IPCOMP:
		return ext == SADB_EXT_SUPPORTED_ENCRYPT && alg->type == NFIPSEC_ALG_COMP;
	default:	/* ESP, UNSPEC */
		return (ext == SADB_EXT_SUPPORTED_AUTH && alg->type == NFIPSEC_ALG_AUTH) ||
		       (ext == SADB_EXT_SUPPORTED_ENCRYPT && alg->type == NFIPSEC_ALG_ENC);
	}
}

/* Append one SUPPORTED extension (omitted when empty, as af_key does). */
static void put_supported(struct sk_buff *skb, u8 satype, u16 ext,
			  const bool *avail)
{
	const struct nfipsec_alg *alg;
	struct sadb_supported *sup;
	unsigned int i, n = 0;

	for (i = 0; (alg = nfipsec_alg_at(i)); i++)
		n += avail[i] && listed(alg, satype, ext);
	if (!n)
		return;
	sup = skb_put_zero(skb, sizeof(*sup));
	sup->sadb_supported_len = (sizeof(*sup) + n * sizeof(struct sadb_alg)) / 8;
	sup->sadb_supported_exttype = ext;
	for (i = 0; (alg = nfipsec_alg_at(i)); i++) {
		struct sadb_alg *a;

		if (!avail[i] || !listed(alg, satype, ext))
			continue;
		a = skb_put_zero(skb, sizeof(*a));
		a->sadb_alg_id = alg->id;
		a->sadb_alg_ivlen = alg->iv_bytes;
		a->sadb_alg_minbits = nfipsec_alg_min_bits(alg);
		a->sadb_alg_maxbits = nfipsec_alg_max_bits(alg);
	}
}

struct sk_buff *nfipsec_alg_supported_msg(const struct sadb_msg *req, u8 satype)
{
	const struct nfipsec_alg *alg;
	struct sk_buff *skb;
	struct sadb_msg *h;
	bool *avail;
	unsigned int i;

	avail = kcalloc(NFIPSEC_ALG_MAX, sizeof(*avail), GFP_KERNEL);
	if (!avail)
		return NULL;
	for (i = 0; (alg = nfipsec_alg_at(i)) && i < NFIPSEC_ALG_MAX; i++)
		avail[i] = nfipsec_alg_available(alg);

	skb = alloc_skb(sizeof(*h) + 2 * sizeof(struct sadb_supported) +
			NFIPSEC_ALG_MAX * sizeof(struct sadb_alg), GFP_KERNEL);
	if (skb) {
		h = skb_put_data(skb, req, sizeof(*h));
		h->sadb_msg_errno = 0;
		h->sadb_msg_reserved = 0;
		put_supported(skb, satype, SADB_EXT_SUPPORTED_AUTH, avail);
		put_supported(skb, satype, SADB_EXT_SUPPORTED_ENCRYPT, avail);
		h->sadb_msg_len = skb->len / 8;
	}
	kfree(avail);
	return skb;
}
