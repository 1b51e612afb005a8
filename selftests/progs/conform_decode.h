/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conform_decode.h - PF_KEY v2 message decoder of the differential
 * conformance test (pfkey_conform.c): one message becomes one line of
 * text, base header and every extension decoded field by field, with
 * what legitimately differs between two kernels normalized:
 *
 *  - sadb_msg_pid: "self" (this process), "0", or "other";
 *  - SPIs the kernel chose (any SPI that first appears in a GETSPI
 *    reply): a symbol "@<step>#<n>" named after the step that received
 *    it, so one failing GETSPI does not renumber the rest of the run;
 *  - LIFETIME_CURRENT addtime/usetime (wall clock): "set" or 0;
 *  - extension order: extensions are printed sorted by type (every
 *    PF_KEY parser - af_key's parse_exthdrs, ipsec-tools' pfkey_align,
 *    KAME's key_align - indexes them by type; the order carries nothing);
 *  - af_key's phantom ADDRESS_PROXY (0.0.0.0/0, proto 255) on SAs added
 *    without one is left out: see cf_phantom_proxy();
 *  - sadb_msg_reserved of a reply is printed last, as " diag=NAME(n)",
 *    so that the runner can recognise a difference that is only
 *    nfipsec's extended diagnostic (af_key always leaves it 0).
 *
 * Header-only (static functions) so that the progs Makefile, which makes
 * one program of every .c file, builds nothing extra.
 */
#ifndef _NFIPSEC_CONFORM_DECODE_H
#define _NFIPSEC_CONFORM_DECODE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pfkeyv2.h>
#include <linux/ipsec.h>
#include "nfipsec.h"

/* ---------------------------------------------------------------------- */
/* A growing string                                                       */
/* ---------------------------------------------------------------------- */

struct sb {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && (size_t)n < room) {
			b->len += n;
			return;
		}
		b->cap = (b->cap ? b->cap * 2 : 256) + n;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			perror("realloc");
			exit(2);
		}
	}
}

static void sb_hex(struct sb *b, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sb_printf(b, "%02x", p[i]);
}

static void sb_free(struct sb *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* ---------------------------------------------------------------------- */
/* Names                                                                  */
/* ---------------------------------------------------------------------- */

static const char *const cf_msg_names[] = {
	"RESERVED", "GETSPI", "UPDATE", "ADD", "DELETE", "GET", "ACQUIRE",
	"REGISTER", "EXPIRE", "FLUSH", "DUMP", "X_PROMISC", "X_PCHANGE",
	"X_SPDUPDATE", "X_SPDADD", "X_SPDDELETE", "X_SPDGET", "X_SPDACQUIRE",
	"X_SPDDUMP", "X_SPDFLUSH", "X_SPDSETIDX", "X_SPDEXPIRE",
	"X_SPDDELETE2", "X_NAT_T_NEW_MAPPING", "X_MIGRATE",
};

static void sb_msgtype(struct sb *b, unsigned int t)
{
	if (t < sizeof(cf_msg_names) / sizeof(cf_msg_names[0]))
		sb_printf(b, "%s", cf_msg_names[t]);
	else if (t == SADB_X_NFIPSEC_OPTIONS)
		sb_printf(b, "X_NFIPSEC_OPTIONS");
	else
		sb_printf(b, "MSG%u", t);
}

static void sb_satype(struct sb *b, unsigned int t)
{
	switch (t) {
	case SADB_SATYPE_UNSPEC: sb_printf(b, "UNSPEC"); break;
	case SADB_SATYPE_AH: sb_printf(b, "AH"); break;
	case SADB_SATYPE_ESP: sb_printf(b, "ESP"); break;
	case SADB_SATYPE_RSVP: sb_printf(b, "RSVP"); break;
	case SADB_SATYPE_OSPFV2: sb_printf(b, "OSPFV2"); break;
	case SADB_SATYPE_RIPV2: sb_printf(b, "RIPV2"); break;
	case SADB_SATYPE_MIP: sb_printf(b, "MIP"); break;
	case SADB_X_SATYPE_IPCOMP: sb_printf(b, "IPCOMP"); break;
	default: sb_printf(b, "%u", t);
	}
}

static void sb_errno(struct sb *b, int e)
{
	const char *n = e ? strerrorname_np(e) : NULL;

	if (n)
		sb_printf(b, "%s", n);
	else
		sb_printf(b, "%d", e);
}

static const char *cf_aalg_name(unsigned int id)
{
	switch (id) {
	case SADB_AALG_NONE: return "none";
	case SADB_AALG_MD5HMAC: return "hmac-md5";
	case SADB_AALG_SHA1HMAC: return "hmac-sha1";
	case SADB_X_AALG_SHA2_256HMAC: return "hmac-sha256";
	case SADB_X_AALG_SHA2_384HMAC: return "hmac-sha384";
	case SADB_X_AALG_SHA2_512HMAC: return "hmac-sha512";
	case SADB_X_AALG_RIPEMD160HMAC: return "hmac-ripemd160";
	case SADB_X_AALG_AES_XCBC_MAC: return "aes-xcbc";
	case SADB_X_AALG_SM3_256HMAC: return "hmac-sm3";
	case SADB_X_AALG_AES_CMAC: return "aes-cmac";
	case SADB_X_AALG_NULL: return "null";
	default: return NULL;
	}
}

static const char *cf_ealg_name(unsigned int id)
{
	switch (id) {
	case SADB_EALG_NONE: return "none";
	case SADB_EALG_DESCBC: return "des-cbc";
	case SADB_EALG_3DESCBC: return "3des-cbc";
	case SADB_X_EALG_CASTCBC: return "cast128-cbc";
	case SADB_X_EALG_BLOWFISHCBC: return "blowfish-cbc";
	case SADB_EALG_NULL: return "null";
	case SADB_X_EALG_AESCBC: return "aes-cbc";
	case SADB_X_EALG_AESCTR: return "aes-ctr";
	case SADB_X_EALG_AES_CCM_ICV8: return "aes-ccm8";
	case SADB_X_EALG_AES_CCM_ICV12: return "aes-ccm12";
	case SADB_X_EALG_AES_CCM_ICV16: return "aes-ccm16";
	case SADB_X_EALG_AES_GCM_ICV8: return "aes-gcm8";
	case SADB_X_EALG_AES_GCM_ICV12: return "aes-gcm12";
	case SADB_X_EALG_AES_GCM_ICV16: return "aes-gcm16";
	case SADB_X_EALG_CAMELLIACBC: return "camellia-cbc";
	case SADB_X_EALG_NULL_AES_GMAC: return "null-aes-gmac";
	case SADB_X_EALG_SM4CBC: return "sm4-cbc";
	case SADB_X_EALG_CHACHA20_POLY1305: return "chacha20-poly1305";
	case SADB_X_EALG_SERPENTCBC: return "serpent-cbc";
	case SADB_X_EALG_TWOFISHCBC: return "twofish-cbc";
	default: return NULL;
	}
}

static const char *cf_calg_name(unsigned int id)
{
	switch (id) {
	case SADB_X_CALG_NONE: return "none";
	case SADB_X_CALG_OUI: return "oui";
	case SADB_X_CALG_DEFLATE: return "deflate";
	case SADB_X_CALG_LZS: return "lzs";
	case SADB_X_CALG_LZJH: return "lzjh";
	default: return NULL;
	}
}

static void sb_alg(struct sb *b, const char *name, unsigned int id)
{
	if (name)
		sb_printf(b, "%s", name);
	else
		sb_printf(b, "%u", id);
}

static const char *cf_ext_name(unsigned int t)
{
	static const char *const n[] = {
		"EXT0", "SA", "LIFE_CUR", "LIFE_HARD", "LIFE_SOFT", "SRC", "DST",
		"PROXY", "KEY_AUTH", "KEY_ENC", "ID_SRC", "ID_DST", "SENS",
		"PROP", "SUPP_AUTH", "SUPP_ENC", "SPIRANGE", "KMPRIVATE",
		"POLICY", "SA2", "NATT_TYPE", "NATT_SPORT", "NATT_DPORT",
		"NATT_OA", "SEC_CTX", "KMADDRESS", "FILTER",
	};

	if (t < sizeof(n) / sizeof(n[0]))
		return n[t];
	if (t == SADB_X_EXT_REPLAY)
		return "X_REPLAY";
	if (t == SADB_X_EXT_COUNTERS)
		return "X_COUNTERS";
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Normalization state                                                     */
/* ---------------------------------------------------------------------- */

struct cf_spisym {
	uint32_t spi;		/* network order, as in sadb_sa_spi */
	char name[80];
};

static struct cf_spisym cf_spis[4096];
static unsigned int cf_nspis;
static const char *cf_step_name = "-";
static unsigned int cf_step_spis;	/* symbols made in this step */
static pid_t cf_self;

static const char *cf_spi_lookup(uint32_t spi)
{
	unsigned int i;

	for (i = 0; i < cf_nspis; i++)
		if (cf_spis[i].spi == spi)
			return cf_spis[i].name;
	return NULL;
}

/* A kernel-chosen SPI: give it a symbol if it has none yet. */
static const char *cf_spi_learn(uint32_t spi)
{
	const char *n = cf_spi_lookup(spi);
	struct cf_spisym *s;

	if (n || !spi || cf_nspis == sizeof(cf_spis) / sizeof(cf_spis[0]))
		return n;
	s = &cf_spis[cf_nspis++];
	s->spi = spi;
	snprintf(s->name, sizeof(s->name), "@%s#%u", cf_step_name, ++cf_step_spis);
	return s->name;
}

static void sb_spi(struct sb *b, uint32_t spi)
{
	const char *n = cf_spi_lookup(spi);

	if (n)
		sb_printf(b, "%s", n);
	else
		sb_printf(b, "0x%08x", ntohl(spi));
}

static void sb_pid(struct sb *b, uint32_t pid)
{
	if (pid == (uint32_t)cf_self)
		sb_printf(b, "self");
	else if (pid == 0)
		sb_printf(b, "0");
	else
		sb_printf(b, "other");
}

/* ---------------------------------------------------------------------- */
/* Extensions                                                             */
/* ---------------------------------------------------------------------- */

/* Unaligned-safe reads. */
#define CF_GET(type, p) ({ type __v; memcpy(&__v, (p), sizeof(__v)); __v; })

static void sb_sockaddr(struct sb *b, const uint8_t *p, size_t n)
{
	uint16_t fam;
	char a[INET6_ADDRSTRLEN];

	if (n < 2) {
		sb_printf(b, "short:");
		sb_hex(b, p, n);
		return;
	}
	fam = CF_GET(uint16_t, p);
	if (fam == AF_INET && n >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, p, sizeof(sin));
		inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a));
		sb_printf(b, "inet %s port=%u", a, ntohs(sin.sin_port));
		if (!all_zero((const uint8_t *)sin.sin_zero, sizeof(sin.sin_zero)))
			sb_printf(b, " zero!=0");
		if (!all_zero(p + sizeof(sin), n - sizeof(sin))) {
			sb_printf(b, " tail=");
			sb_hex(b, p + sizeof(sin), n - sizeof(sin));
		}
	} else if (fam == AF_INET6 && n >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, p, sizeof(sin6));
		inet_ntop(AF_INET6, &sin6.sin6_addr, a, sizeof(a));
		sb_printf(b, "inet6 %s port=%u flow=%u scope=%u", a,
			  ntohs(sin6.sin6_port), ntohl(sin6.sin6_flowinfo),
			  sin6.sin6_scope_id);
		if (!all_zero(p + sizeof(sin6), n - sizeof(sin6))) {
			sb_printf(b, " tail=");
			sb_hex(b, p + sizeof(sin6), n - sizeof(sin6));
		}
	} else {
		sb_printf(b, "af=%u raw=", fam);
		sb_hex(b, p, n);
	}
}

static void dec_lifetime(struct sb *b, const uint8_t *p, size_t n, int current)
{
	struct sadb_lifetime l;

	if (n < sizeof(l)) {
		sb_hex(b, p, n);
		return;
	}
	memcpy(&l, p, sizeof(l));
	sb_printf(b, "alloc=%u bytes=%llu", l.sadb_lifetime_allocations,
		  (unsigned long long)l.sadb_lifetime_bytes);
	if (current)
		sb_printf(b, " add=%s use=%s",
			  l.sadb_lifetime_addtime ? "set" : "0",
			  l.sadb_lifetime_usetime ? "set" : "0");
	else
		sb_printf(b, " add=%llu use=%llu",
			  (unsigned long long)l.sadb_lifetime_addtime,
			  (unsigned long long)l.sadb_lifetime_usetime);
}

static void dec_ext(struct sb *b, const struct sadb_msg *h, const uint8_t *p,
		    size_t n)
{
	uint16_t type = CF_GET(uint16_t, p + 2);
	const char *name = cf_ext_name(type);
	int getspi_reply = h->sadb_msg_type == SADB_GETSPI && !h->sadb_msg_errno;

	if (name)
		sb_printf(b, "%s[%zu](", name, n / 8);
	else
		sb_printf(b, "EXT%u[%zu](", type, n / 8);

	switch (type) {
	case SADB_EXT_SA: {
		struct sadb_sa s;

		if (n < sizeof(s))
			goto raw;
		memcpy(&s, p, sizeof(s));
		if (getspi_reply)
			cf_spi_learn(s.sadb_sa_spi);
		sb_printf(b, "spi=");
		sb_spi(b, s.sadb_sa_spi);
		sb_printf(b, " replay=%u state=%u auth=", s.sadb_sa_replay,
			  s.sadb_sa_state);
		sb_alg(b, cf_aalg_name(s.sadb_sa_auth), s.sadb_sa_auth);
		sb_printf(b, " enc=");
		if (h->sadb_msg_satype == SADB_X_SATYPE_IPCOMP)
			sb_alg(b, cf_calg_name(s.sadb_sa_encrypt), s.sadb_sa_encrypt);
		else
			sb_alg(b, cf_ealg_name(s.sadb_sa_encrypt), s.sadb_sa_encrypt);
		sb_printf(b, " flags=0x%x", s.sadb_sa_flags);
		if (n > sizeof(s)) {
			sb_printf(b, " extra=");
			sb_hex(b, p + sizeof(s), n - sizeof(s));
		}
		break;
	}
	case SADB_EXT_LIFETIME_CURRENT:
	case SADB_EXT_LIFETIME_HARD:
	case SADB_EXT_LIFETIME_SOFT:
		dec_lifetime(b, p, n, type == SADB_EXT_LIFETIME_CURRENT);
		if (n > sizeof(struct sadb_lifetime)) {
			sb_printf(b, " extra=");
			sb_hex(b, p + sizeof(struct sadb_lifetime),
			       n - sizeof(struct sadb_lifetime));
		}
		break;
	case SADB_EXT_ADDRESS_SRC:
	case SADB_EXT_ADDRESS_DST:
	case SADB_EXT_ADDRESS_PROXY:
	case SADB_X_EXT_NAT_T_OA: {
		struct sadb_address a;

		if (n < sizeof(a))
			goto raw;
		memcpy(&a, p, sizeof(a));
		sb_printf(b, "proto=%u plen=%u", a.sadb_address_proto,
			  a.sadb_address_prefixlen);
		if (a.sadb_address_reserved)
			sb_printf(b, " rsv=%u", a.sadb_address_reserved);
		sb_printf(b, " ");
		sb_sockaddr(b, p + sizeof(a), n - sizeof(a));
		break;
	}
	case SADB_EXT_KEY_AUTH:
	case SADB_EXT_KEY_ENCRYPT: {
		struct sadb_key k;
		size_t kb;

		if (n < sizeof(k))
			goto raw;
		memcpy(&k, p, sizeof(k));
		kb = (k.sadb_key_bits + 7) / 8;
		sb_printf(b, "bits=%u", k.sadb_key_bits);
		if (k.sadb_key_reserved)
			sb_printf(b, " rsv=%u", k.sadb_key_reserved);
		if (kb > n - sizeof(k))
			kb = n - sizeof(k);
		sb_printf(b, " key=");
		sb_hex(b, p + sizeof(k), kb);
		if (!all_zero(p + sizeof(k) + kb, n - sizeof(k) - kb))
			sb_printf(b, " pad!=0");
		break;
	}
	case SADB_EXT_IDENTITY_SRC:
	case SADB_EXT_IDENTITY_DST: {
		struct sadb_ident id;
		size_t i;

		if (n < sizeof(id))
			goto raw;
		memcpy(&id, p, sizeof(id));
		sb_printf(b, "type=%u rsv=%u id=%llu str=\"", id.sadb_ident_type,
			  id.sadb_ident_reserved,
			  (unsigned long long)id.sadb_ident_id);
		for (i = sizeof(id); i < n && p[i]; i++)
			sb_printf(b, p[i] > 32 && p[i] < 127 && p[i] != '"' ?
				  "%c" : "\\x%02x", p[i]);
		sb_printf(b, "\"");
		break;
	}
	case SADB_EXT_SENSITIVITY: {
		struct sadb_sens s;

		if (n < sizeof(s))
			goto raw;
		memcpy(&s, p, sizeof(s));
		sb_printf(b, "dpd=%u sl=%u slen=%u il=%u ilen=%u rsv=%u bitmaps=",
			  s.sadb_sens_dpd, s.sadb_sens_sens_level,
			  s.sadb_sens_sens_len, s.sadb_sens_integ_level,
			  s.sadb_sens_integ_len, s.sadb_sens_reserved);
		sb_hex(b, p + sizeof(s), n - sizeof(s));
		break;
	}
	case SADB_EXT_PROPOSAL: {
		struct sadb_prop pr;
		size_t off;

		if (n < sizeof(pr))
			goto raw;
		memcpy(&pr, p, sizeof(pr));
		sb_printf(b, "replay=%u", pr.sadb_prop_replay);
		for (off = sizeof(pr); off + sizeof(struct sadb_comb) <= n;
		     off += sizeof(struct sadb_comb)) {
			struct sadb_comb c;

			memcpy(&c, p + off, sizeof(c));
			sb_printf(b, " {auth=%u enc=%u flags=0x%x a=%u-%u e=%u-%u"
				  " alloc=%u/%u bytes=%llu/%llu add=%llu/%llu"
				  " use=%llu/%llu}",
				  c.sadb_comb_auth, c.sadb_comb_encrypt,
				  c.sadb_comb_flags, c.sadb_comb_auth_minbits,
				  c.sadb_comb_auth_maxbits,
				  c.sadb_comb_encrypt_minbits,
				  c.sadb_comb_encrypt_maxbits,
				  c.sadb_comb_soft_allocations,
				  c.sadb_comb_hard_allocations,
				  (unsigned long long)c.sadb_comb_soft_bytes,
				  (unsigned long long)c.sadb_comb_hard_bytes,
				  (unsigned long long)c.sadb_comb_soft_addtime,
				  (unsigned long long)c.sadb_comb_hard_addtime,
				  (unsigned long long)c.sadb_comb_soft_usetime,
				  (unsigned long long)c.sadb_comb_hard_usetime);
		}
		if (off != n) {
			sb_printf(b, " extra=");
			sb_hex(b, p + off, n - off);
		}
		break;
	}
	case SADB_EXT_SUPPORTED_AUTH:
	case SADB_EXT_SUPPORTED_ENCRYPT: {
		struct sadb_supported su;
		size_t off;

		if (n < sizeof(su))
			goto raw;
		memcpy(&su, p, sizeof(su));
		if (su.sadb_supported_reserved)
			sb_printf(b, "rsv=%u ", su.sadb_supported_reserved);
		sb_printf(b, "algs:");
		for (off = sizeof(su); off + sizeof(struct sadb_alg) <= n;
		     off += sizeof(struct sadb_alg)) {
			struct sadb_alg a;

			memcpy(&a, p + off, sizeof(a));
			sb_printf(b, " ");
			if (type == SADB_EXT_SUPPORTED_AUTH)
				sb_alg(b, cf_aalg_name(a.sadb_alg_id), a.sadb_alg_id);
			else if (h->sadb_msg_satype == SADB_X_SATYPE_IPCOMP)
				sb_alg(b, cf_calg_name(a.sadb_alg_id), a.sadb_alg_id);
			else
				sb_alg(b, cf_ealg_name(a.sadb_alg_id), a.sadb_alg_id);
			sb_printf(b, "/iv%u/%u-%u", a.sadb_alg_ivlen,
				  a.sadb_alg_minbits, a.sadb_alg_maxbits);
			if (a.sadb_alg_reserved)
				sb_printf(b, "/rsv%u", a.sadb_alg_reserved);
		}
		break;
	}
	case SADB_EXT_SPIRANGE: {
		struct sadb_spirange r;

		if (n < sizeof(r))
			goto raw;
		memcpy(&r, p, sizeof(r));
		sb_printf(b, "min=0x%x max=0x%x rsv=%u", r.sadb_spirange_min,
			  r.sadb_spirange_max, r.sadb_spirange_reserved);
		break;
	}
	case SADB_X_EXT_KMPRIVATE:
		sb_printf(b, "data=");
		sb_hex(b, p + 4, n - 4);
		break;
	case SADB_X_EXT_POLICY: {
		struct sadb_x_policy pol;
		size_t off;

		if (n < sizeof(pol))
			goto raw;
		memcpy(&pol, p, sizeof(pol));
		/* The id is allocated by the kernel: present or not. */
		sb_printf(b, "type=%u dir=%u rsv=%u id=%s prio=%u",
			  pol.sadb_x_policy_type, pol.sadb_x_policy_dir,
			  pol.sadb_x_policy_reserved,
			  pol.sadb_x_policy_id ? "set" : "0",
			  pol.sadb_x_policy_priority);
		for (off = sizeof(pol); off + sizeof(struct sadb_x_ipsecrequest) <= n;) {
			struct sadb_x_ipsecrequest rq;
			size_t rl;

			memcpy(&rq, p + off, sizeof(rq));
			rl = rq.sadb_x_ipsecrequest_len;
			sb_printf(b, " {len=%zu proto=%u mode=%u level=%u reqid=%u",
				  rl, rq.sadb_x_ipsecrequest_proto,
				  rq.sadb_x_ipsecrequest_mode,
				  rq.sadb_x_ipsecrequest_level,
				  rq.sadb_x_ipsecrequest_reqid);
			if (rl > sizeof(rq) && off + rl <= n) {
				sb_printf(b, " addrs=");
				sb_hex(b, p + off + sizeof(rq), rl - sizeof(rq));
			}
			sb_printf(b, "}");
			if (rl < sizeof(rq))
				break;
			off += rl;
		}
		break;
	}
	case SADB_X_EXT_SA2: {
		struct sadb_x_sa2 s;

		if (n < sizeof(s))
			goto raw;
		memcpy(&s, p, sizeof(s));
		sb_printf(b, "mode=%u seq=%u reqid=%u", s.sadb_x_sa2_mode,
			  s.sadb_x_sa2_sequence, s.sadb_x_sa2_reqid);
		if (s.sadb_x_sa2_reserved1 || s.sadb_x_sa2_reserved2)
			sb_printf(b, " rsv=%u/%u", s.sadb_x_sa2_reserved1,
				  s.sadb_x_sa2_reserved2);
		break;
	}
	case SADB_X_EXT_NAT_T_TYPE: {
		struct sadb_x_nat_t_type t;

		if (n < sizeof(t))
			goto raw;
		memcpy(&t, p, sizeof(t));
		sb_printf(b, "type=%u", t.sadb_x_nat_t_type_type);
		if (!all_zero(t.sadb_x_nat_t_type_reserved, 3))
			sb_printf(b, " rsv!=0");
		break;
	}
	case SADB_X_EXT_NAT_T_SPORT:
	case SADB_X_EXT_NAT_T_DPORT: {
		struct sadb_x_nat_t_port t;

		if (n < sizeof(t))
			goto raw;
		memcpy(&t, p, sizeof(t));
		sb_printf(b, "port=%u", ntohs(t.sadb_x_nat_t_port_port));
		if (t.sadb_x_nat_t_port_reserved)
			sb_printf(b, " rsv=%u", t.sadb_x_nat_t_port_reserved);
		break;
	}
	case SADB_X_EXT_SEC_CTX: {
		struct sadb_x_sec_ctx c;

		if (n < sizeof(c))
			goto raw;
		memcpy(&c, p, sizeof(c));
		sb_printf(b, "alg=%u doi=%u len=%u ctx=", c.sadb_x_ctx_alg,
			  c.sadb_x_ctx_doi, c.sadb_x_ctx_len);
		sb_hex(b, p + sizeof(c), n - sizeof(c));
		break;
	}
	case SADB_X_EXT_KMADDRESS:
		sb_printf(b, "data=");
		sb_hex(b, p + 4, n - 4);
		break;
	case SADB_X_EXT_FILTER: {
		struct sadb_x_filter f;

		if (n < sizeof(f))
			goto raw;
		memcpy(&f, p, sizeof(f));
		sb_printf(b, "family=%u splen=%u dplen=%u addrs=",
			  f.sadb_x_filter_family, f.sadb_x_filter_splen,
			  f.sadb_x_filter_dplen);
		sb_hex(b, p + 4, 32);
		break;
	}
	case SADB_X_EXT_REPLAY: {
		struct sadb_x_replay r;

		if (n < sizeof(r))
			goto raw;
		memcpy(&r, p, sizeof(r));
		sb_printf(b, "window=%u flags=0x%x", r.sadb_x_replay_window,
			  r.sadb_x_replay_flags);
		break;
	}
	default:
raw:
		sb_printf(b, "raw=");
		sb_hex(b, p + 4, n > 4 ? n - 4 : 0);
		break;
	}
	sb_printf(b, ")");
}

/* ---------------------------------------------------------------------- */
/* Messages                                                               */
/* ---------------------------------------------------------------------- */

struct cf_ext_text {
	unsigned int type;
	unsigned int order;
	struct sb text;
};

static int cf_ext_cmp(const void *a, const void *b)
{
	const struct cf_ext_text *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * af_key's phantom proxy: for every SA whose selector source differs from
 * its source address - that is, every SA added without a PROXY extension,
 * whose selector stays all-zero - __pfkey_xfrm_state2msg() adds an
 * ADDRESS_PROXY of 0.0.0.0/0 (or ::/0), protocol 255, port 0, which no
 * request carried.  It says nothing, and the script never sends such a
 * proxy itself, so it is left out (and out of sadb_msg_len).
 */
static int cf_phantom_proxy(const uint8_t *p, size_t n)
{
	struct sadb_address a;
	uint16_t fam;
	size_t salen;

	if (CF_GET(uint16_t, p + 2) != SADB_EXT_ADDRESS_PROXY || n < sizeof(a) + 2)
		return 0;
	memcpy(&a, p, sizeof(a));
	if (a.sadb_address_prefixlen || a.sadb_address_proto != IPSEC_PROTO_ANY ||
	    a.sadb_address_reserved)
		return 0;
	fam = CF_GET(uint16_t, p + sizeof(a));
	salen = fam == AF_INET ? sizeof(struct sockaddr_in) :
		fam == AF_INET6 ? sizeof(struct sockaddr_in6) : 0;
	if (!salen || n < sizeof(a) + salen)
		return 0;
	/* Everything after the family is zero: port, address, the rest. */
	return all_zero(p + sizeof(a) + 2, n - sizeof(a) - 2);
}

/*
 * Decode the @n bytes of one received message into @b (no newline).
 * @seqmask: print the sequence number as "*" (dumps compared unordered).
 */
static void cf_decode(struct sb *b, const uint8_t *buf, size_t n, int seqmask)
{
	struct sadb_msg h;
	struct cf_ext_text ext[64];
	unsigned int next = 0, i, hidden = 0;
	struct sb tail = { 0 };
	size_t off, end;

	if (n < sizeof(h)) {
		sb_printf(b, "SHORT(%zu) ", n);
		sb_hex(b, buf, n);
		return;
	}
	memcpy(&h, buf, sizeof(h));

	/*
	 * X_PROMISC carries a whole message, not extensions: decode it as
	 * one, nested.
	 */
	end = n;
	if (h.sadb_msg_type == SADB_X_PROMISC && n > sizeof(h)) {
		sb_printf(&tail, " :: embedded{");
		cf_decode(&tail, buf + sizeof(h), n - sizeof(h), seqmask);
		sb_printf(&tail, "}");
		end = sizeof(h);
	}

	for (off = sizeof(h); off < end && next < 64;) {
		size_t el;

		if (end - off < 4) {
			sb_printf(&tail, " TRAILING(");
			sb_hex(&tail, buf + off, end - off);
			sb_printf(&tail, ")");
			break;
		}
		el = (size_t)CF_GET(uint16_t, buf + off) * 8;
		if (el == 0 || el > end - off) {
			sb_printf(&tail, " BADEXT(len=%zu at %zu: ", el / 8, off);
			sb_hex(&tail, buf + off, end - off > 16 ? 16 : end - off);
			sb_printf(&tail, ")");
			break;
		}
		if (cf_phantom_proxy(buf + off, el)) {
			hidden += el / 8;
			off += el;
			continue;
		}
		memset(&ext[next].text, 0, sizeof(ext[next].text));
		ext[next].type = CF_GET(uint16_t, buf + off + 2);
		ext[next].order = next;
		dec_ext(&ext[next].text, &h, buf + off, el);
		next++;
		off += el;
	}

	sb_msgtype(b, h.sadb_msg_type);
	sb_printf(b, " sat=");
	sb_satype(b, h.sadb_msg_satype);
	sb_printf(b, " errno=");
	sb_errno(b, h.sadb_msg_errno);
	if (seqmask)
		sb_printf(b, " seq=*");
	else
		sb_printf(b, " seq=%u", h.sadb_msg_seq);
	sb_printf(b, " pid=");
	sb_pid(b, h.sadb_msg_pid);
	sb_printf(b, " len=%u", h.sadb_msg_len - hidden);
	if (h.sadb_msg_version != PF_KEY_V2)
		sb_printf(b, " version=%u", h.sadb_msg_version);
	if ((size_t)h.sadb_msg_len * 8 != n)
		sb_printf(b, " recvlen=%zu", n);
	if (tail.s)
		sb_printf(b, "%s", tail.s);
	sb_free(&tail);

	qsort(ext, next, sizeof(ext[0]), cf_ext_cmp);
	if (next)
		sb_printf(b, " :");
	for (i = 0; i < next; i++) {
		sb_printf(b, " %s", ext[i].text.s);
		sb_free(&ext[i].text);
	}
	/* Last, so that the runner can strip it: see the file comment. */
	if (h.sadb_msg_reserved)
		sb_printf(b, " diag=%s(%u)",
			  pfkey_diag_id(h.sadb_msg_reserved) ?: "?",
			  h.sadb_msg_reserved);
}

#endif /* _NFIPSEC_CONFORM_DECODE_H */
