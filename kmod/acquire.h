/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acquire.h - SADB_ACQUIRE when outbound traffic needs an SA that does not
 * exist (acquire.c).
 */
#ifndef _NFIPSEC_ACQUIRE_H
#define _NFIPSEC_ACQUIRE_H

#include "spd.h"

struct nfipsec_net;

/*
 * From the packet path (any context): ask the key managers for an SA
 * between @src and @dst for request @r of policy @policy_id (0: a
 * per-socket policy), once per larval SA.
 */
void nfipsec_acquire(struct nfipsec_net *nn, u32 policy_id, u32 priority,
		     const struct nfipsec_ipsecreq *r, u16 family,
		     const union nfipsec_addr *src, const union nfipsec_addr *dst);

void nfipsec_acquire_net_init(struct nfipsec_net *nn);
/* Cancel what is queued (namespace exit, before the SADB goes). */
void nfipsec_acquire_net_exit(struct nfipsec_net *nn);

#endif /* _NFIPSEC_ACQUIRE_H */
