// SPDX-License-Identifier: GPL-2.0
/*
 * pkt_ctx.c - the context of a packet in flight, and skb helpers the
 * transforms share (pkt_ctx.h).
 */
#include <crypto/aead.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <net/ip.h>

#include "pkt_ctx.h"
#include "netns.h"
#include "xform.h"

void *nfipsec_pkt_req(struct nfipsec_pkt *p)
{
	return PTR_ALIGN((u8 *)(p + 1), crypto_tfm_ctx_alignment());
}

struct nfipsec_pkt *nfipsec_pkt_alloc(struct nfipsec_sa *const *sas, unsigned int n,
				      gfp_t gfp)
{
	size_t len = sizeof(struct nfipsec_pkt), req = 0;
	struct nfipsec_pkt *p;
	unsigned int i;

	if (!n || n > NFIPSEC_MAX_BUNDLE)
		return NULL;
	for (i = 0; i < n; i++)
		if (sas[i]->xf->aead)
			req = max_t(size_t, req, sizeof(struct aead_request) +
				    sas[i]->xf->reqsize);
	if (req)
		len += crypto_tfm_ctx_alignment() + req;
	p = kmalloc(len, gfp);
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++) {
		if (!nfipsec_sa_get(sas[i])) {
			while (i--)
				nfipsec_sa_put(sas[i]);
			kfree(p);
			return NULL;
		}
		p->sas[i] = sas[i];
	}
	p->nsa = n;
	p->sa = sas[0];
	atomic_inc(&((struct nfipsec_net *)p->sa->db->owner)->pkts_inflight);
	return p;
}

void nfipsec_pkt_free(struct nfipsec_pkt *p)
{
	unsigned int i;

	if (!p)
		return;
	atomic_dec(&((struct nfipsec_net *)p->sas[0]->db->owner)->pkts_inflight);
	for (i = 0; i < p->nsa; i++)
		nfipsec_sa_put(p->sas[i]);
	kfree(p);
}

int nfipsec_skb_make_room(struct sk_buff *skb, unsigned int head, unsigned int tail)
{
	int dh, dt;

	if (skb_linearize(skb))
		return -ENOMEM;
	dh = (int)head - (int)skb_headroom(skb);
	dt = (int)tail - (int)skb_tailroom(skb);
	if (skb_cloned(skb) || dh > 0 || dt > 0) {
		if (pskb_expand_head(skb, dh > 0 ? ALIGN(dh, 16) : 0,
				     dt > 0 ? dt : 0, GFP_ATOMIC))
			return -ENOMEM;
	}
	return 0;
}

void nfipsec_fix_ip_len(struct sk_buff *skb, u16 family)
{
	if (family == AF_INET) {
		struct iphdr *iph = (struct iphdr *)skb->data;

		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
	} else {
		ipv6_hdr(skb)->payload_len = htons(skb->len - sizeof(struct ipv6hdr));
	}
}
