/* SPDX-License-Identifier: GPL-2.0 */
/* pfkey_sa.h - PF_KEY handlers of the SADB messages (pfkey_sa.c). */
#ifndef _NFIPSEC_PFKEY_SA_H
#define _NFIPSEC_PFKEY_SA_H

#include "pfkey_msg.h"
#include "sadb.h"

/* Handlers indexed by message type; NULL where the SADB has none. */
extern const pfkey_handler_t nfipsec_pfkey_sa_handlers[SADB_MAX + 1];

/* How the SADB reports expiries to PF_KEY listeners. */
extern const struct nfipsec_sadb_ops nfipsec_pfkey_sadb_ops;

#endif /* _NFIPSEC_PFKEY_SA_H */
