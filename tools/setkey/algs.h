/* SPDX-License-Identifier: GPL-2.0 */
/*
 * algs.h - setkey's algorithm names and what they mean on Linux's PF_KEY.
 */
#ifndef SETKEY_ALGS_H
#define SETKEY_ALGS_H

#include <stdbool.h>
#include <stddef.h>

enum alg_kind { ALG_AUTH, ALG_ENC, ALG_COMP };

#define ALG_F_RANGE	0x01	/* any whole-byte length in [min, max] */
#define ALG_F_KEYOPT	0x02	/* the key may be omitted (null algorithms) */
#define ALG_F_AEAD	0x04	/* combined mode: -A is not allowed with it */
#define ALG_F_NFIPSEC	0x08	/* id is nfipsec's (uapi/nfipsec.h), not Linux's */
#define ALG_F_ALIAS	0x10	/* another spelling; dumps print the main one */
#define ALG_F_NOID	0x20	/* no PF_KEY id on Linux: refused with @why */

struct alg {
	const char *name;
	enum alg_kind kind;
	unsigned char id;		/* SADB_*ALG_* */
	unsigned char flags;
	unsigned short sizes[4];	/* valid key lengths in bits, 0-ended */
	unsigned short min, max;	/* with ALG_F_RANGE */
	const char *why;		/* with ALG_F_NOID: what it was */
};

/* Look a name up (exact, case-sensitive as in ipsec-tools); NULL if unknown. */
const struct alg *alg_by_name(enum alg_kind kind, const char *name, size_t len);

/* The name dumps print for an id, or NULL when setkey has none. */
const char *alg_name(enum alg_kind kind, unsigned int id);

/* Whether a key of @bits bits is valid for @a. */
bool alg_key_ok(const struct alg *a, unsigned int bits);

/* "128/192/256" or "40 to 448": the valid lengths, for error messages. */
void alg_key_desc(const struct alg *a, char *buf, size_t size);

/* The names of one kind, comma separated, for "expected one of" messages. */
void alg_list(enum alg_kind kind, char *buf, size_t size);

/* The i-th entry (for tests that walk the table); NULL past the end. */
const struct alg *alg_at(size_t i);

#endif
