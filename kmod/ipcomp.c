// SPDX-License-Identifier: GPL-2.0
/*
 * ipcomp.c - IPcomp on one packet, and the per-CPU compressors (ipcomp.h).
 *
 *   before   [ hdrlen: IP hdr (+exts) | payload                 ]
 *   after    [ hdrlen | nh flags CPI  | compressed payload      ]
 */
#include <linux/crypto.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include NFIPSEC_UNALIGNED_H
#include <linux/vmalloc.h>
#include <net/ip.h>

#include "ipcomp.h"
#include "pkt_ctx.h"
#include "xform.h"

#define IPCOMP_HDR	4
/* Largest payload handled: what fits in an IP packet, less some headers. */
#define IPCOMP_SCRATCH	65400

struct nfipsec_ipcomp_alg {
	struct list_head node;		/* on algs, under algs_lock */
	int users;
	char name[CRYPTO_MAX_ALG_NAME];
	unsigned int threshold;		/* smaller payloads go uncompressed */
	struct crypto_comp * __percpu *tfm;
	u8 * __percpu *scratch;
};

static LIST_HEAD(algs);
static DEFINE_MUTEX(algs_lock);

static void alg_free(struct nfipsec_ipcomp_alg *a)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct crypto_comp *tfm = *per_cpu_ptr(a->tfm, cpu);

		if (!IS_ERR_OR_NULL(tfm))
			crypto_free_comp(tfm);
		vfree(*per_cpu_ptr(a->scratch, cpu));
	}
	free_percpu(a->tfm);
	free_percpu(a->scratch);
	kfree(a);
}

struct nfipsec_ipcomp_alg *nfipsec_ipcomp_get(const char *crypto, u8 calg)
{
	struct nfipsec_ipcomp_alg *a;
	int cpu, err = -ENOMEM;

	mutex_lock(&algs_lock);
	list_for_each_entry(a, &algs, node) {
		if (!strcmp(a->name, crypto)) {
			a->users++;
			goto out;
		}
	}
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		goto fail;
	strscpy(a->name, crypto, sizeof(a->name));
	/* RFC 3051 (LZJH) suggests 50 bytes; deflate and LZS 90, as XFRM. */
	a->threshold = calg == SADB_X_CALG_LZJH ? 50 : 90;
	a->tfm = alloc_percpu(struct crypto_comp *);
	a->scratch = alloc_percpu(u8 *);
	if (!a->tfm || !a->scratch) {
		free_percpu(a->tfm);
		free_percpu(a->scratch);
		kfree(a);
		goto fail;
	}
	for_each_possible_cpu(cpu) {
		struct crypto_comp *tfm = crypto_alloc_comp(crypto, 0, 0);

		*per_cpu_ptr(a->tfm, cpu) = tfm;
		if (IS_ERR(tfm)) {
			err = PTR_ERR(tfm) == -ENOENT ? -ENOENT : PTR_ERR(tfm);
			alg_free(a);
			goto fail;
		}
		*per_cpu_ptr(a->scratch, cpu) = vmalloc_node(IPCOMP_SCRATCH,
							     cpu_to_node(cpu));
		if (!*per_cpu_ptr(a->scratch, cpu)) {
			alg_free(a);
			goto fail;
		}
	}
	a->users = 1;
	list_add(&a->node, &algs);
out:
	mutex_unlock(&algs_lock);
	return a;
fail:
	mutex_unlock(&algs_lock);
	return ERR_PTR(err);
}

void nfipsec_ipcomp_put(struct nfipsec_ipcomp_alg *a)
{
	if (!a)
		return;
	mutex_lock(&algs_lock);
	if (--a->users) {
		a = NULL;
	} else {
		list_del(&a->node);
	}
	mutex_unlock(&algs_lock);
	if (a)
		alg_free(a);
}

/*
 * IPcomp never makes a packet bigger: a payload that does not shrink by
 * more than the header is sent as it was (nfipsec_ipcomp_output()).
 */
unsigned int nfipsec_ipcomp_overhead(const struct nfipsec_sa *sa)
{
	return 0;
}

u16 nfipsec_ipcomp_cpi(const struct nfipsec_sa *sa)
{
	if (sa->flags & SADB_X_EXT_RAWCPI)
		return ntohl(sa->id.spi) & 0xffff;
	return sa->ealg;	/* the well-known CPI: the algorithm's number */
}

int nfipsec_ipcomp_output(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;
	struct nfipsec_ipcomp_alg *a = p->sa->xf->comp;
	unsigned int plen, dlen = IPCOMP_SCRATCH;
	u8 *start, *scratch;
	int err;

	if (skb->len < p->hdrlen || p->proto_off >= p->hdrlen)
		return -EINVAL;
	plen = skb->len - p->hdrlen;
	if (plen < a->threshold)
		return 1;
	err = nfipsec_skb_make_room(skb, 0, 0);
	if (err)
		return err;
	start = skb->data + p->hdrlen;

	local_bh_disable();
	scratch = *this_cpu_ptr(a->scratch);
	err = crypto_comp_compress(*this_cpu_ptr(a->tfm), start, plen, scratch, &dlen);
	if (err || dlen + IPCOMP_HDR >= plen) {
		local_bh_enable();
		return 1;	/* incompressible: as it is */
	}
	memcpy(start + IPCOMP_HDR, scratch, dlen);
	local_bh_enable();

	start[0] = skb->data[p->proto_off];
	start[1] = 0;
	put_unaligned_be16(nfipsec_ipcomp_cpi(p->sa), start + 2);
	skb->data[p->proto_off] = IPPROTO_COMP;
	skb_trim(skb, p->hdrlen + IPCOMP_HDR + dlen);
	nfipsec_fix_ip_len(skb, p->family);
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

int nfipsec_ipcomp_input(struct nfipsec_pkt *p)
{
	struct sk_buff *skb = p->skb;
	struct nfipsec_ipcomp_alg *a = p->sa->xf->comp;
	unsigned int plen, dlen = IPCOMP_SCRATCH;
	u8 *scratch;
	int err;

	if (skb->len <= p->hdrlen + IPCOMP_HDR || p->proto_off >= p->hdrlen)
		return -EINVAL;
	err = nfipsec_skb_make_room(skb, 0, 0);
	if (err)
		return err;
	plen = skb->len - p->hdrlen - IPCOMP_HDR;
	p->nexthdr = skb->data[p->hdrlen];

	local_bh_disable();
	scratch = *this_cpu_ptr(a->scratch);
	err = crypto_comp_decompress(*this_cpu_ptr(a->tfm),
				     skb->data + p->hdrlen + IPCOMP_HDR, plen,
				     scratch, &dlen);
	if (err || dlen > IPCOMP_SCRATCH - p->hdrlen) {
		local_bh_enable();
		return -EINVAL;
	}
	/* Room behind the headers for the whole payload. */
	if (dlen > plen + IPCOMP_HDR &&
	    pskb_expand_head(skb, 0, dlen - plen - IPCOMP_HDR, GFP_ATOMIC)) {
		local_bh_enable();
		return -ENOMEM;
	}
	skb_trim(skb, p->hdrlen);
	skb_put_data(skb, scratch, dlen);
	local_bh_enable();

	skb_reset_network_header(skb);
	skb->data[p->proto_off] = p->nexthdr;
	nfipsec_fix_ip_len(skb, p->family);
	return 0;
}
