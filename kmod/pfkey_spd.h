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

#endif /* _NFIPSEC_PFKEY_SPD_H */
