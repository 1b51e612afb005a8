// SPDX-License-Identifier: GPL-2.0
/*
 * print_json.c - --json: the data of -D, -DP and -x as JSON.
 *
 * SAs and policies are objects with the fields -D/-DP print (named, with
 * numbers as numbers and keys as hex strings); a dump is an array of
 * them.  -x prints one object per message and line, with every extension
 * decoded.  Documented in setkey(8), section JSON OUTPUT.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>

#include <linux/ipsec.h>
#include "nfipsec.h"

#include "addr.h"
#include "algs.h"
#include "diag.h"
#include "msgbuf.h"
#include "policy.h"
#include "print.h"

struct json {
	FILE *f;
	bool comma;	/* a value was written at this level */
};

static void jsep(struct json *j)
{
	if (j->comma)
		fputc(',', j->f);
	j->comma = false;
}

static void jkey(struct json *j, const char *k)
{
	jsep(j);
	fprintf(j->f, "\"%s\":", k);
}

static void jstr_raw(struct json *j, const char *s, size_t n)
{
	size_t i;

	fputc('"', j->f);
	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(j->f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(j->f, "\\u%04x", c);
		else
			fputc(c, j->f);
	}
	fputc('"', j->f);
	j->comma = true;
}

static void jstr(struct json *j, const char *k, const char *v)
{
	jkey(j, k);
	jstr_raw(j, v, strlen(v));
}

static void juint(struct json *j, const char *k, uint64_t v)
{
	jkey(j, k);
	fprintf(j->f, "%" PRIu64, v);
	j->comma = true;
}

static void jbool(struct json *j, const char *k, bool v)
{
	jkey(j, k);
	fprintf(j->f, "%s", v ? "true" : "false");
	j->comma = true;
}

static void jhex(struct json *j, const char *k, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	jkey(j, k);
	fputc('"', j->f);
	for (i = 0; i < n; i++)
		fprintf(j->f, "%02x", b[i]);
	fputc('"', j->f);
	j->comma = true;
}

static void jbegin(struct json *j, const char *k, char c)
{
	if (k)
		jkey(j, k);
	else
		jsep(j);
	fputc(c, j->f);
}

static void jend(struct json *j, char c)
{
	fputc(c, j->f);
	j->comma = true;
}

static void jaddr(struct json *j, const char *k, const struct sockaddr *sa)
{
	char host[64];

	sa_host(sa, host, sizeof(host));
	jstr(j, k, host);
}

static const char *satype_name(unsigned int t)
{
	static const char *const n[] = {
		"unspec", "unknown", "ah", "esp", "unknown", "rsvp", "ospfv2",
		"ripv2", "mip", "ipcomp",
	};

	return t < sizeof(n) / sizeof(n[0]) ? n[t] : "unknown";
}

static const char *mode_name(unsigned int m)
{
	static const char *const n[] = { "any", "transport", "tunnel", "beet" };

	return m < 4 ? n[m] : "unknown";
}

static void jalg(struct json *j, const char *k, enum alg_kind kind, unsigned int id,
		 const struct pfk_msg *m, unsigned int keytype)
{
	const char *name = id ? alg_name(kind, id) : "none";

	jbegin(j, k, '{');
	if (name)
		jstr(j, "algorithm", name);
	juint(j, "id", id);
	if (keytype && m->ext[keytype] && m->extlen[keytype] >= sizeof(struct sadb_key)) {
		const struct sadb_key *key = m->ext[keytype];
		size_t bytes = (key->sadb_key_bits + 7) / 8;

		if (bytes > m->extlen[keytype] - sizeof(*key))
			bytes = m->extlen[keytype] - sizeof(*key);
		juint(j, "bits", key->sadb_key_bits);
		jhex(j, "key", key + 1, bytes);
	}
	jend(j, '}');
}

static void jlifetime(struct json *j, const char *k, const void *e, size_t len)
{
	const struct sadb_lifetime *l = e;

	if (!l || len < sizeof(*l))
		return;
	jbegin(j, k, '{');
	juint(j, "allocations", l->sadb_lifetime_allocations);
	juint(j, "bytes", l->sadb_lifetime_bytes);
	juint(j, "addtime", l->sadb_lifetime_addtime);
	juint(j, "usetime", l->sadb_lifetime_usetime);
	jend(j, '}');
}

static void jctx(struct json *j, const void *e, size_t len)
{
	const struct sadb_x_sec_ctx *c = e;
	size_t room;

	if (!c || len < sizeof(*c))
		return;
	room = len - sizeof(*c);
	if (room > c->sadb_x_ctx_len)
		room = c->sadb_x_ctx_len;
	jbegin(j, "security_context", '{');
	juint(j, "doi", c->sadb_x_ctx_doi);
	juint(j, "algorithm", c->sadb_x_ctx_alg);
	jkey(j, "context");
	jstr_raw(j, (const char *)(c + 1), room);
	jend(j, '}');
}

static void jcounters(struct json *j, const void *e, size_t len)
{
	const struct sadb_x_counters *c = e;

	if (!c || len < sizeof(*c))
		return;
	jbegin(j, "counters", '{');
	juint(j, "packets", c->sadb_x_counters_packets);
	juint(j, "bytes", c->sadb_x_counters_bytes);
	juint(j, "drop_auth", c->sadb_x_counters_drop_auth);
	juint(j, "drop_replay", c->sadb_x_counters_drop_replay);
	juint(j, "drop_pad", c->sadb_x_counters_drop_pad);
	juint(j, "drop_other", c->sadb_x_counters_drop_other);
	juint(j, "replay_seq", c->sadb_x_counters_replay_seq);
	jend(j, '}');
}

void json_sa(FILE *out, const struct pfk_msg *m, const struct print_opts *o)
{
	const struct sadb_sa *sa = m->ext[SADB_EXT_SA];
	const struct sadb_x_sa2 *sa2 = m->ext[SADB_X_EXT_SA2];
	const struct sadb_x_nat_t_type *nt = m->ext[SADB_X_EXT_NAT_T_TYPE];
	const struct sadb_x_replay *rp = pfk_replay(m);
	const struct sockaddr *src = pfk_addr(m, SADB_EXT_ADDRESS_SRC);
	const struct sockaddr *dst = pfk_addr(m, SADB_EXT_ADDRESS_DST);
	uint8_t satype = m->hdr->sadb_msg_satype;
	struct json j = { out, false };
	char buf[16];

	(void)o;
	jbegin(&j, NULL, '{');
	if (src) {
		jaddr(&j, "src", src);
		juint(&j, "sport", sa_port(src));
	}
	if (dst) {
		jaddr(&j, "dst", dst);
		juint(&j, "dport", sa_port(dst));
	}
	jstr(&j, "satype", satype_name(satype));
	if (nt && m->extlen[SADB_X_EXT_NAT_T_TYPE] >= sizeof(*nt) && nt->sadb_x_nat_t_type_type) {
		const struct sadb_x_nat_t_port *sp = m->ext[SADB_X_EXT_NAT_T_SPORT];
		const struct sadb_x_nat_t_port *dp = m->ext[SADB_X_EXT_NAT_T_DPORT];

		jbegin(&j, "natt", '{');
		juint(&j, "type", nt->sadb_x_nat_t_type_type);
		if (sp)
			juint(&j, "sport", ntohs(sp->sadb_x_nat_t_port_port));
		if (dp)
			juint(&j, "dport", ntohs(dp->sadb_x_nat_t_port_port));
		if (pfk_addr(m, SADB_X_EXT_NAT_T_OA))
			jaddr(&j, "oa", pfk_addr(m, SADB_X_EXT_NAT_T_OA));
		jend(&j, '}');
	}
	if (sa2 && m->extlen[SADB_X_EXT_SA2] >= sizeof(*sa2)) {
		jstr(&j, "mode", mode_name(sa2->sadb_x_sa2_mode));
		juint(&j, "reqid", sa2->sadb_x_sa2_reqid);
		juint(&j, "seq", sa2->sadb_x_sa2_sequence);
	}
	if (sa && m->extlen[SADB_EXT_SA] >= sizeof(*sa)) {
		static const char *const st[] = { "larval", "mature", "dying", "dead" };

		juint(&j, "spi", ntohl(sa->sadb_sa_spi));
		snprintf(buf, sizeof(buf), "0x%08x", ntohl(sa->sadb_sa_spi));
		jstr(&j, "spi_hex", buf);
		if (satype == SADB_X_SATYPE_IPCOMP)
			jalg(&j, "compression", ALG_COMP, sa->sadb_sa_encrypt, m, 0);
		else if (satype == SADB_SATYPE_ESP)
			jalg(&j, "encryption", ALG_ENC, sa->sadb_sa_encrypt, m,
			     SADB_EXT_KEY_ENCRYPT);
		if (sa->sadb_sa_auth || m->ext[SADB_EXT_KEY_AUTH])
			jalg(&j, "authentication", ALG_AUTH, sa->sadb_sa_auth, m,
			     SADB_EXT_KEY_AUTH);
		juint(&j, "replay", rp ? rp->sadb_x_replay_window : sa->sadb_sa_replay);
		if (rp && rp->sadb_x_replay_flags & SADB_X_REPLAY_F_ESN)
			jbool(&j, "esn", true);
		juint(&j, "flags", sa->sadb_sa_flags);
		jstr(&j, "state", sa->sadb_sa_state < 4 ? st[sa->sadb_sa_state] : "unknown");
	}
	if (m->ext[SADB_EXT_LIFETIME_CURRENT] || m->ext[SADB_EXT_LIFETIME_HARD] ||
	    m->ext[SADB_EXT_LIFETIME_SOFT]) {
		jbegin(&j, "lifetime", '{');
		jlifetime(&j, "current", m->ext[SADB_EXT_LIFETIME_CURRENT],
			  m->extlen[SADB_EXT_LIFETIME_CURRENT]);
		jlifetime(&j, "hard", m->ext[SADB_EXT_LIFETIME_HARD],
			  m->extlen[SADB_EXT_LIFETIME_HARD]);
		jlifetime(&j, "soft", m->ext[SADB_EXT_LIFETIME_SOFT],
			  m->extlen[SADB_EXT_LIFETIME_SOFT]);
		jend(&j, '}');
	}
	jctx(&j, m->ext[SADB_X_EXT_SEC_CTX], m->extlen[SADB_X_EXT_SEC_CTX]);
	jcounters(&j, m->ext[SADB_X_EXT_COUNTERS], m->extlen[SADB_X_EXT_COUNTERS]);
	juint(&j, "sadb_seq", m->hdr->sadb_msg_seq);
	juint(&j, "pid", m->hdr->sadb_msg_pid);
	juint(&j, "refcnt", m->hdr->sadb_msg_reserved);
	jend(&j, '}');
}

static void jrequests(struct json *j, const struct sadb_x_policy *xpl, size_t len)
{
	static const char *const levels[] = { "default", "use", "require", "unique" };
	static const char *const protos[] = { [IPPROTO_AH] = "ah", [IPPROTO_ESP] = "esp",
					      [IPPROTO_COMP] = "ipcomp" };
	size_t off;

	jbegin(j, "requests", '[');
	for (off = sizeof(*xpl); off + sizeof(struct sadb_x_ipsecrequest) <= len; ) {
		const uint8_t *at = (const uint8_t *)xpl + off;
		struct sadb_x_ipsecrequest qq, *q = &qq;
		unsigned int pr;

		memcpy(&qq, at, sizeof(qq));	/* requests need not be aligned */
		pr = q->sadb_x_ipsecrequest_proto;
		if (q->sadb_x_ipsecrequest_len < sizeof(*q) ||
		    q->sadb_x_ipsecrequest_len > len - off)
			break;
		jbegin(j, NULL, '{');
		if (pr < sizeof(protos) / sizeof(protos[0]) && protos[pr])
			jstr(j, "protocol", protos[pr]);
		else
			juint(j, "protocol", pr);
		jstr(j, "mode", mode_name(q->sadb_x_ipsecrequest_mode));
		if (q->sadb_x_ipsecrequest_len > sizeof(*q)) {
			struct sockaddr_storage s1, s2;
			size_t room = q->sadb_x_ipsecrequest_len - sizeof(*q), l1, l2;

			memset(&s1, 0, sizeof(s1));
			memset(&s2, 0, sizeof(s2));
			memcpy(&s1, at + sizeof(*q), room < sizeof(s1) ? room : sizeof(s1));
			l1 = sockaddr_len(s1.ss_family);
			if (l1 && l1 + sizeof(sa_family_t) <= room) {
				memcpy(&s2, at + sizeof(*q) + l1,
				       room - l1 < sizeof(s2) ? room - l1 : sizeof(s2));
				l2 = sockaddr_len(s2.ss_family);
				if (l2 && l1 + l2 <= room) {
					jaddr(j, "src", (const void *)&s1);
					juint(j, "sport", sa_port((const void *)&s1));
					jaddr(j, "dst", (const void *)&s2);
					juint(j, "dport", sa_port((const void *)&s2));
				}
			}
		}
		if (q->sadb_x_ipsecrequest_level < 4)
			jstr(j, "level", levels[q->sadb_x_ipsecrequest_level]);
		else
			juint(j, "level", q->sadb_x_ipsecrequest_level);
		juint(j, "reqid", q->sadb_x_ipsecrequest_reqid);
		jend(j, '}');
		off += q->sadb_x_ipsecrequest_len;
	}
	jend(j, ']');
}

static void jpolicy(struct json *j, const struct sadb_x_policy *xpl, size_t len)
{
	static const char *const dirs[] = { "any", "in", "out", "fwd", "in(socket)",
					    "out(socket)", "fwd(socket)" };
	static const char *const types[] = { "discard", "none", "ipsec", "entrust", "bypass" };
	char prio[64];

	if (xpl->sadb_x_policy_dir < 7)
		jstr(j, "dir", dirs[xpl->sadb_x_policy_dir]);
	else
		juint(j, "dir", xpl->sadb_x_policy_dir);
	juint(j, "priority", xpl->sadb_x_policy_priority);
	policy_priority_str(xpl->sadb_x_policy_priority, prio, sizeof(prio));
	jstr(j, "priority_text", prio);
	if (xpl->sadb_x_policy_type < 5)
		jstr(j, "action", types[xpl->sadb_x_policy_type]);
	else
		juint(j, "action", xpl->sadb_x_policy_type);
	if (xpl->sadb_x_policy_type == IPSEC_POLICY_IPSEC)
		jrequests(j, xpl, len);
	juint(j, "spid", xpl->sadb_x_policy_id);
}

void json_sp(FILE *out, const struct pfk_msg *m, const struct print_opts *o)
{
	const struct sadb_x_policy *xpl = m->ext[SADB_X_EXT_POLICY];
	const struct sadb_address *sadr = m->ext[SADB_EXT_ADDRESS_SRC];
	const struct sadb_address *dadr = m->ext[SADB_EXT_ADDRESS_DST];
	const struct sockaddr *src = pfk_addr(m, SADB_EXT_ADDRESS_SRC);
	const struct sockaddr *dst = pfk_addr(m, SADB_EXT_ADDRESS_DST);
	const struct sadb_lifetime *c = m->ext[SADB_EXT_LIFETIME_CURRENT];
	const struct sadb_lifetime *h = m->ext[SADB_EXT_LIFETIME_HARD];
	struct json j = { out, false };

	(void)o;
	jbegin(&j, NULL, '{');
	if (xpl && m->extlen[SADB_X_EXT_POLICY] >= sizeof(*xpl))
		jbool(&j, "per_socket", xpl->sadb_x_policy_dir >= 4);
	if (src && dst) {
		const char *up = upper_proto_name(sadr->sadb_address_proto);

		jaddr(&j, "src", src);
		juint(&j, "src_prefix", sadr->sadb_address_prefixlen);
		juint(&j, "sport", sa_port(src));
		jaddr(&j, "dst", dst);
		juint(&j, "dst_prefix", dadr->sadb_address_prefixlen);
		juint(&j, "dport", sa_port(dst));
		juint(&j, "upper_proto", sadr->sadb_address_proto);
		if (sadr->sadb_address_proto == 255)
			jstr(&j, "upper", "any");
		else if (up)
			jstr(&j, "upper", up);
	}
	if (xpl && m->extlen[SADB_X_EXT_POLICY] >= sizeof(*xpl))
		jpolicy(&j, xpl, m->extlen[SADB_X_EXT_POLICY]);
	if (c && m->extlen[SADB_EXT_LIFETIME_CURRENT] >= sizeof(*c)) {
		juint(&j, "created", c->sadb_lifetime_addtime);
		juint(&j, "lastused", c->sadb_lifetime_usetime);
	}
	if (h && m->extlen[SADB_EXT_LIFETIME_HARD] >= sizeof(*h)) {
		juint(&j, "lifetime", h->sadb_lifetime_addtime);
		juint(&j, "validtime", h->sadb_lifetime_usetime);
	}
	jctx(&j, m->ext[SADB_X_EXT_SEC_CTX], m->extlen[SADB_X_EXT_SEC_CTX]);
	juint(&j, "seq", m->hdr->sadb_msg_seq);
	juint(&j, "pid", m->hdr->sadb_msg_pid);
	juint(&j, "refcnt", m->hdr->sadb_msg_reserved);
	jend(&j, '}');
}

static const char *msg_type_name(unsigned int t)
{
	static const char *const n[] = {
		"RESERVED", "GETSPI", "UPDATE", "ADD", "DELETE", "GET", "ACQUIRE",
		"REGISTER", "EXPIRE", "FLUSH", "DUMP", "X_PROMISC", "X_PCHANGE",
		"X_SPDUPDATE", "X_SPDADD", "X_SPDDELETE", "X_SPDGET", "X_SPDACQUIRE",
		"X_SPDDUMP", "X_SPDFLUSH", "X_SPDSETIDX", "X_SPDEXPIRE",
		"X_SPDDELETE2", "X_NAT_T_NEW_MAPPING", "X_MIGRATE",
	};

	if (t < sizeof(n) / sizeof(n[0]))
		return n[t];
	return t == SADB_X_NFIPSEC_OPTIONS ? "X_NFIPSEC_OPTIONS" : NULL;
}

static const char *ext_name(unsigned int t)
{
	static const char *const n[] = {
		"reserved", "sa", "lifetime_current", "lifetime_hard", "lifetime_soft",
		"address_src", "address_dst", "address_proxy", "key_auth",
		"key_encrypt", "identity_src", "identity_dst", "sensitivity",
		"proposal", "supported_auth", "supported_encrypt", "spirange",
		"x_kmprivate", "x_policy", "x_sa2", "x_nat_t_type", "x_nat_t_sport",
		"x_nat_t_dport", "x_nat_t_oa", "x_sec_ctx", "x_kmaddress", "x_filter",
	};

	if (t < sizeof(n) / sizeof(n[0]))
		return n[t];
	if (t == SADB_X_EXT_REPLAY)
		return "x_replay";
	if (t == SADB_X_EXT_COUNTERS)
		return "x_counters";
	return NULL;
}

static void jext(struct json *j, const struct sadb_ext *e, size_t len)
{
	const char *name = ext_name(e->sadb_ext_type);

	jbegin(j, NULL, '{');
	juint(j, "type", e->sadb_ext_type);
	if (name)
		jstr(j, "name", name);
	switch (e->sadb_ext_type) {
	case SADB_EXT_SA: {
		const struct sadb_sa *sa = (const void *)e;

		if (len < sizeof(*sa))
			break;
		juint(j, "spi", ntohl(sa->sadb_sa_spi));
		juint(j, "replay", sa->sadb_sa_replay);
		juint(j, "state", sa->sadb_sa_state);
		juint(j, "auth", sa->sadb_sa_auth);
		juint(j, "encrypt", sa->sadb_sa_encrypt);
		juint(j, "flags", sa->sadb_sa_flags);
		break;
	}
	case SADB_EXT_LIFETIME_CURRENT: case SADB_EXT_LIFETIME_HARD:
	case SADB_EXT_LIFETIME_SOFT: {
		const struct sadb_lifetime *l = (const void *)e;

		if (len < sizeof(*l))
			break;
		juint(j, "allocations", l->sadb_lifetime_allocations);
		juint(j, "bytes", l->sadb_lifetime_bytes);
		juint(j, "addtime", l->sadb_lifetime_addtime);
		juint(j, "usetime", l->sadb_lifetime_usetime);
		break;
	}
	case SADB_EXT_ADDRESS_SRC: case SADB_EXT_ADDRESS_DST:
	case SADB_EXT_ADDRESS_PROXY: case SADB_X_EXT_NAT_T_OA: {
		const struct sadb_address *a = (const void *)e;
		const struct sockaddr *sa = (const void *)(a + 1);

		if (len < sizeof(*a) + sizeof(sa_family_t))
			break;
		juint(j, "proto", a->sadb_address_proto);
		juint(j, "prefixlen", a->sadb_address_prefixlen);
		if (sockaddr_len(sa->sa_family) &&
		    sizeof(*a) + sockaddr_len(sa->sa_family) <= len) {
			jaddr(j, "address", sa);
			juint(j, "port", sa_port(sa));
		} else {
			juint(j, "family", sa->sa_family);
		}
		break;
	}
	case SADB_EXT_KEY_AUTH: case SADB_EXT_KEY_ENCRYPT: {
		const struct sadb_key *k = (const void *)e;
		size_t bytes;

		if (len < sizeof(*k))
			break;
		bytes = (k->sadb_key_bits + 7) / 8;
		if (bytes > len - sizeof(*k))
			bytes = len - sizeof(*k);
		juint(j, "bits", k->sadb_key_bits);
		jhex(j, "key", k + 1, bytes);
		break;
	}
	case SADB_EXT_SPIRANGE: {
		const struct sadb_spirange *r = (const void *)e;

		if (len < sizeof(*r))
			break;
		juint(j, "min", r->sadb_spirange_min);
		juint(j, "max", r->sadb_spirange_max);
		break;
	}
	case SADB_X_EXT_SA2: {
		const struct sadb_x_sa2 *s = (const void *)e;

		if (len < sizeof(*s))
			break;
		jstr(j, "mode", mode_name(s->sadb_x_sa2_mode));
		juint(j, "reqid", s->sadb_x_sa2_reqid);
		juint(j, "sequence", s->sadb_x_sa2_sequence);
		break;
	}
	case SADB_X_EXT_POLICY:
		if (len >= sizeof(struct sadb_x_policy))
			jpolicy(j, (const void *)e, len);
		break;
	case SADB_X_EXT_NAT_T_TYPE:
		if (len >= sizeof(struct sadb_x_nat_t_type))
			juint(j, "nat_t_type",
			      ((const struct sadb_x_nat_t_type *)e)->sadb_x_nat_t_type_type);
		break;
	case SADB_X_EXT_NAT_T_SPORT: case SADB_X_EXT_NAT_T_DPORT:
		if (len >= sizeof(struct sadb_x_nat_t_port))
			juint(j, "port", ntohs(((const struct sadb_x_nat_t_port *)e)->
					       sadb_x_nat_t_port_port));
		break;
	case SADB_X_EXT_SEC_CTX: {
		const struct sadb_x_sec_ctx *c = (const void *)e;
		size_t room;

		if (len < sizeof(*c))
			break;
		room = len - sizeof(*c) < c->sadb_x_ctx_len ? len - sizeof(*c) :
		       c->sadb_x_ctx_len;
		juint(j, "doi", c->sadb_x_ctx_doi);
		juint(j, "algorithm", c->sadb_x_ctx_alg);
		jkey(j, "context");
		jstr_raw(j, (const char *)(c + 1), room);
		break;
	}
	case SADB_EXT_PROPOSAL: {
		const struct sadb_prop *p = (const void *)e;
		const struct sadb_comb *c = (const void *)(p + 1);
		size_t n = len >= sizeof(*p) ? (len - sizeof(*p)) / sizeof(*c) : 0;

		if (len < sizeof(*p))
			break;
		juint(j, "replay", p->sadb_prop_replay);
		jbegin(j, "combs", '[');
		for (; n--; c++) {
			jbegin(j, NULL, '{');
			juint(j, "auth", c->sadb_comb_auth);
			juint(j, "encrypt", c->sadb_comb_encrypt);
			juint(j, "flags", c->sadb_comb_flags);
			juint(j, "auth_minbits", c->sadb_comb_auth_minbits);
			juint(j, "auth_maxbits", c->sadb_comb_auth_maxbits);
			juint(j, "encrypt_minbits", c->sadb_comb_encrypt_minbits);
			juint(j, "encrypt_maxbits", c->sadb_comb_encrypt_maxbits);
			juint(j, "soft_allocations", c->sadb_comb_soft_allocations);
			juint(j, "hard_allocations", c->sadb_comb_hard_allocations);
			juint(j, "soft_bytes", c->sadb_comb_soft_bytes);
			juint(j, "hard_bytes", c->sadb_comb_hard_bytes);
			juint(j, "soft_addtime", c->sadb_comb_soft_addtime);
			juint(j, "hard_addtime", c->sadb_comb_hard_addtime);
			juint(j, "soft_usetime", c->sadb_comb_soft_usetime);
			juint(j, "hard_usetime", c->sadb_comb_hard_usetime);
			jend(j, '}');
		}
		jend(j, ']');
		break;
	}
	case SADB_EXT_SUPPORTED_AUTH: case SADB_EXT_SUPPORTED_ENCRYPT: {
		const struct sadb_supported *s = (const void *)e;
		const struct sadb_alg *a = (const void *)(s + 1);
		size_t n = len >= sizeof(*s) ? (len - sizeof(*s)) / sizeof(*a) : 0;

		jbegin(j, "algorithms", '[');
		for (; n--; a++) {
			jbegin(j, NULL, '{');
			juint(j, "id", a->sadb_alg_id);
			juint(j, "ivlen", a->sadb_alg_ivlen);
			juint(j, "minbits", a->sadb_alg_minbits);
			juint(j, "maxbits", a->sadb_alg_maxbits);
			jend(j, '}');
		}
		jend(j, ']');
		break;
	}
	case SADB_X_EXT_REPLAY:
		if (len >= sizeof(struct sadb_x_replay)) {
			juint(j, "window", ((const struct sadb_x_replay *)e)->sadb_x_replay_window);
			juint(j, "flags", ((const struct sadb_x_replay *)e)->sadb_x_replay_flags);
		}
		break;
	case SADB_X_EXT_COUNTERS:
		jcounters(j, e, len);
		break;
	default:
		jhex(j, "data", (const uint8_t *)e + sizeof(*e), len - sizeof(*e));
		break;
	}
	jend(j, '}');
}

void json_msg(FILE *out, const void *buf, size_t len, double when)
{
	const struct sadb_msg *h = buf;
	const uint8_t *p = buf;
	struct json j = { out, false };
	const char *tn;
	size_t off, mlen;

	jbegin(&j, NULL, '{');
	if (when > 0) {
		jkey(&j, "time");
		fprintf(out, "%.6f", when);
		j.comma = true;
	}
	if (len < sizeof(*h)) {
		jstr(&j, "error", "message shorter than its header");
		jend(&j, '}');
		fputc('\n', out);
		return;
	}
	juint(&j, "version", h->sadb_msg_version);
	juint(&j, "type", h->sadb_msg_type);
	tn = msg_type_name(h->sadb_msg_type);
	if (tn)
		jstr(&j, "type_name", tn);
	juint(&j, "errno", h->sadb_msg_errno);
	if (h->sadb_msg_errno) {
		const char *en = errno_name(h->sadb_msg_errno);
		const char *dn = diag_name(h->sadb_msg_reserved);

		if (en)
			jstr(&j, "errno_name", en);
		jstr(&j, "error", strerror(h->sadb_msg_errno));
		if (h->sadb_msg_reserved && dn) {
			juint(&j, "diagnostic", h->sadb_msg_reserved);
			jstr(&j, "diagnostic_name", dn);
			jstr(&j, "diagnostic_text", diag_text(h->sadb_msg_reserved));
		}
	}
	juint(&j, "satype", h->sadb_msg_satype);
	jstr(&j, "satype_name", satype_name(h->sadb_msg_satype));
	juint(&j, "len", h->sadb_msg_len);
	juint(&j, "reserved", h->sadb_msg_reserved);
	juint(&j, "seq", h->sadb_msg_seq);
	juint(&j, "pid", h->sadb_msg_pid);
	mlen = (size_t)h->sadb_msg_len * 8;
	if (mlen > len)
		mlen = len;
	jbegin(&j, "extensions", '[');
	for (off = sizeof(*h); off + sizeof(struct sadb_ext) <= mlen; ) {
		const struct sadb_ext *e = (const void *)(p + off);
		size_t elen = (size_t)e->sadb_ext_len * 8;

		if (!elen || elen > mlen - off)
			break;
		jext(&j, e, elen);
		off += elen;
	}
	jend(&j, ']');
	jend(&j, '}');
	fputc('\n', out);
}
