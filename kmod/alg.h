/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alg.h - the kernel side of the algorithm table: whether the running
 * kernel's crypto API can instantiate an algorithm now, and the
 * SADB_EXT_SUPPORTED_* lists of a REGISTER reply.
 */
#ifndef _NFIPSEC_ALG_H
#define _NFIPSEC_ALG_H

#include <linux/skbuff.h>

#include "alg_table.h"

/* True when the crypto API has (or can load) @alg's implementation. */
bool nfipsec_alg_available(const struct nfipsec_alg *alg);

/*
 * The REGISTER reply for @satype, header copied from @req: AH gets the
 * integrity algorithms, ESP integrity and encryption (AEADs included),
 * IPcomp its compressors (in SUPPORTED_ENCRYPT, where KAME puts them),
 * UNSPEC what ESP gets.  Only what the kernel can run now is listed.
 */
struct sk_buff *nfipsec_alg_supported_msg(const struct sadb_msg *req, u8 satype);

#endif /* _NFIPSEC_ALG_H */
