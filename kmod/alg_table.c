// SPDX-License-Identifier: GPL-2.0
/*
 * alg_table.c - every algorithm nfipsec speaks through PF_KEY.
 *
 * Differences from Linux's xfrm_algo.c that are deliberate:
 *  - HMAC-SHA-256/384/512 truncate to 128/192/256 bits (RFC 4868), not
 *    the 96 bits af_key uses for SHA-256 (an old draft's value, which
 *    does not interoperate with RFC 4868 peers).
 *  - AES-GCM, AES-CCM, NULL-AES-GMAC and ChaCha20-Poly1305 are usable
 *    through PF_KEY; af_key refuses every AEAD.
 *  - Key lengths are those RFCs and setkey(8) require, so a wrong key is
 *    refused when the SA is added rather than failing later.
 */
#include "alg_table.h"

#define AUTH(i, n, c, bits, icv) { .id = i, .type = NFIPSEC_ALG_AUTH, \
	.name = n, .crypto = c, .sizes = { bits }, .icv_bytes = icv }
#define CBC(i, n, c, iv, blk, ...) { .id = i, .type = NFIPSEC_ALG_ENC, \
	.name = n, .crypto = c, .sizes = { __VA_ARGS__ }, .iv_bytes = iv, \
	.block_bytes = blk }
#define AEAD(i, n, c, salt, icv, ...) { .id = i, .type = NFIPSEC_ALG_ENC, \
	.flags = NFIPSEC_ALG_F_AEAD, .name = n, .crypto = c, \
	.sizes = { __VA_ARGS__ }, .salt_bits = salt, .iv_bytes = 8, \
	.icv_bytes = icv, .block_bytes = 4 }

static const struct nfipsec_alg algs[] = {
	/* Integrity (AH, or ESP with a non-AEAD cipher). */
	AUTH(SADB_AALG_MD5HMAC, "hmac-md5", "hmac(md5)", 128, 12),
	AUTH(SADB_AALG_SHA1HMAC, "hmac-sha1", "hmac(sha1)", 160, 12),
	AUTH(SADB_X_AALG_SHA2_256HMAC, "hmac-sha256", "hmac(sha256)", 256, 16),
	AUTH(SADB_X_AALG_SHA2_384HMAC, "hmac-sha384", "hmac(sha384)", 384, 24),
	AUTH(SADB_X_AALG_SHA2_512HMAC, "hmac-sha512", "hmac(sha512)", 512, 32),
	AUTH(SADB_X_AALG_RIPEMD160HMAC, "hmac-ripemd160", "hmac(rmd160)", 160, 12),
	AUTH(SADB_X_AALG_AES_XCBC_MAC, "aes-xcbc-mac", "xcbc(aes)", 128, 12),
	AUTH(SADB_X_AALG_SM3_256HMAC, "hmac-sm3", "hmac(sm3)", 256, 32),
	AUTH(SADB_X_AALG_AES_CMAC, "aes-cmac", "cmac(aes)", 128, 12),
	{ .id = SADB_X_AALG_NULL, .type = NFIPSEC_ALG_AUTH,
	  .flags = NFIPSEC_ALG_F_NULL | NFIPSEC_ALG_F_STEP8, .name = "null",
	  .crypto = "digest_null", .min_bits = 0, .max_bits = 2048 },

	/* Encryption for ESP. */
	CBC(SADB_EALG_DESCBC, "des-cbc", "cbc(des)", 8, 8, 64),
	CBC(SADB_EALG_3DESCBC, "3des-cbc", "cbc(des3_ede)", 8, 8, 192),
	{ .id = SADB_X_EALG_CASTCBC, .type = NFIPSEC_ALG_ENC,
	  .flags = NFIPSEC_ALG_F_STEP8, .name = "cast128-cbc",
	  .crypto = "cbc(cast5)", .min_bits = 40, .max_bits = 128,
	  .iv_bytes = 8, .block_bytes = 8 },
	{ .id = SADB_X_EALG_BLOWFISHCBC, .type = NFIPSEC_ALG_ENC,
	  .flags = NFIPSEC_ALG_F_STEP8, .name = "blowfish-cbc",
	  .crypto = "cbc(blowfish)", .min_bits = 40, .max_bits = 448,
	  .iv_bytes = 8, .block_bytes = 8 },
	{ .id = SADB_EALG_NULL, .type = NFIPSEC_ALG_ENC,
	  .flags = NFIPSEC_ALG_F_NULL | NFIPSEC_ALG_F_STEP8, .name = "null",
	  .crypto = "ecb(cipher_null)", .min_bits = 0, .max_bits = 2048,
	  .block_bytes = 4 },
	CBC(SADB_X_EALG_AESCBC, "aes-cbc", "cbc(aes)", 16, 16, 128, 192, 256),
	{ .id = SADB_X_EALG_AESCTR, .type = NFIPSEC_ALG_ENC, .name = "aes-ctr",
	  .crypto = "rfc3686(ctr(aes))", .sizes = { 160, 224, 288 },
	  .salt_bits = 32, .iv_bytes = 8, .block_bytes = 4 },
	AEAD(SADB_X_EALG_AES_CCM_ICV8, "aes-ccm-8", "rfc4309(ccm(aes))", 24, 8,
	     152, 216, 280),
	AEAD(SADB_X_EALG_AES_CCM_ICV12, "aes-ccm-12", "rfc4309(ccm(aes))", 24, 12,
	     152, 216, 280),
	AEAD(SADB_X_EALG_AES_CCM_ICV16, "aes-ccm-16", "rfc4309(ccm(aes))", 24, 16,
	     152, 216, 280),
	AEAD(SADB_X_EALG_AES_GCM_ICV8, "aes-gcm-8", "rfc4106(gcm(aes))", 32, 8,
	     160, 224, 288),
	AEAD(SADB_X_EALG_AES_GCM_ICV12, "aes-gcm-12", "rfc4106(gcm(aes))", 32, 12,
	     160, 224, 288),
	AEAD(SADB_X_EALG_AES_GCM_ICV16, "aes-gcm-16", "rfc4106(gcm(aes))", 32, 16,
	     160, 224, 288),
	CBC(SADB_X_EALG_CAMELLIACBC, "camellia-cbc", "cbc(camellia)", 16, 16,
	    128, 192, 256),
	AEAD(SADB_X_EALG_NULL_AES_GMAC, "null-aes-gmac", "rfc4543(gcm(aes))", 32,
	     16, 160, 224, 288),
	CBC(SADB_X_EALG_SM4CBC, "sm4-cbc", "cbc(sm4)", 16, 16, 128),
	CBC(SADB_X_EALG_SERPENTCBC, "serpent-cbc", "cbc(serpent)", 16, 16,
	    128, 192, 256),
	CBC(SADB_X_EALG_TWOFISHCBC, "twofish-cbc", "cbc(twofish)", 16, 16,
	    128, 192, 256),
	AEAD(SADB_X_EALG_CHACHA20_POLY1305, "chacha20-poly1305",
	     "rfc7539esp(chacha20,poly1305)", 32, 16, 288),

	/* Compression for IPcomp (no key). */
	{ .id = SADB_X_CALG_DEFLATE, .type = NFIPSEC_ALG_COMP,
	  .name = "deflate", .crypto = "deflate" },
	{ .id = SADB_X_CALG_LZS, .type = NFIPSEC_ALG_COMP,
	  .name = "lzs", .crypto = "lzs" },
	{ .id = SADB_X_CALG_LZJH, .type = NFIPSEC_ALG_COMP,
	  .name = "lzjh", .crypto = "lzjh" },
};

_Static_assert(ARRAY_SIZE(algs) <= NFIPSEC_ALG_MAX, "raise NFIPSEC_ALG_MAX");

const struct nfipsec_alg *nfipsec_alg_find(enum nfipsec_alg_type type, u8 id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(algs); i++)
		if (algs[i].type == type && algs[i].id == id)
			return &algs[i];
	return NULL;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_alg_find);

const struct nfipsec_alg *nfipsec_alg_at(unsigned int i)
{
	return i < ARRAY_SIZE(algs) ? &algs[i] : NULL;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_alg_at);

bool nfipsec_alg_key_ok(const struct nfipsec_alg *alg, unsigned int bits)
{
	size_t i;

	if (alg->type == NFIPSEC_ALG_COMP)
		return bits == 0;
	if (alg->flags & NFIPSEC_ALG_F_STEP8)
		return bits % 8 == 0 && bits >= alg->min_bits &&
		       bits <= alg->max_bits;
	for (i = 0; i < ARRAY_SIZE(alg->sizes) && alg->sizes[i]; i++)
		if (alg->sizes[i] == bits)
			return true;
	return false;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_alg_key_ok);

u16 nfipsec_alg_min_bits(const struct nfipsec_alg *alg)
{
	return alg->flags & NFIPSEC_ALG_F_STEP8 ? alg->min_bits : alg->sizes[0];
}

u16 nfipsec_alg_max_bits(const struct nfipsec_alg *alg)
{
	size_t i;
	u16 max = 0;

	if (alg->flags & NFIPSEC_ALG_F_STEP8)
		return alg->max_bits;
	for (i = 0; i < ARRAY_SIZE(alg->sizes) && alg->sizes[i]; i++)
		max = alg->sizes[i];
	return max;
}
