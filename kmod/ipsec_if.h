/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipsec_if.h - if_ipsec (seed if_ipsec(4)): route-based IPsec tunnel
 * interfaces of link kind "ipsec".  See ipsec_if.c.
 */
#ifndef _NFIPSEC_IPSEC_IF_H
#define _NFIPSEC_IPSEC_IF_H

#include <linux/netdevice.h>

#include "sadb.h"

int nfipsec_ipsec_if_init(void);
void nfipsec_ipsec_if_exit(void);

/* Is @dev an ipsec interface? (The outbound hook leaves its packets alone.) */
bool nfipsec_ipsec_if_is(const struct net_device *dev);

/*
 * Inbound, a tunnel-mode packet decrypted with @sa: the ipsec interface
 * whose reqid and endpoints are the SA's (RCU held), its RX counted with
 * @len bytes of the inner packet of @inner_family; NULL when none is.
 */
struct net_device *nfipsec_ipsec_if_rx(struct net *net, const struct nfipsec_sa *sa,
				       u16 inner_family, unsigned int len);

#endif /* _NFIPSEC_IPSEC_IF_H */
