// SPDX-License-Identifier: GPL-2.0
/*
 * algs.c - the algorithm names setkey accepts.
 *
 * Names are spelled as ipsec-tools' and FreeBSD's setkey spell them, and
 * map to Linux's <linux/pfkeyv2.h> ids, plus the two ids nfipsec adds
 * (uapi/nfipsec.h).  Key lengths are those of setkey(8)'s tables where
 * the page lists the algorithm, and RFC/Linux values otherwise; keys of
 * counter and AEAD modes include their 32-bit salt (RFCs 3686, 4106,
 * 4543, 7634) or 24-bit CCM salt (RFC 4309), as PF_KEY carries them.
 *
 * Deliberate difference from the page: twofish-cbc takes 128/192/256 bits
 * (the page's "0 to 256" names lengths no Twofish implementation takes).
 *
 * KAME names Linux never gave a PF_KEY id to are kept in the table so the
 * user is told exactly that, rather than "unknown algorithm".
 */
#include <stdio.h>
#include <string.h>

#include <linux/pfkeyv2.h>
#include "nfipsec.h"
#include "algs.h"

#define KEYS(...)	.sizes = { __VA_ARGS__ }
#define RANGE(lo, hi)	.flags = ALG_F_RANGE, .min = lo, .max = hi

static const struct alg algs[] = {
	/* -A: authentication (AH, and ESP integrity). */
	{ "hmac-md5", ALG_AUTH, SADB_AALG_MD5HMAC, 0, KEYS(128) },
	{ "hmac-sha1", ALG_AUTH, SADB_AALG_SHA1HMAC, 0, KEYS(160) },
	{ "hmac-sha256", ALG_AUTH, SADB_X_AALG_SHA2_256HMAC, 0, KEYS(256) },
	{ "hmac-sha2-256", ALG_AUTH, SADB_X_AALG_SHA2_256HMAC, ALG_F_ALIAS, KEYS(256) },
	{ "hmac-sha384", ALG_AUTH, SADB_X_AALG_SHA2_384HMAC, 0, KEYS(384) },
	{ "hmac-sha2-384", ALG_AUTH, SADB_X_AALG_SHA2_384HMAC, ALG_F_ALIAS, KEYS(384) },
	{ "hmac-sha512", ALG_AUTH, SADB_X_AALG_SHA2_512HMAC, 0, KEYS(512) },
	{ "hmac-sha2-512", ALG_AUTH, SADB_X_AALG_SHA2_512HMAC, ALG_F_ALIAS, KEYS(512) },
	{ "hmac-ripemd160", ALG_AUTH, SADB_X_AALG_RIPEMD160HMAC, 0, KEYS(160) },
	{ "aes-xcbc-mac", ALG_AUTH, SADB_X_AALG_AES_XCBC_MAC, 0, KEYS(128) },
	{ "hmac-sm3", ALG_AUTH, SADB_X_AALG_SM3_256HMAC, 0, KEYS(256) },
	{ "aes-cmac", ALG_AUTH, SADB_X_AALG_AES_CMAC, ALG_F_NFIPSEC, KEYS(128) },
	{ "null", ALG_AUTH, SADB_X_AALG_NULL, ALG_F_RANGE | ALG_F_KEYOPT,
	  .min = 0, .max = 2048 },
	{ "keyed-md5", ALG_AUTH, 0, ALG_F_NOID,
	  .why = "KAME's keyed MD5, RFC 1828" },
	{ "keyed-sha1", ALG_AUTH, 0, ALG_F_NOID, .why = "KAME's keyed SHA-1" },
	{ "kpdk", ALG_AUTH, 0, ALG_F_NOID, .why = "KAME's keyed MD5 KPDK" },
	{ "tcp-md5", ALG_AUTH, 0, ALG_F_NOID,
	  .why = "TCP-MD5, RFC 2385: on Linux it is set per socket with "
		 "setsockopt(TCP_MD5SIG)" },

	/* -E: encryption (ESP). */
	{ "des-cbc", ALG_ENC, SADB_EALG_DESCBC, 0, KEYS(64) },
	{ "3des-cbc", ALG_ENC, SADB_EALG_3DESCBC, 0, KEYS(192) },
	{ "null", ALG_ENC, SADB_EALG_NULL, ALG_F_RANGE | ALG_F_KEYOPT,
	  .min = 0, .max = 2048 },
	{ "blowfish-cbc", ALG_ENC, SADB_X_EALG_BLOWFISHCBC, RANGE(40, 448) },
	{ "cast128-cbc", ALG_ENC, SADB_X_EALG_CASTCBC, RANGE(40, 128) },
	{ "aes-cbc", ALG_ENC, SADB_X_EALG_AESCBC, 0, KEYS(128, 192, 256) },
	{ "rijndael-cbc", ALG_ENC, SADB_X_EALG_AESCBC, ALG_F_ALIAS, KEYS(128, 192, 256) },
	{ "aes-ctr", ALG_ENC, SADB_X_EALG_AESCTR, 0, KEYS(160, 224, 288) },
	{ "aes-ccm-8", ALG_ENC, SADB_X_EALG_AES_CCM_ICV8, ALG_F_AEAD, KEYS(152, 216, 280) },
	{ "aes-ccm-12", ALG_ENC, SADB_X_EALG_AES_CCM_ICV12, ALG_F_AEAD, KEYS(152, 216, 280) },
	{ "aes-ccm-16", ALG_ENC, SADB_X_EALG_AES_CCM_ICV16, ALG_F_AEAD, KEYS(152, 216, 280) },
	{ "aes-gcm-8", ALG_ENC, SADB_X_EALG_AES_GCM_ICV8, ALG_F_AEAD, KEYS(160, 224, 288) },
	{ "aes-gcm-12", ALG_ENC, SADB_X_EALG_AES_GCM_ICV12, ALG_F_AEAD, KEYS(160, 224, 288) },
	{ "aes-gcm-16", ALG_ENC, SADB_X_EALG_AES_GCM_ICV16, ALG_F_AEAD, KEYS(160, 224, 288) },
	{ "camellia-cbc", ALG_ENC, SADB_X_EALG_CAMELLIACBC, 0, KEYS(128, 192, 256) },
	{ "null-aes-gmac", ALG_ENC, SADB_X_EALG_NULL_AES_GMAC, ALG_F_AEAD, KEYS(160, 224, 288) },
	{ "aes-gmac", ALG_ENC, SADB_X_EALG_NULL_AES_GMAC, ALG_F_AEAD | ALG_F_ALIAS,
	  KEYS(160, 224, 288) },
	{ "sm4-cbc", ALG_ENC, SADB_X_EALG_SM4CBC, 0, KEYS(128) },
	{ "serpent-cbc", ALG_ENC, SADB_X_EALG_SERPENTCBC, 0, KEYS(128, 192, 256) },
	{ "twofish-cbc", ALG_ENC, SADB_X_EALG_TWOFISHCBC, 0, KEYS(128, 192, 256) },
	{ "chacha20-poly1305", ALG_ENC, SADB_X_EALG_CHACHA20_POLY1305,
	  ALG_F_AEAD | ALG_F_NFIPSEC, KEYS(288) },
	{ "des-deriv", ALG_ENC, 0, ALG_F_NOID,
	  .why = "KAME's DES with derived IV, draft-ietf-ipsec-ciph-des-derived" },
	{ "3des-deriv", ALG_ENC, 0, ALG_F_NOID, .why = "KAME's 3DES with derived IV" },
	{ "des-32iv", ALG_ENC, 0, ALG_F_NOID, .why = "KAME's DES with a 32-bit IV for esp-old" },
	{ "simple", ALG_ENC, 0, ALG_F_NOID, .why = "KAME's obsolete \"simple\" cipher" },
	{ "rc5-cbc", ALG_ENC, 0, ALG_F_NOID, .why = "RC5-CBC, RFC 2451" },

	/* -C: compression (IPcomp), no key. */
	{ "oui", ALG_COMP, SADB_X_CALG_OUI, 0 },
	{ "deflate", ALG_COMP, SADB_X_CALG_DEFLATE, 0 },
	{ "lzs", ALG_COMP, SADB_X_CALG_LZS, 0 },
	{ "lzjh", ALG_COMP, SADB_X_CALG_LZJH, 0 },
};

const struct alg *alg_by_name(enum alg_kind kind, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].kind == kind && strlen(algs[i].name) == len &&
		    !memcmp(algs[i].name, name, len))
			return &algs[i];
	return NULL;
}

const char *alg_name(enum alg_kind kind, unsigned int id)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].kind == kind && algs[i].id == id &&
		    !(algs[i].flags & (ALG_F_ALIAS | ALG_F_NOID)))
			return algs[i].name;
	return NULL;
}

bool alg_key_ok(const struct alg *a, unsigned int bits)
{
	size_t i;

	if (a->kind == ALG_COMP)
		return bits == 0;
	if (a->flags & ALG_F_RANGE)
		return bits >= a->min && bits <= a->max;
	for (i = 0; i < 4 && a->sizes[i]; i++)
		if (a->sizes[i] == bits)
			return true;
	return false;
}

void alg_key_desc(const struct alg *a, char *buf, size_t size)
{
	size_t i, n = 0;

	buf[0] = '\0';
	if (a->flags & ALG_F_RANGE) {
		snprintf(buf, size, "%u to %u", a->min, a->max);
		return;
	}
	for (i = 0; i < 4 && a->sizes[i] && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%u", i ? "/" : "", a->sizes[i]);
}

void alg_list(enum alg_kind kind, char *buf, size_t size)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]) && n < size; i++)
		if (algs[i].kind == kind && !(algs[i].flags & ALG_F_NOID))
			n += snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
				      algs[i].name);
}

const struct alg *alg_at(size_t i)
{
	return i < sizeof(algs) / sizeof(algs[0]) ? &algs[i] : NULL;
}
