/* SPDX-License-Identifier: GPL-2.0 */
/*
 * esp.h - ESP (RFC 4303) framing and crypto on one packet, for the packet
 * path (pkt_out.c, pkt_in.c).  Nothing here decides which SA or policy
 * applies; the caller hands a packet and an SA and gets the packet back
 * transformed, synchronously or through its done() callback.
 *
 * A packet in flight is described by a struct nfipsec_pkt, allocated per
 * packet with the SA's crypto request behind it.  The skb is linear while
 * esp.c works on it; skb->data is the first byte of the IP header, and
 * [0, hdrlen) are the headers that stay in front of ESP (the IP header and
 * its extension headers in transport mode, the new outer header in tunnel
 * mode).  The byte at proto_off is the "next header" field that ESP takes
 * over (the IPv4 protocol, or the nexthdr of the last IPv6 header kept).
 */
#ifndef _NFIPSEC_ESP_H
#define _NFIPSEC_ESP_H

#include <linux/netfilter.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>

#include "sadb.h"

struct nfipsec_pkt;
typedef void (*nfipsec_pkt_done_t)(struct nfipsec_pkt *p, int err);

struct nfipsec_pkt {
	struct sk_buff *skb;
	struct nfipsec_sa *sa;		/* referenced; put by nfipsec_pkt_free() */
	struct net *net;
	int (*okfn)(struct net *, struct sock *, struct sk_buff *);
	nfipsec_pkt_done_t done;	/* asynchronous completion only */
	union nfipsec_addr tsrc, tdst;	/* tunnel endpoints (outbound) */
	u16 family;			/* of the IP header at skb->data */
	u16 hdrlen;
	u16 proto_off;
	u16 mac_len;			/* inbound: link header to rebuild */
	u8 nexthdr;			/* inbound: ESP's next header, once decrypted */
	u8 mode;			/* IPSEC_MODE_* the SA is used in */
	u8 hook;			/* NF_INET_* it was taken from */
	u32 seq;			/* inbound: the packet's sequence number */
	struct scatterlist sg[1];
	u8 iv[16] __aligned(8);
	/* the crypto request follows, aligned for the transform */
};

/* A context for one packet on @sa (takes a reference on it); NULL on ENOMEM. */
struct nfipsec_pkt *nfipsec_pkt_alloc(struct nfipsec_sa *sa, gfp_t gfp);
void nfipsec_pkt_free(struct nfipsec_pkt *p);

/* Bytes ESP adds in front (header and IV) and at most at the end. */
unsigned int nfipsec_esp_head(const struct nfipsec_sa *sa);
unsigned int nfipsec_esp_tail_max(const struct nfipsec_sa *sa);

/*
 * Linear, writable, with @head bytes of headroom and @tail of tailroom.
 * 0 or -ENOMEM.
 */
int nfipsec_skb_make_room(struct sk_buff *skb, unsigned int head, unsigned int tail);

/*
 * Encapsulate p->skb in ESP: insert the header and IV after hdrlen bytes,
 * pad, set the IP header's protocol and length, encrypt.  0: done now;
 * -EINPROGRESS: p->done() will be called; else an error (-EOVERFLOW when
 * the sequence number space is used up and the SA may not cycle).
 */
int nfipsec_esp_output(struct nfipsec_pkt *p);

/*
 * Check and decrypt the ESP packet at p->skb + hdrlen (replay checks are
 * the caller's), then remove ESP: the packet's headers then carry
 * p->nexthdr.  0: done now; -EINPROGRESS: p->done() follows; -EBADMSG:
 * authentication failed; -EPROTO: bad padding; -EINVAL: malformed.
 */
int nfipsec_esp_input(struct nfipsec_pkt *p);

#endif /* _NFIPSEC_ESP_H */
