// SPDX-License-Identifier: GPL-2.0
/*
 * compile.c - the PF_KEY messages of each statement.
 *
 * Message contents follow ipsec-tools' setkey (parse.y setkeymsg_*), so
 * a kernel sees the same requests from both tools:
 *  - SA messages carry SA and SA2 (mode, reqid) and both addresses with
 *    upper-layer protocol "any" (255) and full-length prefixes, ports
 *    included; add/update add keys, lifetimes, -ctx, NAT-T;
 *  - sadb_sa_flags start at SADB_X_EXT_CYCSEQ and take -f and -R bits;
 *  - policies without "prio" get PRIORITY_DEFAULT, and in RFC mode (the
 *    default, -r) every "in" policy also goes out as "fwd".
 * Differences, on purpose:
 *  - GETSPI carries SA2, addresses and SPIRANGE as RFC 2367 says (not an
 *    SA extension);
 *  - a replay window above 255 (the 8-bit sadb_sa_replay) is also sent in
 *    nfipsec's SADB_X_EXT_REPLAY, with sadb_sa_replay saturated at 255;
 *    so is any window with -f esn, the extension's ESN flag set;
 *  - hard and soft lifetimes go together (af_key wants both or neither);
 *  - "-A null" sends an empty authentication key, as "-E null" sends an
 *    empty encryption key (af_key refuses AH without a key extension);
 *  - deleteall is a dump and one DELETE per matching SA (see exec.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ipsec.h>
#include <linux/pfkeyv2.h>
#include "nfipsec.h"

#include "addr.h"
#include "compile.h"
#include "msgbuf.h"
#include "policy.h"

#define UDP_ENCAP_ESPINUDP	2
#define NATT_DEFAULT_PORT	4500

uint8_t sa_proto_satype(enum sa_proto p)
{
	switch (p) {
	case P_ESP: case P_ESP_OLD: case P_ESP_UDP:
		return SADB_SATYPE_ESP;
	case P_AH: case P_AH_OLD:
		return SADB_SATYPE_AH;
	case P_IPCOMP:
		return SADB_X_SATYPE_IPCOMP;
	default:
		return SADB_SATYPE_UNSPEC;
	}
}

static void push(struct plan *pl, struct msgbuf *mb, bool fwd_twin)
{
	struct pmsg *v = realloc(pl->msgs, (pl->nmsgs + 1) * sizeof(*v));

	if (!v)
		abort();
	pl->msgs = v;
	mb_finish(mb);
	/* The plan takes the buffer; the msgbuf starts over empty. */
	v[pl->nmsgs].buf = mb->buf;
	v[pl->nmsgs].len = mb->len;
	v[pl->nmsgs].fwd_twin = fwd_twin;
	pl->nmsgs++;
	memset(mb, 0, sizeof(*mb));
}

void plan_free(struct plan *pl)
{
	size_t i;

	for (i = 0; i < pl->nmsgs; i++) {
		explicit_bzero(pl->msgs[i].buf, pl->msgs[i].len);
		free(pl->msgs[i].buf);
	}
	free(pl->msgs);
	free(pl->pairs);
	memset(pl, 0, sizeof(*pl));
}

struct pmsg build_short(uint8_t type, uint8_t satype)
{
	struct msgbuf mb = { 0 };
	struct pmsg m;

	mb_init(&mb, type, satype);
	mb_finish(&mb);
	m.buf = mb.buf;
	m.len = mb.len;
	m.fwd_twin = false;
	return m;
}

static int lookup(const struct stmt *st, const struct host *h, int family,
		  bool numeric, struct addrlist *out, struct errors *err)
{
	char e[400];

	if (addr_lookup(h->name, family, numeric, h->port, out, e, sizeof(e))) {
		errors_add(err, &h->loc, "%s", e);
		return -1;
	}
	(void)st;
	return 0;
}

static void add_sa_ext(struct msgbuf *mb, const struct stmt *st)
{
	const struct sa_spec *sa = &st->sa;
	struct sadb_sa s;
	struct sadb_x_sa2 s2;

	memset(&s, 0, sizeof(s));
	s.sadb_sa_spi = htonl(sa->spi);
	s.sadb_sa_replay = sa->replay > 255 ? 255 : (uint8_t)sa->replay;
	s.sadb_sa_auth = sa->auth ? sa->auth->id : SADB_AALG_NONE;
	s.sadb_sa_encrypt = sa->enc ? sa->enc->id : sa->comp ? sa->comp->id : 0;
	s.sadb_sa_flags = sa->flags;
	mb_ext(mb, SADB_EXT_SA, &s, sizeof(s), NULL, 0);

	memset(&s2, 0, sizeof(s2));
	s2.sadb_x_sa2_mode = sa->mode;
	s2.sadb_x_sa2_reqid = sa->reqid;
	mb_ext(mb, SADB_X_EXT_SA2, &s2, sizeof(s2), NULL, 0);
}

static void add_lifetime(struct msgbuf *mb, uint16_t type, uint64_t secs,
			 uint64_t bytes)
{
	struct sadb_lifetime lt;

	memset(&lt, 0, sizeof(lt));
	lt.sadb_lifetime_bytes = bytes;
	lt.sadb_lifetime_addtime = secs;
	mb_ext(mb, type, &lt, sizeof(lt), NULL, 0);
}

static void add_ctx(struct msgbuf *mb, const struct sec_ctx *ctx)
{
	struct sadb_x_sec_ctx c;

	if (!ctx->set)
		return;
	memset(&c, 0, sizeof(c));
	c.sadb_x_ctx_doi = ctx->doi;
	c.sadb_x_ctx_alg = ctx->alg;
	c.sadb_x_ctx_len = (uint16_t)(ctx->len + 1);	/* with its NUL */
	mb_ext(mb, SADB_X_EXT_SEC_CTX, &c, sizeof(c), ctx->str, ctx->len + 1);
}

static void add_natt(struct msgbuf *mb, const struct stmt *st,
		     const struct sockaddr *src, const struct sockaddr *dst,
		     const struct addrlist *oa)
{
	struct sadb_x_nat_t_type t;
	struct sadb_x_nat_t_port p;
	unsigned int sport = sa_port(src), dport = sa_port(dst);

	memset(&t, 0, sizeof(t));
	t.sadb_x_nat_t_type_type = UDP_ENCAP_ESPINUDP;
	mb_ext(mb, SADB_X_EXT_NAT_T_TYPE, &t, sizeof(t), NULL, 0);
	memset(&p, 0, sizeof(p));
	p.sadb_x_nat_t_port_port = htons(sport ? sport : NATT_DEFAULT_PORT);
	mb_ext(mb, SADB_X_EXT_NAT_T_SPORT, &p, sizeof(p), NULL, 0);
	p.sadb_x_nat_t_port_port = htons(dport ? dport : NATT_DEFAULT_PORT);
	mb_ext(mb, SADB_X_EXT_NAT_T_DPORT, &p, sizeof(p), NULL, 0);
	if (st->sa.has_oa) {
		const struct sockaddr *o = (const struct sockaddr *)&oa->a[0];

		mb_address(mb, SADB_X_EXT_NAT_T_OA, o, IPSEC_ULPROTO_ANY,
			   sa_bits(o->sa_family));
	}
}

/* add, update, getspi, get, delete: one message per address pair. */
static void build_sa_msg(struct plan *pl, const struct stmt *st,
			 const struct sockaddr *src, const struct sockaddr *dst,
			 const struct addrlist *oa)
{
	static const uint8_t types[] = {
		[ST_ADD] = SADB_ADD, [ST_UPDATE] = SADB_UPDATE,
		[ST_GETSPI] = SADB_GETSPI, [ST_GET] = SADB_GET,
		[ST_DELETE] = SADB_DELETE,
	};
	const struct sa_spec *sa = &st->sa;
	struct msgbuf mb = { 0 };
	int bits = sa_bits(src->sa_family);

	mb_init(&mb, types[st->kind], pl->satype);
	if (st->kind == ST_GETSPI) {
		struct sadb_x_sa2 s2;

		memset(&s2, 0, sizeof(s2));
		s2.sadb_x_sa2_mode = sa->mode;
		s2.sadb_x_sa2_reqid = sa->reqid;
		mb_ext(&mb, SADB_X_EXT_SA2, &s2, sizeof(s2), NULL, 0);
	} else {
		add_sa_ext(&mb, st);
	}
	mb_address(&mb, SADB_EXT_ADDRESS_SRC, src, IPSEC_ULPROTO_ANY, bits);
	mb_address(&mb, SADB_EXT_ADDRESS_DST, dst, IPSEC_ULPROTO_ANY, bits);

	if (st->kind == ST_GETSPI && sa->spi) {
		struct sadb_spirange r;

		/* Host order: af_key and racoon both treat it so. */
		memset(&r, 0, sizeof(r));
		r.sadb_spirange_min = sa->spi;
		r.sadb_spirange_max = sa->spi;
		mb_ext(&mb, SADB_EXT_SPIRANGE, &r, sizeof(r), NULL, 0);
	}
	if (sa->proto == P_ESP_UDP && st->kind != ST_GET && st->kind != ST_DELETE)
		add_natt(&mb, st, src, dst, oa);
	if (st->kind == ST_ADD || st->kind == ST_UPDATE) {
		struct sadb_key k;

		memset(&k, 0, sizeof(k));
		if (sa->has_akey) {
			k.sadb_key_bits = (uint16_t)(sa->akey.len * 8);
			mb_ext(&mb, SADB_EXT_KEY_AUTH, &k, sizeof(k), sa->akey.data,
			       sa->akey.len);
		}
		if (sa->has_ekey) {
			k.sadb_key_bits = (uint16_t)(sa->ekey.len * 8);
			mb_ext(&mb, SADB_EXT_KEY_ENCRYPT, &k, sizeof(k), sa->ekey.data,
			       sa->ekey.len);
		}
		/*
		 * Both or neither: af_key refuses one without the other
		 * (EINVAL), so "-lh 100" alone failed with ipsec-tools.  Zero
		 * means no limit.
		 */
		if (sa->lt_hard || sa->lb_hard || sa->lt_soft || sa->lb_soft) {
			add_lifetime(&mb, SADB_EXT_LIFETIME_HARD, sa->lt_hard, sa->lb_hard);
			add_lifetime(&mb, SADB_EXT_LIFETIME_SOFT, sa->lt_soft, sa->lb_soft);
		}
	}
	if (st->kind != ST_GET && st->kind != ST_DELETE)
		add_ctx(&mb, &st->ctx);
	if ((sa->replay > 255 || sa->esn) &&
	    (st->kind == ST_ADD || st->kind == ST_UPDATE)) {
		struct sadb_x_replay r;

		memset(&r, 0, sizeof(r));
		r.sadb_x_replay_window = sa->replay;
		r.sadb_x_replay_flags = sa->esn ? SADB_X_REPLAY_F_ESN : 0;
		mb_ext(&mb, SADB_X_EXT_REPLAY, &r, sizeof(r), NULL, 0);
		pl->replay_ext = true;
	}
	push(pl, &mb, false);
}

static int compile_sa(const struct stmt *st, struct plan *pl, struct errors *err)
{
	struct addrlist src, dst, oa;
	size_t i, j;
	int n = 0;

	if (lookup(st, &st->src, st->family, st->numeric, &src, err) |
	    lookup(st, &st->dst, st->family, st->numeric, &dst, err))
		return -1;
	oa.n = 0;
	if (st->sa.has_oa &&
	    lookup(st, &st->sa.oa, st->family, st->numeric, &oa, err))
		return -1;
	if (st->kind == ST_DELETEALL)
		pl->msgs = NULL;
	for (i = 0; i < src.n; i++) {
		for (j = 0; j < dst.n; j++) {
			const struct sockaddr *s = (void *)&src.a[i], *d = (void *)&dst.a[j];

			if (s->sa_family != d->sa_family)
				continue;
			n++;
			if (st->kind == ST_DELETEALL) {
				struct addr_pair *v = realloc(pl->pairs,
							      (pl->npairs + 1) * sizeof(*v));

				if (!v)
					abort();
				pl->pairs = v;
				v[pl->npairs].src = src.a[i];
				v[pl->npairs].dst = dst.a[j];
				pl->npairs++;
			} else {
				build_sa_msg(pl, st, s, d, &oa);
			}
		}
	}
	if (!n) {
		errors_add(err, &st->dst.loc, "%s and %s have no address family in "
			   "common", st->src.name, st->dst.name);
		return -1;
	}
	if (st->kind == ST_DELETEALL) {
		struct pmsg m = build_short(SADB_DUMP, pl->satype);

		pl->msgs = malloc(sizeof(*pl->msgs));
		if (!pl->msgs)
			abort();
		pl->msgs[0] = m;
		pl->nmsgs = 1;
	}
	return 0;
}

static int check_prefix(const struct host *h, int family, struct errors *err)
{
	if (h->prefix > sa_bits(family)) {
		errors_add(err, &h->prefix_loc, "prefix length %d is longer than an "
			   "%s address (%d bits)", h->prefix,
			   family == AF_INET ? "IPv4" : "IPv6", sa_bits(family));
		return -1;
	}
	return 0;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* The tunnel end points of each request: numeric, one family per request. */
static int resolve_requests(const struct stmt *st, struct req_addrs *ra,
			    struct errors *err)
{
	const struct policy *pol = &st->sp.pol;
	struct addrlist a, b;
	size_t i;

	for (i = 0; i < pol->nreqs; i++) {
		const struct ipsec_req *r = &pol->reqs[i];

		if (!r->has_addrs)
			continue;
		if (!addr_is_numeric(r->src.name) || !addr_is_numeric(r->dst.name)) {
			const struct host *h = addr_is_numeric(r->src.name) ? &r->dst : &r->src;

			errors_add(err, &h->loc, "the end points of a request must be "
				   "numeric addresses, not '%s'", h->name);
			return -1;
		}
		if (lookup(st, &r->src, AF_UNSPEC, true, &a, err) ||
		    lookup(st, &r->dst, AF_UNSPEC, true, &b, err))
			return -1;
		if (a.a[0].ss_family != b.a[0].ss_family) {
			errors_add(err, &r->loc, "the end points %s and %s are of "
				   "different address families", r->src.name, r->dst.name);
			return -1;
		}
		ra[i].src = a.a[0];
		ra[i].dst = b.a[0];
	}
	return 0;
}

static void build_sp_msg(struct plan *pl, const struct stmt *st, uint8_t type,
			 const struct sockaddr_storage *s, const struct sockaddr_storage *d,
			 const struct req_addrs *ra, bool fwd_twin)
{
	const struct sp_spec *sp = &st->sp;
	struct msgbuf mb = { 0 };
	int bits = sa_bits(s->ss_family);

	mb_init(&mb, type, SADB_SATYPE_UNSPEC);
	mb_address(&mb, SADB_EXT_ADDRESS_SRC, (const struct sockaddr *)s,
		   (uint8_t)sp->upper, sp->src.prefix >= 0 ? sp->src.prefix : bits);
	mb_address(&mb, SADB_EXT_ADDRESS_DST, (const struct sockaddr *)d,
		   (uint8_t)sp->upper, sp->dst.prefix >= 0 ? sp->dst.prefix : bits);
	policy_encode(&mb, &sp->pol, ra, fwd_twin);
	add_ctx(&mb, &st->ctx);
	push(pl, &mb, fwd_twin);
}

static int compile_sp(const struct stmt *st, const struct compile_opts *o,
		      struct plan *pl, struct errors *err)
{
	static const uint8_t types[] = {
		[ST_SPDADD] = SADB_X_SPDADD, [ST_SPDUPDATE] = SADB_X_SPDUPDATE,
		[ST_SPDDELETE] = SADB_X_SPDDELETE,
	};
	const struct sp_spec *sp = &st->sp;
	struct addrlist src, dst;
	struct req_addrs *ra;
	size_t i, j;
	int n = 0, rc = -1;

	if (lookup(st, &sp->src, st->family, st->numeric, &src, err) |
	    lookup(st, &sp->dst, st->family, st->numeric, &dst, err))
		return -1;
	ra = calloc(sp->pol.nreqs + 1, sizeof(*ra));
	if (!ra)
		abort();
	if (resolve_requests(st, ra, err))
		goto out;
	for (i = 0; i < src.n; i++) {
		for (j = 0; j < dst.n; j++) {
			struct sockaddr_storage s = src.a[i], d = dst.a[j];

			if (s.ss_family != d.ss_family)
				continue;
			if (check_prefix(&sp->src, s.ss_family, err) ||
			    check_prefix(&sp->dst, d.ss_family, err))
				goto out;
			if (sp->has_misc) {
				set_port(&s, sp->misc_sport);
				set_port(&d, sp->misc_dport);
			}
			n++;
			build_sp_msg(pl, st, types[st->kind], &s, &d, ra, false);
			if (o->rfc_mode && sp->pol.dir == IPSEC_DIR_INBOUND)
				build_sp_msg(pl, st, types[st->kind], &s, &d, ra, true);
		}
	}
	if (!n) {
		errors_add(err, &sp->dst.loc, "%s and %s have no address family in "
			   "common", sp->src.name, sp->dst.name);
		goto out;
	}
	rc = 0;
out:
	free(ra);
	return rc;
}

int compile_stmt(const struct stmt *st, const struct compile_opts *o,
		 struct plan *pl, struct errors *err)
{
	struct pmsg m;
	int rc = 0;

	memset(pl, 0, sizeof(*pl));
	pl->st = st;
	pl->satype = sa_proto_satype(st->sa.proto);
	switch (st->kind) {
	case ST_ADD: case ST_UPDATE: case ST_GETSPI: case ST_GET:
	case ST_DELETE: case ST_DELETEALL:
		rc = compile_sa(st, pl, err);
		break;
	case ST_FLUSH: case ST_DUMP: case ST_SPDFLUSH: case ST_SPDDUMP:
		m = build_short(st->kind == ST_FLUSH ? SADB_FLUSH :
				st->kind == ST_DUMP ? SADB_DUMP :
				st->kind == ST_SPDFLUSH ? SADB_X_SPDFLUSH :
				SADB_X_SPDDUMP,
				st->kind == ST_FLUSH || st->kind == ST_DUMP ?
				pl->satype : SADB_SATYPE_UNSPEC);
		pl->msgs = malloc(sizeof(*pl->msgs));
		if (!pl->msgs)
			abort();
		pl->msgs[0] = m;
		pl->nmsgs = 1;
		break;
	case ST_SPDADD: case ST_SPDUPDATE: case ST_SPDDELETE:
		rc = compile_sp(st, o, pl, err);
		break;
	default:
		break;
	}
	if (rc)
		plan_free(pl);
	return rc;
}

struct pmsg build_delete(uint8_t satype, const struct sockaddr *src,
			 const struct sockaddr *dst, uint32_t spi_net)
{
	struct msgbuf mb = { 0 };
	struct sadb_sa s;
	struct sadb_x_sa2 s2;
	struct pmsg m;
	int bits = sa_bits(src->sa_family);

	mb_init(&mb, SADB_DELETE, satype);
	memset(&s, 0, sizeof(s));
	s.sadb_sa_spi = spi_net;
	mb_ext(&mb, SADB_EXT_SA, &s, sizeof(s), NULL, 0);
	memset(&s2, 0, sizeof(s2));
	mb_ext(&mb, SADB_X_EXT_SA2, &s2, sizeof(s2), NULL, 0);
	mb_address(&mb, SADB_EXT_ADDRESS_SRC, src, IPSEC_ULPROTO_ANY, bits);
	mb_address(&mb, SADB_EXT_ADDRESS_DST, dst, IPSEC_ULPROTO_ANY, bits);
	mb_finish(&mb);
	m.buf = mb.buf;
	m.len = mb.len;
	m.fwd_twin = false;
	return m;
}
