// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_parse.c - table-driven validation of PF_KEY v2 messages.
 *
 * Two tables carry the rules, as FreeBSD's key.c and OpenBSD's
 * pfkeyv2_parsemessage.c do, instead of checks spread over handlers:
 *
 *  - ext_rules[]: per extension type, its length limits and the kind of
 *    content check it needs (addresses, keys, security contexts...), and
 *    the diagnostic to report when it is malformed or repeated;
 *  - msg_rules[]: per message type, whether userspace may send it, which
 *    SA types it takes, and the extensions it requires and allows.
 *
 * Every reject carries an errno (what af_key would return) and an
 * extended diagnostic (pf_key(4P)), so callers can say exactly why.
 */
#include "pfkey_parse.h"

#define B(t)	PFKEY_EXT_BIT(t)

/* ---------------------------------------------------------------------- */
/* Extensions                                                             */
/* ---------------------------------------------------------------------- */

enum ext_kind {
	EK_UNKNOWN = 0,		/* not an extension we know */
	EK_FIXED,		/* fixed size, no further content check */
	EK_VAR,			/* at least min bytes */
	EK_ADDRESS,		/* sadb_address + sockaddr */
	EK_KEY,			/* sadb_key + key bits */
	EK_IDENT,		/* sadb_ident + optional string */
	EK_SENS,		/* sadb_sens + bitmaps */
	EK_PROP,		/* sadb_prop + N sadb_comb */
	EK_SUPP,		/* sadb_supported + N sadb_alg */
	EK_SECCTX,		/* sadb_x_sec_ctx + context string */
	EK_KMADDR,		/* sadb_x_kmaddress + two sockaddrs */
};

struct ext_rule {
	u8 kind;
	u16 min;		/* bytes */
	u16 malformed;		/* diagnostic when malformed */
	u16 dup;		/* diagnostic when repeated */
	u16 bad_af;		/* diagnostic for a bad address family */
};

#define FIXED(type, mal, dp)	{ EK_FIXED, sizeof(type), mal, dp, 0 }
#define ADDR(mal, dp, af)	{ EK_ADDRESS, sizeof(struct sadb_address), mal, dp, af }

static const struct ext_rule ext_rules[PFKEY_EXT_SLOTS] = {
	[SADB_EXT_SA] = FIXED(struct sadb_sa, SADB_X_DIAGNOSTIC_MALFORMED_SA,
			      SADB_X_DIAGNOSTIC_DUPLICATE_SA),
	[SADB_EXT_LIFETIME_CURRENT] = FIXED(struct sadb_lifetime,
					    SADB_X_DIAGNOSTIC_BAD_EXTLEN,
					    SADB_X_DIAGNOSTIC_DUPLICATE_EXT),
	[SADB_EXT_LIFETIME_HARD] = FIXED(struct sadb_lifetime,
					 SADB_X_DIAGNOSTIC_BAD_EXTLEN,
					 SADB_X_DIAGNOSTIC_DUPLICATE_EXT),
	[SADB_EXT_LIFETIME_SOFT] = FIXED(struct sadb_lifetime,
					 SADB_X_DIAGNOSTIC_BAD_EXTLEN,
					 SADB_X_DIAGNOSTIC_DUPLICATE_EXT),
	[SADB_EXT_ADDRESS_SRC] = ADDR(SADB_X_DIAGNOSTIC_MALFORMED_SRC,
				      SADB_X_DIAGNOSTIC_DUPLICATE_SRC,
				      SADB_X_DIAGNOSTIC_BAD_SRC_AF),
	[SADB_EXT_ADDRESS_DST] = ADDR(SADB_X_DIAGNOSTIC_MALFORMED_DST,
				      SADB_X_DIAGNOSTIC_DUPLICATE_DST,
				      SADB_X_DIAGNOSTIC_BAD_DST_AF),
	[SADB_EXT_ADDRESS_PROXY] = ADDR(SADB_X_DIAGNOSTIC_MALFORMED_INNER_SRC,
					SADB_X_DIAGNOSTIC_DUPLICATE_INNER_SRC,
					SADB_X_DIAGNOSTIC_BAD_PROXY_AF),
	[SADB_EXT_KEY_AUTH] = { EK_KEY, sizeof(struct sadb_key),
				SADB_X_DIAGNOSTIC_MALFORMED_AKEY,
				SADB_X_DIAGNOSTIC_DUPLICATE_AKEY, 0 },
	[SADB_EXT_KEY_ENCRYPT] = { EK_KEY, sizeof(struct sadb_key),
				   SADB_X_DIAGNOSTIC_MALFORMED_EKEY,
				   SADB_X_DIAGNOSTIC_DUPLICATE_EKEY, 0 },
	[SADB_EXT_IDENTITY_SRC] = { EK_IDENT, sizeof(struct sadb_ident),
				    SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				    SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	[SADB_EXT_IDENTITY_DST] = { EK_IDENT, sizeof(struct sadb_ident),
				    SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				    SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	[SADB_EXT_SENSITIVITY] = { EK_SENS, sizeof(struct sadb_sens),
				   SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				   SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	[SADB_EXT_PROPOSAL] = { EK_PROP, sizeof(struct sadb_prop),
				SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	[SADB_EXT_SUPPORTED_AUTH] = { EK_SUPP, sizeof(struct sadb_supported),
				      SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				      SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	[SADB_EXT_SUPPORTED_ENCRYPT] = { EK_SUPP, sizeof(struct sadb_supported),
					 SADB_X_DIAGNOSTIC_BAD_EXTLEN,
					 SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	[SADB_EXT_SPIRANGE] = FIXED(struct sadb_spirange,
				    SADB_X_DIAGNOSTIC_MALFORMED_RANGE,
				    SADB_X_DIAGNOSTIC_DUPLICATE_RANGE),
	[SADB_X_EXT_KMPRIVATE] = { EK_VAR, sizeof(struct sadb_x_kmprivate),
				   SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				   SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	/* The policy's requests are checked by the SPD code. */
	[SADB_X_EXT_POLICY] = { EK_VAR, sizeof(struct sadb_x_policy),
				SADB_X_DIAGNOSTIC_BAD_POLICY,
				SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	[SADB_X_EXT_SA2] = FIXED(struct sadb_x_sa2, SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				 SADB_X_DIAGNOSTIC_DUPLICATE_EXT),
	[SADB_X_EXT_NAT_T_TYPE] = FIXED(struct sadb_x_nat_t_type,
					SADB_X_DIAGNOSTIC_BAD_EXTLEN,
					SADB_X_DIAGNOSTIC_DUPLICATE_EXT),
	[SADB_X_EXT_NAT_T_SPORT] = FIXED(struct sadb_x_nat_t_port,
					 SADB_X_DIAGNOSTIC_BAD_EXTLEN,
					 SADB_X_DIAGNOSTIC_DUPLICATE_NATT_PORTS),
	[SADB_X_EXT_NAT_T_DPORT] = FIXED(struct sadb_x_nat_t_port,
					 SADB_X_DIAGNOSTIC_BAD_EXTLEN,
					 SADB_X_DIAGNOSTIC_DUPLICATE_NATT_PORTS),
	[SADB_X_EXT_NAT_T_OA] = ADDR(SADB_X_DIAGNOSTIC_MALFORMED_NATT_REM,
				     SADB_X_DIAGNOSTIC_DUPLICATE_NATT_REM,
				     SADB_X_DIAGNOSTIC_BAD_SRC_AF),
	[SADB_X_EXT_SEC_CTX] = { EK_SECCTX, sizeof(struct sadb_x_sec_ctx),
				 SADB_X_DIAGNOSTIC_BAD_CTX,
				 SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	[SADB_X_EXT_KMADDRESS] = { EK_KMADDR, sizeof(struct sadb_x_kmaddress),
				   SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				   SADB_X_DIAGNOSTIC_DUPLICATE_EXT, 0 },
	[SADB_X_EXT_FILTER] = FIXED(struct sadb_x_filter,
				    SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				    SADB_X_DIAGNOSTIC_DUPLICATE_EXT),
	[SADB_X_EXT_REPLAY] = FIXED(struct sadb_x_replay,
				    SADB_X_DIAGNOSTIC_BAD_REPLAY,
				    SADB_X_DIAGNOSTIC_DUPLICATE_EXT),
	[SADB_X_EXT_COUNTERS] = FIXED(struct sadb_x_counters,
				      SADB_X_DIAGNOSTIC_BAD_EXTLEN,
				      SADB_X_DIAGNOSTIC_DUPLICATE_EXT),
};

/* The table must cover every extension Linux defines, and ours. */
_Static_assert(SADB_EXT_MAX == 26, "Linux added PF_KEY extensions: extend ext_rules[]");
_Static_assert(ARRAY_SIZE(ext_rules) == SADB_X_EXT_NFIPSEC_MAX + 1,
	       "ext_rules[] must have a slot per extension type");
_Static_assert(SADB_X_EXT_NFIPSEC_MAX < 64, "extension bitmaps are u64");

size_t pfkey_sockaddr_len(u16 family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}
NFIPSEC_EXPORT_FOR_KUNIT(pfkey_sockaddr_len);

static u8 max_prefixlen(u16 family)
{
	return family == AF_INET ? 32 : 128;
}

/* Read a little-endian-agnostic u16 sa_family from unaligned storage. */
static u16 sockaddr_family(const void *sa)
{
	u16 family;

	memcpy(&family, sa, sizeof(family));
	return family;
}

static int reject(struct pfkey_verdict *v, int err, u16 diag, u16 ext)
{
	v->err = err;
	v->diag = diag;
	v->ext = ext;
	return -err;
}

static int check_address(const struct sadb_address *a, size_t bytes,
			 const struct ext_rule *r, struct pfkey_verdict *v)
{
	u16 type = a->sadb_address_exttype;
	size_t salen, need;
	u16 family;

	if (bytes < sizeof(*a) + sizeof(u16))
		return reject(v, EINVAL, r->malformed, type);
	family = sockaddr_family(a + 1);
	salen = pfkey_sockaddr_len(family);
	if (!salen)
		return reject(v, EINVAL, r->bad_af, type);
	/* The sockaddr is padded to a multiple of 8 and nothing else follows. */
	need = DIV_ROUND_UP(sizeof(*a) + salen, 8) * 8;
	if (bytes != need)
		return reject(v, EINVAL, r->malformed, type);
	if (a->sadb_address_prefixlen > max_prefixlen(family))
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_BAD_PREFIXLEN, type);
	return 0;
}

static int check_kmaddress(const struct sadb_x_kmaddress *k, size_t bytes,
			   struct pfkey_verdict *v)
{
	const u8 *sa = (const u8 *)(k + 1);
	size_t left = bytes - sizeof(*k);
	u16 fam1, fam2;
	size_t l1, l2;

	if (left < 2)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_BAD_EXTLEN,
			      SADB_X_EXT_KMADDRESS);
	fam1 = sockaddr_family(sa);
	l1 = pfkey_sockaddr_len(fam1);
	if (!l1 || left < l1 + 2)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_BAD_EXTLEN,
			      SADB_X_EXT_KMADDRESS);
	fam2 = sockaddr_family(sa + l1);
	l2 = pfkey_sockaddr_len(fam2);
	if (fam1 != fam2 || DIV_ROUND_UP(sizeof(*k) + l1 + l2, 8) * 8 != bytes)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_BAD_EXTLEN,
			      SADB_X_EXT_KMADDRESS);
	return 0;
}

int pfkey_ext_check(const void *p, size_t bytes, struct pfkey_verdict *v)
{
	const struct sadb_ext *e = p;
	u16 type = e->sadb_ext_type;
	const struct ext_rule *r;

	if (type == SADB_EXT_RESERVED || type >= PFKEY_EXT_SLOTS ||
	    ext_rules[type].kind == EK_UNKNOWN)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_UNKNOWN_EXT, type);
	r = &ext_rules[type];
	if (bytes < r->min)
		return reject(v, EINVAL, r->malformed, type);

	switch (r->kind) {
	case EK_FIXED:
		if (bytes != DIV_ROUND_UP((size_t)r->min, 8) * 8)
			return reject(v, EINVAL, r->malformed, type);
		break;
	case EK_VAR:
		break;
	case EK_ADDRESS:
		return check_address(p, bytes, r, v);
	case EK_KEY: {
		const struct sadb_key *k = p;
		size_t need = sizeof(*k) + DIV_ROUND_UP(k->sadb_key_bits, 8);

		if (need > bytes)
			return reject(v, EINVAL, r->malformed, type);
		break;
	}
	case EK_IDENT:
		break;
	case EK_SENS: {
		const struct sadb_sens *s = p;
		size_t need = sizeof(*s) + 8 * ((size_t)s->sadb_sens_sens_len +
						s->sadb_sens_integ_len);

		if (need > bytes)
			return reject(v, EINVAL, r->malformed, type);
		break;
	}
	case EK_PROP:
		if ((bytes - sizeof(struct sadb_prop)) % sizeof(struct sadb_comb))
			return reject(v, EINVAL, r->malformed, type);
		break;
	case EK_SUPP:
		if ((bytes - sizeof(struct sadb_supported)) % sizeof(struct sadb_alg))
			return reject(v, EINVAL, r->malformed, type);
		break;
	case EK_SECCTX: {
		const struct sadb_x_sec_ctx *c = p;
		size_t words = DIV_ROUND_UP(sizeof(*c) + c->sadb_x_ctx_len, 8);

		/* Same bound af_key uses: a context fits in a page. */
		if (c->sadb_x_ctx_len > 4096 || c->sadb_x_sec_len != words)
			return reject(v, EINVAL, r->malformed, type);
		break;
	}
	case EK_KMADDR:
		return check_kmaddress(p, bytes, v);
	}
	return 0;
}
NFIPSEC_EXPORT_FOR_KUNIT(pfkey_ext_check);

/* ---------------------------------------------------------------------- */
/* Messages                                                               */
/* ---------------------------------------------------------------------- */

enum satype_rule {
	SAT_IGNORED = 0,	/* the field means something else, or nothing */
	SAT_IPSEC,		/* AH, ESP or IPCOMP */
	SAT_ANY,		/* UNSPEC (all), AH, ESP or IPCOMP */
};

struct msg_rule {
	const char *name;
	bool from_user;		/* userspace may send it */
	bool raw;		/* payload is not a list of extensions */
	u8 satype;		/* enum satype_rule */
	u64 required;
	u64 allowed;		/* always includes required */
};

#define ADDRS	(B(SADB_EXT_ADDRESS_SRC) | B(SADB_EXT_ADDRESS_DST) | \
		 B(SADB_EXT_ADDRESS_PROXY))
#define LIFES	(B(SADB_EXT_LIFETIME_CURRENT) | B(SADB_EXT_LIFETIME_HARD) | \
		 B(SADB_EXT_LIFETIME_SOFT))
#define NATT	(B(SADB_X_EXT_NAT_T_TYPE) | B(SADB_X_EXT_NAT_T_SPORT) | \
		 B(SADB_X_EXT_NAT_T_DPORT) | B(SADB_X_EXT_NAT_T_OA))
#define IDENTS	(B(SADB_EXT_IDENTITY_SRC) | B(SADB_EXT_IDENTITY_DST) | \
		 B(SADB_EXT_SENSITIVITY))
/*
 * What an SA message may carry.  Deliberately broad: af_key ignores
 * extensions a handler does not read, and real key managers send more
 * than RFC 2367 lists (racoon and charon add SA2 and NAT-T everywhere).
 */
#define SA_EXTS	(B(SADB_EXT_SA) | LIFES | ADDRS | B(SADB_EXT_KEY_AUTH) | \
		 B(SADB_EXT_KEY_ENCRYPT) | IDENTS | B(SADB_X_EXT_KMPRIVATE) | \
		 B(SADB_X_EXT_POLICY) | B(SADB_X_EXT_SA2) | NATT | \
		 B(SADB_X_EXT_SEC_CTX) | B(SADB_X_EXT_REPLAY))
#define SA_KEY	(B(SADB_EXT_SA) | B(SADB_EXT_ADDRESS_SRC) | B(SADB_EXT_ADDRESS_DST))
#define SP_EXTS	(LIFES | ADDRS | IDENTS | B(SADB_X_EXT_POLICY) | \
		 B(SADB_X_EXT_SA2) | B(SADB_X_EXT_SEC_CTX) | \
		 B(SADB_X_EXT_KMPRIVATE))
#define SP_SEL	(B(SADB_EXT_ADDRESS_SRC) | B(SADB_EXT_ADDRESS_DST) | \
		 B(SADB_X_EXT_POLICY))
#define ALL_EXTS (~0ULL & ~B(SADB_EXT_RESERVED))

static const struct msg_rule msg_rules[PFKEY_MSG_SLOTS] = {
	[SADB_GETSPI]	= { "GETSPI", true, false, SAT_IPSEC,
			    B(SADB_EXT_ADDRESS_SRC) | B(SADB_EXT_ADDRESS_DST),
			    SA_EXTS | B(SADB_EXT_SPIRANGE) },
	[SADB_UPDATE]	= { "UPDATE", true, false, SAT_IPSEC, SA_KEY, SA_EXTS },
	[SADB_ADD]	= { "ADD", true, false, SAT_IPSEC, SA_KEY, SA_EXTS },
	[SADB_DELETE]	= { "DELETE", true, false, SAT_IPSEC, SA_KEY, SA_EXTS },
	[SADB_GET]	= { "GET", true, false, SAT_IPSEC, SA_KEY, SA_EXTS },
	/* From userspace, ACQUIRE reports a key-management failure. */
	[SADB_ACQUIRE]	= { "ACQUIRE", true, false, SAT_IGNORED, 0, ALL_EXTS },
	[SADB_REGISTER]	= { "REGISTER", true, false, SAT_ANY, 0, 0 },
	[SADB_EXPIRE]	= { "EXPIRE", false, false, SAT_IGNORED, 0, ALL_EXTS },
	[SADB_FLUSH]	= { "FLUSH", true, false, SAT_ANY, 0, 0 },
	[SADB_DUMP]	= { "DUMP", true, false, SAT_ANY, 0, B(SADB_X_EXT_FILTER) },
	/* satype is the on/off flag; a longer message carries one to echo. */
	[SADB_X_PROMISC] = { "X_PROMISC", true, true, SAT_IGNORED, 0, 0 },
	[SADB_X_PCHANGE] = { "X_PCHANGE", false, false, SAT_IGNORED, 0, ALL_EXTS },
	[SADB_X_SPDUPDATE] = { "X_SPDUPDATE", true, false, SAT_IGNORED, SP_SEL, SP_EXTS },
	[SADB_X_SPDADD]	= { "X_SPDADD", true, false, SAT_IGNORED, SP_SEL, SP_EXTS },
	[SADB_X_SPDDELETE] = { "X_SPDDELETE", true, false, SAT_IGNORED, SP_SEL, SP_EXTS },
	[SADB_X_SPDGET]	= { "X_SPDGET", true, false, SAT_IGNORED,
			    B(SADB_X_EXT_POLICY), SP_EXTS },
	[SADB_X_SPDACQUIRE] = { "X_SPDACQUIRE", false, false, SAT_IGNORED, 0, ALL_EXTS },
	[SADB_X_SPDDUMP] = { "X_SPDDUMP", true, false, SAT_IGNORED, 0, 0 },
	[SADB_X_SPDFLUSH] = { "X_SPDFLUSH", true, false, SAT_IGNORED, 0, 0 },
	[SADB_X_SPDSETIDX] = { "X_SPDSETIDX", true, false, SAT_IGNORED, SP_SEL, SP_EXTS },
	[SADB_X_SPDEXPIRE] = { "X_SPDEXPIRE", false, false, SAT_IGNORED, 0, ALL_EXTS },
	[SADB_X_SPDDELETE2] = { "X_SPDDELETE2", true, false, SAT_IGNORED,
				B(SADB_X_EXT_POLICY), SP_EXTS },
	[SADB_X_NAT_T_NEW_MAPPING] = { "X_NAT_T_NEW_MAPPING", false, false,
				       SAT_IGNORED, 0, ALL_EXTS },
	[SADB_X_MIGRATE] = { "X_MIGRATE", true, false, SAT_IGNORED, SP_SEL,
			     SP_EXTS | B(SADB_X_EXT_KMADDRESS) },
	[SADB_X_NFIPSEC_OPTIONS] = { "X_NFIPSEC_OPTIONS", true, false,
				     SAT_IGNORED, 0, 0 },
};

_Static_assert(SADB_MAX == 24, "Linux added PF_KEY messages: extend msg_rules[]");

const char *pfkey_msg_name(u8 type)
{
	return type < PFKEY_MSG_SLOTS ? msg_rules[type].name : NULL;
}
NFIPSEC_EXPORT_FOR_KUNIT(pfkey_msg_name);

static bool satype_ok(u8 rule, u8 satype, u16 *diag)
{
	bool ipsec = satype == SADB_SATYPE_AH || satype == SADB_SATYPE_ESP ||
		     satype == SADB_X_SATYPE_IPCOMP;

	switch (rule) {
	case SAT_IPSEC:
		if (satype == SADB_SATYPE_UNSPEC) {
			*diag = SADB_X_DIAGNOSTIC_SATYPE_NEEDED;
			return false;
		}
		*diag = SADB_X_DIAGNOSTIC_UNKNOWN_SATYPE;
		return ipsec;
	case SAT_ANY:
		*diag = SADB_X_DIAGNOSTIC_UNKNOWN_SATYPE;
		return ipsec || satype == SADB_SATYPE_UNSPEC;
	default:
		return true;
	}
}

int pfkey_parse_base(const void *buf, size_t len, struct pfkey_verdict *v)
{
	const struct sadb_msg *h = buf;
	u8 type;

	v->err = 0;
	v->diag = SADB_X_DIAGNOSTIC_NONE;
	v->ext = 0;
	if (!pfkey_has_base(len))
		return reject(v, EMSGSIZE, SADB_X_DIAGNOSTIC_BAD_MSGLEN, 0);
	if (h->sadb_msg_version != PF_KEY_V2)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_BAD_VERSION, 0);
	if (h->sadb_msg_reserved != 0)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_BAD_RESERVED, 0);
	/* sadb_msg_len counts 64-bit words and must describe the whole write. */
	if (len % 8 || (size_t)h->sadb_msg_len * 8 != len)
		return reject(v, EMSGSIZE, SADB_X_DIAGNOSTIC_BAD_MSGLEN, 0);
	type = h->sadb_msg_type;
	if (type >= PFKEY_MSG_SLOTS || !msg_rules[type].name)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_UNKNOWN_MSG, 0);
	return 0;
}
NFIPSEC_EXPORT_FOR_KUNIT(pfkey_parse_base);

/* Soft limits above non-zero hard limits make no sense (RFC 2367 2.3.1). */
static int check_lifetimes(const struct pfkey_msg *m, struct pfkey_verdict *v)
{
	const struct sadb_lifetime *h = m->ext[SADB_EXT_LIFETIME_HARD];
	const struct sadb_lifetime *s = m->ext[SADB_EXT_LIFETIME_SOFT];

	if (!h || !s)
		return 0;
	if (h->sadb_lifetime_allocations &&
	    s->sadb_lifetime_allocations > h->sadb_lifetime_allocations)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_ALLOC_HSERR,
			      SADB_EXT_LIFETIME_SOFT);
	if (h->sadb_lifetime_bytes && s->sadb_lifetime_bytes > h->sadb_lifetime_bytes)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_BYTES_HSERR,
			      SADB_EXT_LIFETIME_SOFT);
	if (h->sadb_lifetime_addtime &&
	    s->sadb_lifetime_addtime > h->sadb_lifetime_addtime)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_ADDTIME_HSERR,
			      SADB_EXT_LIFETIME_SOFT);
	if (h->sadb_lifetime_usetime &&
	    s->sadb_lifetime_usetime > h->sadb_lifetime_usetime)
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_USETIME_HSERR,
			      SADB_EXT_LIFETIME_SOFT);
	return 0;
}

/* Source and destination of one SA or selector are of one family. */
static int check_families(const struct pfkey_msg *m, struct pfkey_verdict *v)
{
	const struct sadb_address *s = m->ext[SADB_EXT_ADDRESS_SRC];
	const struct sadb_address *d = m->ext[SADB_EXT_ADDRESS_DST];

	if (s && d && sockaddr_family(s + 1) != sockaddr_family(d + 1))
		return reject(v, EINVAL, SADB_X_DIAGNOSTIC_AF_MISMATCH,
			      SADB_EXT_ADDRESS_DST);
	return 0;
}

static u16 missing_diag(u16 type)
{
	switch (type) {
	case SADB_EXT_ADDRESS_SRC:
		return SADB_X_DIAGNOSTIC_MISSING_SRC;
	case SADB_EXT_ADDRESS_DST:
		return SADB_X_DIAGNOSTIC_MISSING_DST;
	case SADB_EXT_SA:
		return SADB_X_DIAGNOSTIC_MISSING_SA;
	default:
		return SADB_X_DIAGNOSTIC_NO_EXT;
	}
}

int pfkey_parse(const void *buf, size_t len, struct pfkey_msg *m,
		struct pfkey_verdict *v)
{
	const struct msg_rule *r;
	const u8 *p = buf;
	size_t off;
	u64 missing;
	u16 diag;
	int err;

	memset(m, 0, sizeof(*m));
	err = pfkey_parse_base(buf, len, v);
	if (err)
		return err;
	m->hdr = buf;
	r = &msg_rules[m->hdr->sadb_msg_type];
	if (!r->from_user)
		return reject(v, EOPNOTSUPP, SADB_X_DIAGNOSTIC_UNKNOWN_MSG, 0);
	if (!satype_ok(r->satype, m->hdr->sadb_msg_satype, &diag))
		return reject(v, EINVAL, diag, 0);
	if (r->raw)
		return 0;

	for (off = sizeof(struct sadb_msg); off < len;) {
		const struct sadb_ext *e = (const void *)(p + off);
		size_t bytes;
		u16 type;

		if (len - off < sizeof(*e))
			return reject(v, EINVAL, SADB_X_DIAGNOSTIC_BAD_EXTLEN, 0);
		bytes = (size_t)e->sadb_ext_len * 8;
		type = e->sadb_ext_type;
		if (bytes < 8 || bytes > len - off)
			return reject(v, EINVAL, SADB_X_DIAGNOSTIC_BAD_EXTLEN, type);
		err = pfkey_ext_check(e, bytes, v);
		if (err)
			return err;
		if (m->ext[type])
			return reject(v, EINVAL, ext_rules[type].dup, type);
		if (!(r->allowed & B(type)))
			return reject(v, EINVAL,
				      SADB_X_DIAGNOSTIC_EXT_NOT_ALLOWED, type);
		m->ext[type] = e;
		m->present |= B(type);
		off += bytes;
	}

	missing = r->required & ~m->present;
	if (missing) {
		u16 type = 0;

		while (!(missing & B(type)))
			type++;
		return reject(v, EINVAL, missing_diag(type), type);
	}
	err = check_families(m, v);
	if (err)
		return err;
	return check_lifetimes(m, v);
}
NFIPSEC_EXPORT_FOR_KUNIT(pfkey_parse);

#define D(name, text) [SADB_X_DIAGNOSTIC_##name] = { #name, text }
static const struct { const char *id, *text; } diags[SADB_X_DIAGNOSTIC_MAX + 1] = {
	D(NONE, "none"),
	D(UNKNOWN_MSG, "unknown message type"),
	D(UNKNOWN_EXT, "unknown extension type"),
	D(BAD_EXTLEN, "bad extension length"),
	D(UNKNOWN_SATYPE, "unknown SA type"),
	D(SATYPE_NEEDED, "SA type needed"),
	D(NO_SADBS, "no SADB for this SA type"),
	D(NO_EXT, "a required extension is missing"),
	D(BAD_SRC_AF, "bad source address family"),
	D(BAD_DST_AF, "bad destination address family"),
	D(BAD_PROXY_AF, "bad proxy/inner address family"),
	D(AF_MISMATCH, "source and destination families differ"),
	D(BAD_SRC, "bad source address"),
	D(BAD_DST, "bad destination address"),
	D(ALLOC_HSERR, "soft allocations above hard"),
	D(BYTES_HSERR, "soft bytes above hard"),
	D(ADDTIME_HSERR, "soft addtime above hard"),
	D(USETIME_HSERR, "soft usetime above hard"),
	D(MISSING_SRC, "missing source address"),
	D(MISSING_DST, "missing destination address"),
	D(MISSING_SA, "missing SA extension"),
	D(MISSING_EKEY, "missing encryption key"),
	D(MISSING_AKEY, "missing authentication key"),
	D(MISSING_RANGE, "missing SPI range"),
	D(DUPLICATE_SRC, "duplicate source address"),
	D(DUPLICATE_DST, "duplicate destination address"),
	D(DUPLICATE_SA, "duplicate SA extension"),
	D(DUPLICATE_EKEY, "duplicate encryption key"),
	D(DUPLICATE_AKEY, "duplicate authentication key"),
	D(DUPLICATE_RANGE, "duplicate SPI range"),
	D(MALFORMED_SRC, "malformed source address"),
	D(MALFORMED_DST, "malformed destination address"),
	D(MALFORMED_SA, "malformed SA extension"),
	D(MALFORMED_EKEY, "malformed encryption key"),
	D(MALFORMED_AKEY, "malformed authentication key"),
	D(MALFORMED_RANGE, "malformed SPI range"),
	D(AKEY_PRESENT, "authentication key not expected"),
	D(EKEY_PRESENT, "encryption key not expected"),
	D(PROP_PRESENT, "proposal not expected"),
	D(SUPP_PRESENT, "supported list not expected"),
	D(BAD_AALG, "unknown or unavailable authentication algorithm"),
	D(BAD_EALG, "unknown or unavailable encryption algorithm"),
	D(BAD_SAFLAGS, "bad SA flags"),
	D(BAD_SASTATE, "bad SA state"),
	D(BAD_AKEYBITS, "bad authentication key length"),
	D(BAD_EKEYBITS, "bad encryption key length"),
	D(ENCR_NOTSUPP, "encryption not supported"),
	D(WEAK_EKEY, "weak encryption key"),
	D(WEAK_AKEY, "weak authentication key"),
	D(DUPLICATE_KMP, "duplicate key management protocol"),
	D(DUPLICATE_KMC, "duplicate key management cookie"),
	D(MISSING_NATT_LOC, "missing NAT-T local address"),
	D(MISSING_NATT_REM, "missing NAT-T remote address"),
	D(DUPLICATE_NATT_LOC, "duplicate NAT-T local address"),
	D(DUPLICATE_NATT_REM, "duplicate NAT-T remote address"),
	D(MALFORMED_NATT_LOC, "malformed NAT-T local address"),
	D(MALFORMED_NATT_REM, "malformed NAT-T remote address"),
	D(DUPLICATE_NATT_PORTS, "duplicate NAT-T port"),
	D(MISSING_INNER_SRC, "missing inner source"),
	D(MISSING_INNER_DST, "missing inner destination"),
	D(DUPLICATE_INNER_SRC, "duplicate inner source"),
	D(DUPLICATE_INNER_DST, "duplicate inner destination"),
	D(MALFORMED_INNER_SRC, "malformed inner source"),
	D(MALFORMED_INNER_DST, "malformed inner destination"),
	D(PREFIX_INNER_SRC, "bad inner source prefix"),
	D(PREFIX_INNER_DST, "bad inner destination prefix"),
	D(BAD_INNER_DST_AF, "bad inner destination family"),
	D(INNER_AF_MISMATCH, "inner families differ"),
	D(BAD_VERSION, "not PF_KEY_V2"),
	D(BAD_MSGLEN, "sadb_msg_len does not match the write"),
	D(BAD_RESERVED, "reserved field not zero"),
	D(DUPLICATE_EXT, "duplicate extension"),
	D(EXT_NOT_ALLOWED, "extension not allowed in this message"),
	D(BAD_SPI, "SPI reserved (0-255) or out of range"),
	D(BAD_PREFIXLEN, "prefix length too long for the family"),
	D(BAD_LIFETIME, "bad lifetime"),
	D(BAD_MODE, "bad mode"),
	D(BAD_CALG, "unknown or unavailable compression algorithm"),
	D(BAD_REPLAY, "bad replay window"),
	D(SA_NOTFOUND, "no such SA"),
	D(SA_EXISTS, "SA exists"),
	D(BAD_POLICY, "malformed policy"),
	D(BAD_IPSECREQ, "malformed IPsec request"),
	D(POLICY_NOTFOUND, "no such policy"),
	D(POLICY_EXISTS, "policy exists"),
	D(BAD_CTX, "malformed security context"),
	D(NOMEM, "out of memory"),
	D(BAD_NATT_TYPE, "NAT-T type other than ESP in UDP, or on an SA that is not ESP"),
};
#undef D

const char *pfkey_diag_name(u16 diag)
{
	if (diag < ARRAY_SIZE(diags) && diags[diag].text)
		return diags[diag].text;
	return "unknown diagnostic";
}
NFIPSEC_EXPORT_FOR_KUNIT(pfkey_diag_name);

const char *pfkey_diag_id(u16 diag)
{
	if (diag < ARRAY_SIZE(diags))
		return diags[diag].id;
	return NULL;
}
NFIPSEC_EXPORT_FOR_KUNIT(pfkey_diag_id);
