/* SPDX-License-Identifier: GPL-2.0 */
/*
 * enc.h - the enc0 interface (seed ipsec(4), enc(4)): where the cleartext
 * of IPsec traffic can be seen and filtered.  See enc.c.
 */
#ifndef _NFIPSEC_ENC_H
#define _NFIPSEC_ENC_H

#include <linux/skbuff.h>
#include <net/net_namespace.h>

int nfipsec_enc_init(void);
void nfipsec_enc_exit(void);

/*
 * Outbound cleartext about to be protected: enc0's taps see it and its
 * netdev egress hook filters it.  False: the hook dropped (or took) it,
 * and @skb is gone.
 */
bool nfipsec_enc_out(struct net *net, struct sk_buff *skb);

/*
 * Inbound cleartext, decrypted, checked and marked: hand it back to the
 * stack.  With enc0 up it is received on enc0 first (taps, netdev
 * ingress hook), then, for transport mode and when filtertunnel asks,
 * on @skb->dev again; a tunnel's inner packet otherwise stays on enc0.
 */
void nfipsec_enc_in(struct net *net, struct sk_buff *skb, bool tunnel, u16 family);

#endif /* _NFIPSEC_ENC_H */
