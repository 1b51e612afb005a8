/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pkt_ctx.h - a packet in flight through nfipsec's transforms: the
 * context the packet path (pkt_out.c, pkt_in.c) hands to the protocol
 * code (esp.c, ah.c), and the skb helpers they share.
 *
 * The skb is linear while a transform works on it; skb->data is the first
 * byte of the IP header, and [0, hdrlen) are the headers that stay in
 * front of the transform's header (the IP header and its extension
 * headers in transport mode, the new outer header in tunnel mode).  The
 * byte at proto_off is the "next header" field the transform takes over
 * (the IPv4 protocol, or the nexthdr of the last IPv6 header kept).
 *
 * Outbound, one context carries the packet through every SA of a bundle
 * (sas[0] innermost, applied first); sa is the one being applied.
 * Inbound, a context covers one SA; the SAs already removed from the
 * packet are recorded in sp, for the policy check once it is all undone.
 */
#ifndef _NFIPSEC_PKT_CTX_H
#define _NFIPSEC_PKT_CTX_H

#include <linux/netfilter.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>

#include "sadb.h"

/* Most transforms one packet goes through (a policy's requests). */
#define NFIPSEC_MAX_BUNDLE	4

/* What an inbound packet went through, outermost first. */
struct nfipsec_secpath_entry {
	union nfipsec_addr src, dst;	/* the SA's addresses */
	u32 reqid;
	u16 family;
	u8 proto;
	u8 mode;			/* as used: transport or tunnel */
};

struct nfipsec_secpath {
	u8 n;
	struct nfipsec_secpath_entry e[NFIPSEC_MAX_BUNDLE];
};

/* Outbound: how one SA of the bundle is applied. */
struct nfipsec_pkt_step {
	union nfipsec_addr src, dst;	/* tunnel endpoints */
	u16 family;			/* of the tunnel's outer header */
	u8 mode;			/* IPSEC_MODE_TRANSPORT or _TUNNEL */
};

struct nfipsec_pkt;
typedef void (*nfipsec_pkt_done_t)(struct nfipsec_pkt *p, int err);

struct nfipsec_pkt {
	struct sk_buff *skb;
	struct nfipsec_sa *sa;		/* the SA being applied: one of sas[] */
	struct nfipsec_sa *sas[NFIPSEC_MAX_BUNDLE];	/* referenced */
	u8 nsa;
	u8 step;			/* outbound: index of sa in sas[] */
	struct net *net;
	int (*okfn)(struct net *, struct sock *, struct sk_buff *);
	nfipsec_pkt_done_t done;	/* asynchronous completion only */
	struct nfipsec_pkt_step steps[NFIPSEC_MAX_BUNDLE];	/* outbound */
	u16 family;			/* of the IP header at skb->data */
	u16 hdrlen;
	u16 proto_off;
	u16 mac_len;			/* inbound: link header to rebuild */
	u8 nexthdr;			/* inbound: the removed header's next header */
	u8 mode;			/* IPSEC_MODE_* the SA is used in */
	u8 hook;			/* NF_INET_* it was taken from */
	u8 natt;			/* inbound: ESP came in UDP of this type (natt.h) */
	__be16 natt_sport;		/* inbound: that UDP's source port */
	u64 seq;			/* inbound: the packet's sequence number */
	struct nfipsec_secpath sp;	/* inbound: SAs removed before this one */
	struct scatterlist sg[2];	/* [ESN associated data,] the packet */
	__be32 esn_ad[3];		/* ESP with ESN: SPI, seq-hi, seq-lo */
	u8 iv[16] __aligned(8);
	/* the crypto request follows, aligned for the largest transform */
};

/*
 * A context for @n SAs (takes a reference on each), with room for the
 * largest crypto request among them; NULL on ENOMEM.
 */
struct nfipsec_pkt *nfipsec_pkt_alloc(struct nfipsec_sa *const *sas, unsigned int n,
				      gfp_t gfp);
void nfipsec_pkt_free(struct nfipsec_pkt *p);
/* The crypto request area behind @p. */
void *nfipsec_pkt_req(struct nfipsec_pkt *p);

/*
 * Linear, writable, with @head bytes of headroom and @tail of tailroom.
 * 0 or -ENOMEM.
 */
int nfipsec_skb_make_room(struct sk_buff *skb, unsigned int head, unsigned int tail);

/* After the headers of the packet at skb->data changed length: the IP length fields. */
void nfipsec_fix_ip_len(struct sk_buff *skb, u16 family);

#endif /* _NFIPSEC_PKT_CTX_H */
