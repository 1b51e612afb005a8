/* SPDX-License-Identifier: GPL-2.0 */
/*
 * natt.h - ESP in UDP (RFC 3948; PF_KEY's NAT-T extensions, setkey's
 * "esp-udp"): an SA's encapsulation from its message, the UDP header on
 * the way out, ESP found in UDP on the way in, SADB_X_NAT_T_NEW_MAPPING
 * when the peer's address or port changes, and the transport-mode
 * checksums after NAT (net.inet.ipsec.natt_cksum_policy).
 *
 * Outbound, esp.c leaves room for the UDP header (nfipsec_natt_len()) and
 * has it written before the crypto runs; IPv6's UDP checksum, which
 * covers the ciphertext, is filled in once the crypto is done.
 *
 * Inbound, the LOCAL_IN hook hands nfipsec_natt_in() every UDP packet to
 * a port some SA encapsulates to (sadb.h, encap_ports): a keepalive
 * (0xff) and IKE (the 4-byte non-ESP marker) go on to the socket as
 * they are, ESP loses its UDP header and continues as if it had come
 * bare, and anything else is dropped and counted.
 */
#ifndef _NFIPSEC_NATT_H
#define _NFIPSEC_NATT_H

#include <linux/skbuff.h>
#include <linux/udp.h>

#include "pfkey_parse.h"
#include "pkt.h"
#include "pkt_ctx.h"
#include "sadb.h"

/* The non-IKE marker of UDP_ENCAP_ESPINUDP_NON_IKE: 8 zero bytes. */
#define NFIPSEC_NATT_NON_IKE_MARKER	8

/* Bytes ESP in UDP puts in front of the ESP header: 0, 8 or 16. */
static inline unsigned int nfipsec_natt_len(const struct nfipsec_sa *sa)
{
	if (!sa->encap_type)
		return 0;
	return sizeof(struct udphdr) +
	       (sa->encap_type == UDP_ENCAP_ESPINUDP_NON_IKE ? NFIPSEC_NATT_NON_IKE_MARKER : 0);
}

/*
 * The SA's encapsulation from the NAT-T extensions of @m (ADD, UPDATE):
 * none without a type extension (ports alone are kept and returned, not
 * used, as af_key ignores them); a type other than 1 or 2, or a type on
 * an SA that is not ESP, is refused with EINVAL, as XFRM refuses it.
 */
int nfipsec_natt_from_msg(struct nfipsec_sa *sa, const struct pfkey_msg *m,
			  struct pfkey_verdict *v);

/*
 * Outbound: write the UDP header (and marker) at p->hdrlen, in front of
 * the ESP header, for a datagram running to the end of the skb, and make
 * the IP header's protocol UDP.  Before the crypto.
 */
void nfipsec_natt_push(struct nfipsec_pkt *p);
/* Outbound, after the crypto: the UDP checksum IPv6 requires. */
void nfipsec_natt_out_csum(struct nfipsec_pkt *p);

/* What arrived in UDP, for the inbound SA check and NEW_MAPPING. */
struct nfipsec_natt_in {
	u8 type;		/* 0: bare ESP; else the encapsulation seen */
	__be16 sport;		/* the UDP source port */
};

enum nfipsec_natt_verdict {
	NFIPSEC_NATT_PASS,	/* not ESP: let the stack (and the policy) have it */
	NFIPSEC_NATT_DROP,	/* counted; the caller frees it */
	NFIPSEC_NATT_ESP,	/* UDP header gone: ESP at l3->hdrlen */
};

/*
 * Inbound, a UDP packet (@l3 as parsed) at the LOCAL_IN hook: is it ESP in
 * UDP?  On NFIPSEC_NATT_ESP the packet is rearranged and @l3 and @in
 * describe it.
 */
enum nfipsec_natt_verdict nfipsec_natt_in(struct nfipsec_net *nn, struct sk_buff *skb,
					  struct nfipsec_l3 *l3,
					  struct nfipsec_natt_in *in);

/*
 * Inbound, an authenticated packet of an ESP-in-UDP SA with the outer
 * header still at skb->data: NEW_MAPPING when the peer's address or port
 * differs from the SA's (once per change), and the transport-mode
 * checksum of a TCP or UDP payload per natt_cksum_policy.
 */
void nfipsec_natt_in_done(struct nfipsec_net *nn, struct nfipsec_pkt *p, u8 mode);

#endif /* _NFIPSEC_NATT_H */
