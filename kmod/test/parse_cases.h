/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse_cases.h - test vectors for pfkey_parse.c, shared by the KUnit
 * suite (kmod/test/pfkey_parse_kunit.c) and the userspace cmocka test
 * (tools/tests/pfkey_parse_test.c): one list of cases, two runners.
 *
 * Each case builds a message with the small builder below and states the
 * errno and diagnostic pfkey_parse() must give.  Pure C: no kernel APIs.
 */
#ifndef _NFIPSEC_PARSE_CASES_H
#define _NFIPSEC_PARSE_CASES_H

#include "pfkey_parse.h"

#define PC_BUF 512

struct pc_msg {
	u8 buf[PC_BUF];
	size_t len;			/* bytes written so far */
	size_t wlen;			/* length of the write (default: len) */
};

static inline struct sadb_msg *pc_hdr(struct pc_msg *m)
{
	return (struct sadb_msg *)m->buf;
}

static inline void pc_init(struct pc_msg *m, u8 type, u8 satype)
{
	struct sadb_msg *h;

	memset(m, 0, sizeof(*m));
	h = pc_hdr(m);
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = type;
	h->sadb_msg_satype = satype;
	h->sadb_msg_seq = 1;
	h->sadb_msg_pid = 1234;
	m->len = sizeof(*h);
}

/* Append @words 64-bit words of extension @type; returns its start. */
static inline void *pc_ext(struct pc_msg *m, u16 type, u16 words)
{
	struct sadb_ext *e = (struct sadb_ext *)(m->buf + m->len);

	e->sadb_ext_len = words;
	e->sadb_ext_type = type;
	m->len += (size_t)words * 8;
	return e;
}

static inline void pc_sa(struct pc_msg *m, u32 spi_be)
{
	struct sadb_sa *sa = pc_ext(m, SADB_EXT_SA, 2);

	sa->sadb_sa_spi = spi_be;
	sa->sadb_sa_state = SADB_SASTATE_MATURE;
}

static inline struct sadb_address *pc_addr4(struct pc_msg *m, u16 type,
					    u8 prefixlen)
{
	struct sadb_address *a = pc_ext(m, type, 3);
	struct sockaddr_in *sin = (struct sockaddr_in *)(a + 1);

	a->sadb_address_prefixlen = prefixlen;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = 0x0100000a;	/* 10.0.0.1 */
	return a;
}

static inline struct sadb_address *pc_addr6(struct pc_msg *m, u16 type,
					    u8 prefixlen)
{
	struct sadb_address *a = pc_ext(m, type, 5);
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(a + 1);

	a->sadb_address_prefixlen = prefixlen;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr.s6_addr[15] = 1;
	return a;
}

static inline void pc_key(struct pc_msg *m, u16 type, u16 bits, u16 words)
{
	struct sadb_key *k = pc_ext(m, type, words);

	k->sadb_key_bits = bits;
}

static inline void pc_life(struct pc_msg *m, u16 type, u64 bytes, u64 addtime)
{
	struct sadb_lifetime *l = pc_ext(m, type, 4);

	l->sadb_lifetime_bytes = bytes;
	l->sadb_lifetime_addtime = addtime;
}

/* Finish: set sadb_msg_len from what was written. */
static inline void pc_done(struct pc_msg *m)
{
	pc_hdr(m)->sadb_msg_len = m->len / 8;
	if (!m->wlen)
		m->wlen = m->len;
}

/* A valid ADD: SA, source, destination, encryption key. */
static inline void pc_add(struct pc_msg *m)
{
	pc_init(m, SADB_ADD, SADB_SATYPE_ESP);
	pc_sa(m, 0x00100000);
	pc_addr4(m, SADB_EXT_ADDRESS_SRC, 32);
	pc_addr4(m, SADB_EXT_ADDRESS_DST, 32);
	pc_key(m, SADB_EXT_KEY_ENCRYPT, 128, 3);
}

#define PC_CASE(fn) static inline void fn(struct pc_msg *m)

PC_CASE(ok_add) { pc_add(m); pc_done(m); }
PC_CASE(ok_register) { pc_init(m, SADB_REGISTER, SADB_SATYPE_ESP); pc_done(m); }
PC_CASE(ok_flush_all) { pc_init(m, SADB_FLUSH, SADB_SATYPE_UNSPEC); pc_done(m); }
PC_CASE(ok_add6) {
	pc_init(m, SADB_ADD, SADB_SATYPE_AH);
	pc_sa(m, 0x00100000);
	pc_addr6(m, SADB_EXT_ADDRESS_SRC, 128);
	pc_addr6(m, SADB_EXT_ADDRESS_DST, 128);
	pc_key(m, SADB_EXT_KEY_AUTH, 160, 4);
	pc_done(m);
}
PC_CASE(ok_lifetimes) {
	pc_add(m);
	pc_life(m, SADB_EXT_LIFETIME_HARD, 1000, 60);
	pc_life(m, SADB_EXT_LIFETIME_SOFT, 800, 0);
	pc_done(m);
}
PC_CASE(ok_soft_without_hard_limit) {
	pc_add(m);
	pc_life(m, SADB_EXT_LIFETIME_HARD, 0, 0);
	pc_life(m, SADB_EXT_LIFETIME_SOFT, 800, 50);
	pc_done(m);
}
PC_CASE(short_write) { pc_add(m); pc_done(m); m->wlen = 8; }
PC_CASE(bad_version) { pc_add(m); pc_done(m); pc_hdr(m)->sadb_msg_version = 1; }
PC_CASE(bad_reserved) { pc_add(m); pc_done(m); pc_hdr(m)->sadb_msg_reserved = 7; }
PC_CASE(len_too_long) { pc_add(m); pc_done(m); pc_hdr(m)->sadb_msg_len++; }
PC_CASE(len_too_short) { pc_add(m); pc_done(m); pc_hdr(m)->sadb_msg_len--; }
PC_CASE(unaligned_write) { pc_add(m); pc_done(m); m->wlen = m->len + 4; }
PC_CASE(type_zero) { pc_init(m, 0, 0); pc_done(m); }
PC_CASE(type_unknown) { pc_init(m, 200, 0); pc_done(m); }
PC_CASE(type_gap) { pc_init(m, 27, 0); pc_done(m); }
PC_CASE(expire_from_user) { pc_init(m, SADB_EXPIRE, SADB_SATYPE_ESP); pc_done(m); }
PC_CASE(satype_needed) { pc_add(m); pc_done(m); pc_hdr(m)->sadb_msg_satype = 0; }
PC_CASE(satype_unknown) { pc_add(m); pc_done(m); pc_hdr(m)->sadb_msg_satype = 5; }
PC_CASE(flush_satype_unknown) { pc_init(m, SADB_FLUSH, 77); pc_done(m); }
PC_CASE(ext_len_zero) { pc_add(m); pc_ext(m, SADB_EXT_SA, 0); m->len += 8; pc_done(m); }
PC_CASE(ext_overruns) {
	pc_add(m);
	pc_ext(m, SADB_X_EXT_KMPRIVATE, 4);
	m->len -= 16;
	pc_done(m);
}
PC_CASE(ext_trailing_bytes) { pc_add(m); m->len += 8; pc_done(m); }
PC_CASE(ext_reserved_type) { pc_add(m); pc_ext(m, 0, 1); pc_done(m); }
PC_CASE(ext_unknown_type) { pc_add(m); pc_ext(m, 29, 1); pc_done(m); }
PC_CASE(ext_beyond_max) { pc_add(m); pc_ext(m, 60, 1); pc_done(m); }
PC_CASE(ext_dup_sa) { pc_add(m); pc_sa(m, 0x00200000); pc_done(m); }
PC_CASE(ext_dup_src) { pc_add(m); pc_addr4(m, SADB_EXT_ADDRESS_SRC, 32); pc_done(m); }
PC_CASE(sa_too_long) { pc_add(m); pc_ext(m, SADB_EXT_LIFETIME_HARD, 5); pc_done(m); }
PC_CASE(sa_malformed) {
	pc_init(m, SADB_GET, SADB_SATYPE_ESP);
	pc_ext(m, SADB_EXT_SA, 3);
	pc_addr4(m, SADB_EXT_ADDRESS_SRC, 32);
	pc_addr4(m, SADB_EXT_ADDRESS_DST, 32);
	pc_done(m);
}
PC_CASE(addr_bad_family) {
	struct sadb_address *a;

	pc_add(m);
	a = pc_addr4(m, SADB_EXT_ADDRESS_PROXY, 32);
	((struct sockaddr_in *)(a + 1))->sin_family = 99;
	pc_done(m);
}
PC_CASE(addr_bad_src_family) {
	struct sadb_address *a;

	pc_init(m, SADB_GETSPI, SADB_SATYPE_ESP);
	a = pc_addr4(m, SADB_EXT_ADDRESS_SRC, 32);
	((struct sockaddr_in *)(a + 1))->sin_family = 1;	/* AF_UNIX */
	pc_addr4(m, SADB_EXT_ADDRESS_DST, 32);
	pc_done(m);
}
PC_CASE(addr4_as_ipv6_length) {
	struct sadb_address *a;

	pc_init(m, SADB_GETSPI, SADB_SATYPE_ESP);
	pc_addr4(m, SADB_EXT_ADDRESS_SRC, 32);
	a = pc_addr6(m, SADB_EXT_ADDRESS_DST, 32);
	((struct sockaddr_in *)(a + 1))->sin_family = AF_INET;
	pc_done(m);
}
PC_CASE(addr_prefix_too_long) {
	pc_init(m, SADB_GETSPI, SADB_SATYPE_ESP);
	pc_addr4(m, SADB_EXT_ADDRESS_SRC, 33);
	pc_addr4(m, SADB_EXT_ADDRESS_DST, 32);
	pc_done(m);
}
PC_CASE(addr6_prefix_too_long) {
	pc_init(m, SADB_GETSPI, SADB_SATYPE_ESP);
	pc_addr6(m, SADB_EXT_ADDRESS_SRC, 129);
	pc_addr6(m, SADB_EXT_ADDRESS_DST, 128);
	pc_done(m);
}
PC_CASE(af_mismatch) {
	pc_init(m, SADB_GETSPI, SADB_SATYPE_ESP);
	pc_addr4(m, SADB_EXT_ADDRESS_SRC, 32);
	pc_addr6(m, SADB_EXT_ADDRESS_DST, 128);
	pc_done(m);
}
PC_CASE(key_bits_overflow) {
	pc_init(m, SADB_ADD, SADB_SATYPE_ESP);
	pc_sa(m, 0x00100000);
	pc_addr4(m, SADB_EXT_ADDRESS_SRC, 32);
	pc_addr4(m, SADB_EXT_ADDRESS_DST, 32);
	pc_key(m, SADB_EXT_KEY_AUTH, 200, 3);	/* 25 bytes in 16 */
	pc_done(m);
}
PC_CASE(missing_sa) {
	pc_init(m, SADB_DELETE, SADB_SATYPE_ESP);
	pc_addr4(m, SADB_EXT_ADDRESS_SRC, 32);
	pc_addr4(m, SADB_EXT_ADDRESS_DST, 32);
	pc_done(m);
}
PC_CASE(missing_dst) {
	pc_init(m, SADB_GETSPI, SADB_SATYPE_ESP);
	pc_addr4(m, SADB_EXT_ADDRESS_SRC, 32);
	pc_done(m);
}
PC_CASE(missing_policy) {
	pc_init(m, SADB_X_SPDGET, 0);
	pc_done(m);
}
PC_CASE(not_allowed_in_register) {
	pc_init(m, SADB_REGISTER, SADB_SATYPE_ESP);
	pc_sa(m, 0x00100000);
	pc_done(m);
}
PC_CASE(spirange_in_add) {
	struct sadb_spirange *r;

	pc_add(m);
	r = pc_ext(m, SADB_EXT_SPIRANGE, 2);
	r->sadb_spirange_min = 256;
	r->sadb_spirange_max = 1000;
	pc_done(m);
}
PC_CASE(soft_bytes_above_hard) {
	pc_add(m);
	pc_life(m, SADB_EXT_LIFETIME_HARD, 1000, 0);
	pc_life(m, SADB_EXT_LIFETIME_SOFT, 2000, 0);
	pc_done(m);
}
PC_CASE(soft_addtime_above_hard) {
	pc_add(m);
	pc_life(m, SADB_EXT_LIFETIME_HARD, 0, 10);
	pc_life(m, SADB_EXT_LIFETIME_SOFT, 0, 20);
	pc_done(m);
}
PC_CASE(sec_ctx_bad_len) {
	struct sadb_x_sec_ctx *c;

	pc_add(m);
	c = pc_ext(m, SADB_X_EXT_SEC_CTX, 2);
	c->sadb_x_ctx_len = 20;		/* needs 4 words */
	pc_done(m);
}
PC_CASE(sec_ctx_ok) {
	struct sadb_x_sec_ctx *c;

	pc_add(m);
	c = pc_ext(m, SADB_X_EXT_SEC_CTX, 4);
	c->sadb_x_ctx_len = 20;
	pc_done(m);
}
PC_CASE(prop_bad_len) {
	pc_init(m, SADB_ACQUIRE, SADB_SATYPE_ESP);
	pc_ext(m, SADB_EXT_PROPOSAL, 2);
	pc_done(m);
}
PC_CASE(promisc_raw) {
	pc_init(m, SADB_X_PROMISC, 1);
	pc_ext(m, 0, 0);	/* payload is not parsed as extensions */
	m->len += 8;
	pc_done(m);
}

struct parse_case {
	const char *name;
	void (*build)(struct pc_msg *m);
	int err;			/* expected positive errno, 0 = accepted */
	u16 diag;			/* expected SADB_X_DIAGNOSTIC_* */
};

#define PCE(fn, e, d) { #fn, fn, e, SADB_X_DIAGNOSTIC_##d }

static const struct parse_case parse_cases[] = {
	PCE(ok_add, 0, NONE),
	PCE(ok_register, 0, NONE),
	PCE(ok_flush_all, 0, NONE),
	PCE(ok_add6, 0, NONE),
	PCE(ok_lifetimes, 0, NONE),
	PCE(ok_soft_without_hard_limit, 0, NONE),
	PCE(sec_ctx_ok, 0, NONE),
	PCE(promisc_raw, 0, NONE),
	PCE(short_write, EMSGSIZE, BAD_MSGLEN),
	PCE(bad_version, EINVAL, BAD_VERSION),
	PCE(bad_reserved, EINVAL, BAD_RESERVED),
	PCE(len_too_long, EMSGSIZE, BAD_MSGLEN),
	PCE(len_too_short, EMSGSIZE, BAD_MSGLEN),
	PCE(unaligned_write, EMSGSIZE, BAD_MSGLEN),
	PCE(type_zero, EINVAL, UNKNOWN_MSG),
	PCE(type_unknown, EINVAL, UNKNOWN_MSG),
	PCE(type_gap, EINVAL, UNKNOWN_MSG),
	PCE(expire_from_user, EOPNOTSUPP, UNKNOWN_MSG),
	PCE(satype_needed, EINVAL, SATYPE_NEEDED),
	PCE(satype_unknown, EINVAL, UNKNOWN_SATYPE),
	PCE(flush_satype_unknown, EINVAL, UNKNOWN_SATYPE),
	PCE(ext_len_zero, EINVAL, BAD_EXTLEN),
	PCE(ext_overruns, EINVAL, BAD_EXTLEN),
	PCE(ext_trailing_bytes, EINVAL, BAD_EXTLEN),
	PCE(ext_reserved_type, EINVAL, UNKNOWN_EXT),
	PCE(ext_unknown_type, EINVAL, UNKNOWN_EXT),
	PCE(ext_beyond_max, EINVAL, UNKNOWN_EXT),
	PCE(ext_dup_sa, EINVAL, DUPLICATE_SA),
	PCE(ext_dup_src, EINVAL, DUPLICATE_SRC),
	PCE(sa_too_long, EINVAL, BAD_EXTLEN),
	PCE(sa_malformed, EINVAL, MALFORMED_SA),
	PCE(addr_bad_family, EINVAL, BAD_PROXY_AF),
	PCE(addr_bad_src_family, EINVAL, BAD_SRC_AF),
	PCE(addr4_as_ipv6_length, EINVAL, MALFORMED_DST),
	PCE(addr_prefix_too_long, EINVAL, BAD_PREFIXLEN),
	PCE(addr6_prefix_too_long, EINVAL, BAD_PREFIXLEN),
	PCE(af_mismatch, EINVAL, AF_MISMATCH),
	PCE(key_bits_overflow, EINVAL, MALFORMED_AKEY),
	PCE(missing_sa, EINVAL, MISSING_SA),
	PCE(missing_dst, EINVAL, MISSING_DST),
	PCE(missing_policy, EINVAL, NO_EXT),
	PCE(not_allowed_in_register, EINVAL, EXT_NOT_ALLOWED),
	PCE(spirange_in_add, EINVAL, EXT_NOT_ALLOWED),
	PCE(soft_bytes_above_hard, EINVAL, BYTES_HSERR),
	PCE(soft_addtime_above_hard, EINVAL, ADDTIME_HSERR),
	PCE(sec_ctx_bad_len, EINVAL, BAD_CTX),
	PCE(prop_bad_len, EINVAL, BAD_EXTLEN),
};

#endif /* _NFIPSEC_PARSE_CASES_H */
