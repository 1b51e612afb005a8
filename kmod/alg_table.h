/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alg_table.h - the map from PF_KEY algorithm ids (Linux's numbering,
 * plus nfipsec's two additions in uapi/nfipsec.h) to kernel crypto API
 * names, key sizes, IV, ICV and block lengths.  Pure: used by the module
 * and by userspace tests.
 */
#ifndef _NFIPSEC_ALG_TABLE_H
#define _NFIPSEC_ALG_TABLE_H

#include "pure.h"

enum nfipsec_alg_type {
	NFIPSEC_ALG_AUTH,	/* sadb_sa_auth: AH, or ESP integrity */
	NFIPSEC_ALG_ENC,	/* sadb_sa_encrypt for ESP */
	NFIPSEC_ALG_COMP,	/* sadb_sa_encrypt for IPcomp */
};

/* Upper bound on the table's size, for callers that keep per-entry state. */
#define NFIPSEC_ALG_MAX		64

#define NFIPSEC_ALG_F_AEAD	0x1	/* combined mode: no separate auth */
#define NFIPSEC_ALG_F_NULL	0x2	/* null transform */
#define NFIPSEC_ALG_F_STEP8	0x4	/* any multiple of 8 bits in range */

struct nfipsec_alg {
	u8 id;			/* SADB_*ALG_* */
	u8 type;		/* enum nfipsec_alg_type */
	u8 flags;		/* NFIPSEC_ALG_F_* */
	const char *name;	/* setkey's spelling */
	const char *crypto;	/* kernel crypto API name */
	/*
	 * Key length in bits, including the salt or nonce that RFCs 3686,
	 * 4106, 4309, 4543 and 7634 append to the key.  Either one of
	 * sizes[] (0-terminated), or with F_STEP8 any multiple of 8 in
	 * [min_bits, max_bits].
	 */
	u16 sizes[4];
	u16 min_bits, max_bits;
	u8 salt_bits;
	u8 iv_bytes;		/* IV carried in each ESP packet */
	u8 icv_bytes;		/* truncated ICV (auth) or AEAD tag */
	u8 block_bytes;		/* ESP payload alignment, >= 4 */
};

/* Look an algorithm up by type and id; NULL when PF_KEY has no such id. */
const struct nfipsec_alg *nfipsec_alg_find(enum nfipsec_alg_type type, u8 id);

/* The i-th algorithm of the table, for iteration; NULL past the end. */
const struct nfipsec_alg *nfipsec_alg_at(unsigned int i);

/* Whether @bits is a valid key length for @alg. */
bool nfipsec_alg_key_ok(const struct nfipsec_alg *alg, unsigned int bits);

/* Smallest and largest valid key length in bits (for SUPPORTED exts). */
u16 nfipsec_alg_min_bits(const struct nfipsec_alg *alg);
u16 nfipsec_alg_max_bits(const struct nfipsec_alg *alg);

#endif /* _NFIPSEC_ALG_TABLE_H */
