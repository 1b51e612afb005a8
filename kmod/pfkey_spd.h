/* SPDX-License-Identifier: GPL-2.0 */
/* pfkey_spd.h - PF_KEY handlers of the SPD messages (pfkey_spd.c). */
#ifndef _NFIPSEC_PFKEY_SPD_H
#define _NFIPSEC_PFKEY_SPD_H

#include "pfkey_msg.h"
#include "spd.h"

/* Handlers indexed by message type; NULL where the SPD has none. */
extern const pfkey_handler_t nfipsec_pfkey_spd_handlers[SADB_MAX + 1];

/* How the SPD reports policy expiries to PF_KEY listeners. */
extern const struct nfipsec_spd_ops nfipsec_pfkey_spd_ops;

/*
 * An ipsec interface's policy (ipsec_if.c): what an SPDADD of "any -> any
 * (@sel_family), any protocol, -P @dir ipsec esp/tunnel/@src-@dst/
 * unique:@reqid" makes, marked with @ifindex (spd.h: outside the lookup
 * engine, kept by SPDFLUSH, refused to SPDDELETE2), listed under a new id
 * and announced as an SPDADD.  Returns a reference for the caller, or
 * NULL with *@err.  Deleting it announces an SPDDELETE.
 */
struct nfipsec_policy *nfipsec_spd_add_if_policy(struct net *net, int ifindex, u8 dir,
						 u16 sel_family, u16 family,
						 const union nfipsec_addr *src,
						 const union nfipsec_addr *dst, u32 reqid,
						 int *err);
void nfipsec_spd_del_if_policy(struct net *net, struct nfipsec_policy *pol);

#endif /* _NFIPSEC_PFKEY_SPD_H */
