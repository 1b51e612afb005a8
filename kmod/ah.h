/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ah.h - AH (RFC 4302) framing and integrity on one packet, for the packet
 * path (pkt_out.c, pkt_in.c), as esp.h is for ESP.  Same contract: the
 * skb is linear while ah.c works on it, skb->data is the first byte of the
 * IP header, [0, hdrlen) are the headers AH follows and proto_off names
 * the byte that AH takes over.
 *
 * AH covers the IP header too, with its mutable fields taken as zero
 * (RFC 4302 3.3.3.1): for IPv4 the TOS (unless net.inet.ipsec.ah_cleartos
 * is 0), the TTL, the checksum, the fragment field (except the bits of
 * net.inet.ipsec.ah_offsetmask) and every option but the immutable ones,
 * with a source route's final destination in place of the destination;
 * for IPv6 the traffic class, the flow label, the hop limit, the data of
 * hop-by-hop and destination options whose type has the "may change" bit,
 * and a routing header as it will look at the final destination.
 *
 * The integrity transforms are synchronous (crypto_shash): AH never
 * completes later, so there is no done() for it.
 */
#ifndef _NFIPSEC_AH_H
#define _NFIPSEC_AH_H

#include <linux/types.h>

struct nfipsec_pkt;
struct nfipsec_sa;

/* Bytes AH adds (header and ICV, padded to 8 bytes: see ah.c). */
unsigned int nfipsec_ah_len(const struct nfipsec_sa *sa);
unsigned int nfipsec_ah_overhead(const struct nfipsec_sa *sa);

/*
 * Insert AH after hdrlen bytes of p->skb and compute its ICV.  0, or
 * -EOVERFLOW (sequence space used up), -EINVAL (headers AH cannot
 * normalise), -EOPNOTSUPP (a routing header type it does not know), -ENOMEM.
 */
int nfipsec_ah_output(struct nfipsec_pkt *p);

/*
 * Check the AH packet at p->skb + hdrlen and take AH out: the headers then
 * carry p->nexthdr.  Replay checks are the caller's.  0; -EBADMSG when
 * the ICV does not match; -EINVAL when malformed.
 */
int nfipsec_ah_input(struct nfipsec_pkt *p);

#endif /* _NFIPSEC_AH_H */
