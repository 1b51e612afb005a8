// SPDX-License-Identifier: GPL-2.0
/*
 * print_debug.c - every field of a PF_KEY message, for -x and -v.
 *
 * The layout is kdebug_sadb()'s (ipsec-tools libipsec/key_debug.c), so
 * "setkey -x" logs read the same.  Where kdebug_sadb gives up, this goes
 * on: it decodes the extensions kdebug never knew (SPIRANGE, SEC_CTX,
 * FILTER, SENSITIVITY, nfipsec's REPLAY and COUNTERS) in the same style,
 * shows unknown ones in hex instead of stopping, prints keys from their
 * own bytes and never past the extension, and labels the lifetime fields
 * of a proposal's combinations correctly (kdebug prints "soft_alloc" for
 * the add times).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>

#include <linux/ipsec.h>
#include "nfipsec.h"

#include "diag.h"
#include "msgbuf.h"
#include "print.h"

void print_hexdump(FILE *out, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			fprintf(out, "%08zx: ", i);
		fprintf(out, "%02x ", p[i]);
		if (i % 16 == 15)
			fputc('\n', out);
	}
	if (len % 16)
		fputc('\n', out);
}

/* A sockaddr inside @room bytes; returns its length, 0 if it does not fit. */
static size_t debug_sockaddr(FILE *out, const void *p, size_t room)
{
	struct sockaddr_storage ss;
	const struct sockaddr *sa = (const void *)&ss;
	size_t len;

	if (room < sizeof(sa->sa_family)) {
		fprintf(out, "sockaddr{ truncated }\n");
		return 0;
	}
	/* Inside a policy request it need not be aligned: copy it out. */
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, p, room < sizeof(ss) ? room : sizeof(ss));
	len = sockaddr_len(sa->sa_family);
	fprintf(out, "sockaddr{ len=%zu family=%u", len, sa->sa_family);
	if (!len || len > room) {
		fprintf(out, " }\n");
		return 0;
	}
	p = &ss;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = p;

		fprintf(out, " port=%u\n", ntohs(s4->sin_port));
		print_keyhex(out, &s4->sin_addr, sizeof(s4->sin_addr));
	} else {
		const struct sockaddr_in6 *s6 = p;

		fprintf(out, " port=%u\n", ntohs(s6->sin6_port));
		fprintf(out, "  flowinfo=0x%08x, scope_id=0x%08x\n",
			s6->sin6_flowinfo, s6->sin6_scope_id);
		print_keyhex(out, &s6->sin6_addr, sizeof(s6->sin6_addr));
	}
	fprintf(out, "  }\n");
	return len;
}

static void d_sa(FILE *out, const void *e, size_t len)
{
	const struct sadb_sa *sa = e;

	if (len < sizeof(*sa))
		return;
	fprintf(out, "sadb_sa{ spi=%u replay=%u state=%u\n", ntohl(sa->sadb_sa_spi),
		sa->sadb_sa_replay, sa->sadb_sa_state);
	fprintf(out, "  auth=%u encrypt=%u flags=0x%08x }\n", sa->sadb_sa_auth,
		sa->sadb_sa_encrypt, sa->sadb_sa_flags);
}

static void d_lifetime(FILE *out, const void *e, size_t len)
{
	const struct sadb_lifetime *l = e;

	if (len < sizeof(*l))
		return;
	fprintf(out, "sadb_lifetime{ alloc=%u, bytes=%" PRIu64 "\n",
		l->sadb_lifetime_allocations, (uint64_t)l->sadb_lifetime_bytes);
	fprintf(out, "  addtime=%" PRIu64 ", usetime=%" PRIu64 " }\n",
		(uint64_t)l->sadb_lifetime_addtime, (uint64_t)l->sadb_lifetime_usetime);
}

static void d_address(FILE *out, const void *e, size_t len)
{
	const struct sadb_address *a = e;
	const uint8_t *r = (const uint8_t *)&a->sadb_address_reserved;

	if (len < sizeof(*a))
		return;
	fprintf(out, "sadb_address{ proto=%u prefixlen=%u reserved=0x%02x%02x }\n",
		a->sadb_address_proto, a->sadb_address_prefixlen, r[0], r[1]);
	debug_sockaddr(out, a + 1, len - sizeof(*a));
}

static void d_key(FILE *out, const void *e, size_t len)
{
	const struct sadb_key *k = e;
	size_t bytes, room;

	if (len < sizeof(*k))
		return;
	bytes = ((size_t)k->sadb_key_bits + 7) / 8;
	room = len - sizeof(*k);
	fprintf(out, "sadb_key{ bits=%u reserved=%u\n", k->sadb_key_bits,
		k->sadb_key_reserved);
	fprintf(out, "  key=");
	if (bytes > room) {
		fprintf(out, "kdebug_sadb_key: key length mismatch, bit:%zu len:%zu.\n",
			bytes, room);
		bytes = room;
	}
	print_keyhex(out, k + 1, bytes);
	fprintf(out, " }\n");
}

static void d_ident(FILE *out, const void *e, size_t len)
{
	const struct sadb_ident *id = e;
	const unsigned char *p, *end;

	if (len < sizeof(*id))
		return;
	fprintf(out, "sadb_ident_%s{",
		id->sadb_ident_exttype == SADB_EXT_IDENTITY_SRC ? "src" : "dst");
	fprintf(out, " type=%d id=%lu", id->sadb_ident_type,
		(unsigned long)id->sadb_ident_id);
	if (len > sizeof(*id)) {
		fprintf(out, "\n  str=\"");
		p = (const unsigned char *)(id + 1);
		end = (const unsigned char *)e + len;
		for (; p < end && *p; p++) {
			if (isprint(*p))
				fputc(*p, out);
			else
				fprintf(out, "\\%03o", *p);
		}
		fputc('"', out);
	}
	fprintf(out, " }\n");
}

static void d_sens(FILE *out, const void *e, size_t len)
{
	const struct sadb_sens *s = e;

	if (len < sizeof(*s))
		return;
	fprintf(out, "sadb_sens{ dpd=%u level=%u sens_len=%u\n", s->sadb_sens_dpd,
		s->sadb_sens_sens_level, s->sadb_sens_sens_len);
	fprintf(out, "  integ_level=%u integ_len=%u }\n", s->sadb_sens_integ_level,
		s->sadb_sens_integ_len);
}

static void d_prop(FILE *out, const void *e, size_t len)
{
	const struct sadb_prop *prop = e;
	const struct sadb_comb *c;
	size_t n;

	if (len < sizeof(*prop))
		return;
	n = (len - sizeof(*prop)) / sizeof(*c);
	c = (const void *)(prop + 1);
	fprintf(out, "sadb_prop{ replay=%u\n", prop->sadb_prop_replay);
	for (; n--; c++) {
		fprintf(out, "sadb_comb{ auth=%u encrypt=%u flags=0x%04x reserved=0x%08x\n",
			c->sadb_comb_auth, c->sadb_comb_encrypt, c->sadb_comb_flags,
			c->sadb_comb_reserved);
		fprintf(out, "  auth_minbits=%u auth_maxbits=%u encrypt_minbits=%u "
			"encrypt_maxbits=%u\n", c->sadb_comb_auth_minbits,
			c->sadb_comb_auth_maxbits, c->sadb_comb_encrypt_minbits,
			c->sadb_comb_encrypt_maxbits);
		fprintf(out, "  soft_alloc=%u hard_alloc=%u soft_bytes=%" PRIu64
			" hard_bytes=%" PRIu64 "\n", c->sadb_comb_soft_allocations,
			c->sadb_comb_hard_allocations, (uint64_t)c->sadb_comb_soft_bytes,
			(uint64_t)c->sadb_comb_hard_bytes);
		fprintf(out, "  soft_addtime=%" PRIu64 " hard_addtime=%" PRIu64
			" soft_usetime=%" PRIu64 " hard_usetime=%" PRIu64 " }\n",
			(uint64_t)c->sadb_comb_soft_addtime, (uint64_t)c->sadb_comb_hard_addtime,
			(uint64_t)c->sadb_comb_soft_usetime, (uint64_t)c->sadb_comb_hard_usetime);
	}
	fprintf(out, "}\n");
}

static void d_supported(FILE *out, const void *e, size_t len)
{
	const struct sadb_supported *sup = e;
	const struct sadb_alg *a;
	size_t n;

	if (len < sizeof(*sup))
		return;
	n = (len - sizeof(*sup)) / sizeof(*a);
	a = (const void *)(sup + 1);
	fprintf(out, "sadb_sup{\n");
	for (; n--; a++)
		fprintf(out, "  { id=%d ivlen=%d min=%d max=%d }\n", a->sadb_alg_id,
			a->sadb_alg_ivlen, a->sadb_alg_minbits, a->sadb_alg_maxbits);
	fprintf(out, "}\n");
}

static void d_spirange(FILE *out, const void *e, size_t len)
{
	const struct sadb_spirange *r = e;

	if (len < sizeof(*r))
		return;
	fprintf(out, "sadb_spirange{ min=%u max=%u }\n", r->sadb_spirange_min,
		r->sadb_spirange_max);
}

static void d_policy(FILE *out, const void *e, size_t len)
{
	const struct sadb_x_policy *xpl = e;
	size_t off;

	if (len < sizeof(*xpl))
		return;
	fprintf(out, "sadb_x_policy{ type=%u dir=%u id=%x priority=%u }\n",
		xpl->sadb_x_policy_type, xpl->sadb_x_policy_dir,
		xpl->sadb_x_policy_id, xpl->sadb_x_policy_priority);
	if (xpl->sadb_x_policy_type != IPSEC_POLICY_IPSEC)
		return;
	for (off = sizeof(*xpl); off + sizeof(struct sadb_x_ipsecrequest) <= len; ) {
		const uint8_t *at = (const uint8_t *)e + off;
		struct sadb_x_ipsecrequest qq, *q = &qq;
		size_t qlen;

		memcpy(&qq, at, sizeof(qq));	/* may be misaligned */
		qlen = q->sadb_x_ipsecrequest_len;
		fprintf(out, " { len=%u proto=%u mode=%u level=%u reqid=%u\n",
			q->sadb_x_ipsecrequest_len, q->sadb_x_ipsecrequest_proto,
			q->sadb_x_ipsecrequest_mode, q->sadb_x_ipsecrequest_level,
			q->sadb_x_ipsecrequest_reqid);
		if (qlen > len - off) {
			fprintf(out, "invalid ipsec policy length\n");
			return;
		}
		if (qlen > sizeof(*q)) {
			size_t l1 = debug_sockaddr(out, at + sizeof(*q), qlen - sizeof(*q));

			if (l1)
				debug_sockaddr(out, at + sizeof(*q) + l1,
					       qlen - sizeof(*q) - l1);
		}
		fprintf(out, " }\n");
		if (qlen == 0) {
			fprintf(out, "kdebug_sadb_x_policy: wrong policy struct.\n");
			return;
		}
		off += qlen;
	}
}

static void d_sa2(FILE *out, const void *e, size_t len)
{
	const struct sadb_x_sa2 *s = e;

	if (len < sizeof(*s))
		return;
	fprintf(out, "sadb_x_sa2{ mode=%u reqid=%u\n", s->sadb_x_sa2_mode,
		s->sadb_x_sa2_reqid);
	fprintf(out, "  reserved1=%u reserved2=%u sequence=%u }\n",
		s->sadb_x_sa2_reserved1, s->sadb_x_sa2_reserved2, s->sadb_x_sa2_sequence);
}

static void d_natt_type(FILE *out, const void *e, size_t len)
{
	const struct sadb_x_nat_t_type *t = e;

	if (len >= sizeof(*t))
		fprintf(out, "sadb_x_nat_t_type{ type=%u }\n", t->sadb_x_nat_t_type_type);
}

static void d_natt_port(FILE *out, const void *e, size_t len)
{
	const struct sadb_x_nat_t_port *p = e;

	if (len >= sizeof(*p))
		fprintf(out, "sadb_x_nat_t_port{ port=%u }\n",
			ntohs(p->sadb_x_nat_t_port_port));
}

static void d_sec_ctx(FILE *out, const void *e, size_t len)
{
	const struct sadb_x_sec_ctx *c = e;
	size_t room;

	if (len < sizeof(*c))
		return;
	room = len - sizeof(*c);
	if (room > c->sadb_x_ctx_len)
		room = c->sadb_x_ctx_len;
	fprintf(out, "sadb_x_sec_ctx{ doi=%u alg=%u len=%u\n", c->sadb_x_ctx_doi,
		c->sadb_x_ctx_alg, c->sadb_x_ctx_len);
	fprintf(out, "  ctx=\"%.*s\" }\n", (int)strnlen((const char *)(c + 1), room),
		(const char *)(c + 1));
}

static void d_kmaddress(FILE *out, const void *e, size_t len)
{
	const struct sadb_x_kmaddress *k = e;
	const uint8_t *r = (const uint8_t *)&k->sadb_x_kmaddress_reserved;
	size_t l1;

	if (len < sizeof(*k))
		return;
	fprintf(out, "sadb_x_kmaddress{ reserved=0x%02x%02x%02x%02x }\n",
		r[0], r[1], r[2], r[3]);
	l1 = debug_sockaddr(out, k + 1, len - sizeof(*k));
	if (l1)
		debug_sockaddr(out, (const uint8_t *)(k + 1) + l1, len - sizeof(*k) - l1);
}

static void d_filter(FILE *out, const void *e, size_t len)
{
	const struct sadb_x_filter *f = e;
	size_t alen;

	if (len < sizeof(*f))
		return;
	alen = f->sadb_x_filter_family == AF_INET6 ? 16 : 4;
	fprintf(out, "sadb_x_filter{ family=%u splen=%u dplen=%u\n",
		f->sadb_x_filter_family, f->sadb_x_filter_splen, f->sadb_x_filter_dplen);
	fprintf(out, "  saddr=");
	print_keyhex(out, f->sadb_x_filter_saddr, alen);
	fprintf(out, "\n  daddr=");
	print_keyhex(out, f->sadb_x_filter_daddr, alen);
	fprintf(out, " }\n");
}

static void d_replay(FILE *out, const void *e, size_t len)
{
	const struct sadb_x_replay *r = e;

	if (len >= sizeof(*r))
		fprintf(out, "sadb_x_replay{ window=%u flags=0x%x }\n",
			r->sadb_x_replay_window, r->sadb_x_replay_flags);
}

static void d_counters(FILE *out, const void *e, size_t len)
{
	const struct sadb_x_counters *c = e;

	if (len < sizeof(*c))
		return;
	fprintf(out, "sadb_x_counters{ packets=%llu bytes=%llu replay_seq=%llu\n",
		(unsigned long long)c->sadb_x_counters_packets,
		(unsigned long long)c->sadb_x_counters_bytes,
		(unsigned long long)c->sadb_x_counters_replay_seq);
	fprintf(out, "  drop_auth=%llu drop_replay=%llu drop_pad=%llu drop_other=%llu }\n",
		(unsigned long long)c->sadb_x_counters_drop_auth,
		(unsigned long long)c->sadb_x_counters_drop_replay,
		(unsigned long long)c->sadb_x_counters_drop_pad,
		(unsigned long long)c->sadb_x_counters_drop_other);
}

static void d_raw(FILE *out, const void *e, size_t len)
{
	fprintf(out, "sadb_ext_data{");
	print_keyhex(out, (const uint8_t *)e + sizeof(struct sadb_ext),
		     len - sizeof(struct sadb_ext));
	fprintf(out, " }\n");
}

static void debug_ext(FILE *out, const struct sadb_ext *e, size_t len)
{
	switch (e->sadb_ext_type) {
	case SADB_EXT_SA: d_sa(out, e, len); break;
	case SADB_EXT_LIFETIME_CURRENT: case SADB_EXT_LIFETIME_HARD:
	case SADB_EXT_LIFETIME_SOFT: d_lifetime(out, e, len); break;
	case SADB_EXT_ADDRESS_SRC: case SADB_EXT_ADDRESS_DST:
	case SADB_EXT_ADDRESS_PROXY: case SADB_X_EXT_NAT_T_OA:
		d_address(out, e, len); break;
	case SADB_EXT_KEY_AUTH: case SADB_EXT_KEY_ENCRYPT: d_key(out, e, len); break;
	case SADB_EXT_IDENTITY_SRC: case SADB_EXT_IDENTITY_DST: d_ident(out, e, len); break;
	case SADB_EXT_SENSITIVITY: d_sens(out, e, len); break;
	case SADB_EXT_PROPOSAL: d_prop(out, e, len); break;
	case SADB_EXT_SUPPORTED_AUTH: case SADB_EXT_SUPPORTED_ENCRYPT:
		d_supported(out, e, len); break;
	case SADB_EXT_SPIRANGE: d_spirange(out, e, len); break;
	case SADB_X_EXT_POLICY: d_policy(out, e, len); break;
	case SADB_X_EXT_SA2: d_sa2(out, e, len); break;
	case SADB_X_EXT_NAT_T_TYPE: d_natt_type(out, e, len); break;
	case SADB_X_EXT_NAT_T_SPORT: case SADB_X_EXT_NAT_T_DPORT:
		d_natt_port(out, e, len); break;
	case SADB_X_EXT_SEC_CTX: d_sec_ctx(out, e, len); break;
	case SADB_X_EXT_KMADDRESS: d_kmaddress(out, e, len); break;
	case SADB_X_EXT_FILTER: d_filter(out, e, len); break;
	case SADB_X_EXT_REPLAY: d_replay(out, e, len); break;
	case SADB_X_EXT_COUNTERS: d_counters(out, e, len); break;
	default: d_raw(out, e, len); break;	/* KMPRIVATE and the unknown */
	}
}

void print_debug(FILE *out, const void *buf, size_t len)
{
	const struct sadb_msg *h = buf;
	const uint8_t *p = buf;
	size_t off, mlen;

	if (len < sizeof(*h)) {
		fprintf(out, "kdebug_sadb: message of %zu bytes is too short.\n", len);
		return;
	}
	/* af_key echoes what it receives; a BSD kernel wraps it in X_PROMISC. */
	if (h->sadb_msg_type == SADB_X_PROMISC && (size_t)h->sadb_msg_len * 8 > sizeof(*h) &&
	    len >= 2 * sizeof(*h)) {
		print_debug(out, p + sizeof(*h), len - sizeof(*h));
		return;
	}
	fprintf(out, "sadb_msg{ version=%u type=%u errno=%u satype=%u\n",
		h->sadb_msg_version, h->sadb_msg_type, h->sadb_msg_errno,
		h->sadb_msg_satype);
	fprintf(out, "  len=%u reserved=%u seq=%u pid=%u\n", h->sadb_msg_len,
		h->sadb_msg_reserved, h->sadb_msg_seq, h->sadb_msg_pid);
	if (h->sadb_msg_errno) {
		char why[256];

		/* Not in kdebug_sadb: what the error reply means. */
		describe_error(h->sadb_msg_type, h->sadb_msg_errno,
			       h->sadb_msg_reserved, why, sizeof(why));
		fprintf(out, "sadb_error{ %s }\n", why);
	}
	mlen = (size_t)h->sadb_msg_len * 8;
	if (mlen > len) {
		fprintf(out, "kdebug_sadb: sadb_msg_len exceeds the %zu bytes received.\n", len);
		mlen = len;
	}
	for (off = sizeof(*h); off < mlen; ) {
		const struct sadb_ext *e = (const void *)(p + off);
		size_t elen;

		if (mlen - off < sizeof(*e)) {
			fprintf(out, "kdebug_sadb: truncated extension header.\n");
			return;
		}
		fprintf(out, "sadb_ext{ len=%u type=%u }\n", e->sadb_ext_len,
			e->sadb_ext_type);
		elen = (size_t)e->sadb_ext_len * 8;
		if (elen == 0) {
			fprintf(out, "kdebug_sadb: invalid ext_len=0 was passed.\n");
			return;
		}
		if (elen > mlen - off) {
			fprintf(out, "kdebug_sadb: ext_len exceeds end of buffer.\n");
			return;
		}
		debug_ext(out, e, elen);
		off += elen;
	}
}
