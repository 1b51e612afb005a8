// SPDX-License-Identifier: GPL-2.0
/*
 * print_sa.c - an SA the way ipsec-tools' setkey -D prints it.
 *
 * Scripts parse this output, so the layout is pfkey_sadump()'s to the
 * byte, quirks included: the trailing blanks after the addresses and the
 * state, the two blanks between an algorithm and its key, the key in
 * groups of four bytes wrapped every 32, and the IPComp "C:" line that
 * runs into the "seq=" line.  What differs: algorithm and mode names
 * ipsec-tools did not know (aes-gcm-16, beet...) are printed by name, and
 * with nfipsec the replay window is the one of SADB_X_EXT_REPLAY.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include <linux/ipsec.h>
#include "nfipsec.h"

#include "addr.h"
#include "algs.h"
#include "print.h"

static const char *const satype_strs[] = {
	"unspec", "unknown", "ah", "esp", "unknown", "rsvp", "ospfv2",
	"ripv2", "mip", "ipcomp", "policy", "tcp",
};
static const char *const mode_strs[] = { "any", "transport", "tunnel", "beet" };
static const char *const state_strs[] = { "larval", "mature", "dying", "dead" };

/* GETMSGSTR: a name from the table followed by a blank, or the number. */
static void getmsgstr(FILE *out, const char *const *tab, size_t n, unsigned int v)
{
	if (v < n)
		fprintf(out, "%s ", tab[v]);
	else
		fprintf(out, "%u ", v);
}
#define GETMSGSTR(out, tab, v) getmsgstr(out, tab, sizeof(tab) / sizeof(tab[0]), v)

static void alg_str(FILE *out, enum alg_kind kind, unsigned int id)
{
	const char *name = id ? alg_name(kind, id) : "none";

	if (name)
		fprintf(out, "%s ", name);
	else
		fprintf(out, "%u ", id);
}

const char *str_time(time_t t, char buf[32])
{
	char tmp[32];

	if (t == 0) {
		memset(buf, ' ', 20);
	} else if (!ctime_r(&t, tmp)) {
		memset(buf, '?', 20);
	} else {
		memcpy(buf, tmp + 4, 20);
	}
	buf[20] = '\0';
	return buf;
}

void print_keyhex(FILE *out, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i && i % 32 == 0)
			fputc('\n', out);
		if (i % 4 == 0)
			fputc(' ', out);
		fprintf(out, "%02x", p[i]);
	}
}

static void print_key(FILE *out, const struct pfk_msg *m, unsigned int type)
{
	const struct sadb_key *k = m->ext[type];
	size_t bytes = (k->sadb_key_bits + 7) / 8;

	/* Never read past the extension, whatever sadb_key_bits claims. */
	if (bytes > m->extlen[type] - sizeof(*k))
		bytes = m->extlen[type] - sizeof(*k);
	print_keyhex(out, k + 1, bytes);
}

static void print_addr(FILE *out, const struct sockaddr *sa, bool withports)
{
	char host[64];

	sa_host(sa, host, sizeof(host));
	if (withports)
		fprintf(out, "%s[%u]", host, sa_port(sa));
	else
		fprintf(out, "%s", host);
}

static void lifetime_bytes(FILE *out, const struct sadb_lifetime *l, const char *what)
{
	fprintf(out, "\t%s: %" PRIu64 "(bytes)", what, l ? (uint64_t)l->sadb_lifetime_bytes : 0);
}

static void print_lifetimes(FILE *out, const struct pfk_msg *m, time_t now)
{
	const struct sadb_lifetime *c = m->ext[SADB_EXT_LIFETIME_CURRENT];
	const struct sadb_lifetime *h = m->ext[SADB_EXT_LIFETIME_HARD];
	const struct sadb_lifetime *s = m->ext[SADB_EXT_LIFETIME_SOFT];
	char t1[32], t2[32];

	if (!c || m->extlen[SADB_EXT_LIFETIME_CURRENT] < sizeof(*c))
		return;
	if (h && m->extlen[SADB_EXT_LIFETIME_HARD] < sizeof(*h))
		h = NULL;
	if (s && m->extlen[SADB_EXT_LIFETIME_SOFT] < sizeof(*s))
		s = NULL;
	fprintf(out, "\tcreated: %s\tcurrent: %s\n",
		str_time((time_t)c->sadb_lifetime_addtime, t1), str_time(now, t2));
	fprintf(out, "\tdiff: %lu(s)\thard: %lu(s)\tsoft: %lu(s)\n",
		/* Unsigned, as ipsec-tools computes it: no overflow on garbage. */
		(unsigned long)(c->sadb_lifetime_addtime ?
				(uint64_t)now - c->sadb_lifetime_addtime : 0),
		(unsigned long)(h ? h->sadb_lifetime_addtime : 0),
		(unsigned long)(s ? s->sadb_lifetime_addtime : 0));
	fprintf(out, "\tlast: %s\thard: %lu(s)\tsoft: %lu(s)\n",
		str_time((time_t)c->sadb_lifetime_usetime, t1),
		(unsigned long)(h ? h->sadb_lifetime_usetime : 0),
		(unsigned long)(s ? s->sadb_lifetime_usetime : 0));
	lifetime_bytes(out, c, "current");
	lifetime_bytes(out, h, "hard");
	lifetime_bytes(out, s, "soft");
	fputc('\n', out);
	fprintf(out, "\tallocated: %lu\thard: %lu\tsoft: %lu\n",
		(unsigned long)c->sadb_lifetime_allocations,
		(unsigned long)(h ? h->sadb_lifetime_allocations : 0),
		(unsigned long)(s ? s->sadb_lifetime_allocations : 0));
}

/* The context string, up to its NUL and never past the extension. */
static void print_ctx(FILE *out, const struct pfk_msg *m)
{
	const struct sadb_x_sec_ctx *c = m->ext[SADB_X_EXT_SEC_CTX];
	size_t room;

	if (!c || m->extlen[SADB_X_EXT_SEC_CTX] < sizeof(*c))
		return;
	room = m->extlen[SADB_X_EXT_SEC_CTX] - sizeof(*c);
	if (room > c->sadb_x_ctx_len)
		room = c->sadb_x_ctx_len;
	fprintf(out, "\tsecurity context doi: %u\n", c->sadb_x_ctx_doi);
	fprintf(out, "\tsecurity context algorithm: %u\n", c->sadb_x_ctx_alg);
	fprintf(out, "\tsecurity context length: %u\n", c->sadb_x_ctx_len);
	fprintf(out, "\tsecurity context: %.*s\n", (int)strnlen((const char *)(c + 1), room),
		(const char *)(c + 1));
}

void print_sa(FILE *out, const struct pfk_msg *m, const struct print_opts *o)
{
	const struct sadb_sa *sa = m->ext[SADB_EXT_SA];
	const struct sadb_x_sa2 *sa2 = m->ext[SADB_X_EXT_SA2];
	const struct sadb_x_nat_t_type *nt = m->ext[SADB_X_EXT_NAT_T_TYPE];
	const struct sadb_x_nat_t_port *nsp = m->ext[SADB_X_EXT_NAT_T_SPORT];
	const struct sadb_x_nat_t_port *ndp = m->ext[SADB_X_EXT_NAT_T_DPORT];
	const struct sadb_x_replay *rp = pfk_replay(m);
	const struct sockaddr *src = pfk_addr(m, SADB_EXT_ADDRESS_SRC);
	const struct sockaddr *dst = pfk_addr(m, SADB_EXT_ADDRESS_DST);
	uint8_t satype = m->hdr->sadb_msg_satype;
	bool natt = nt && nt->sadb_x_nat_t_type_type;

	if (!src) {
		fprintf(out, "no ADDRESS_SRC extension.\n");
		return;
	}
	print_addr(out, src, o->withports);
	if (natt && nsp)
		fprintf(out, "[%u]", ntohs(nsp->sadb_x_nat_t_port_port));
	fputc(' ', out);
	if (!dst) {
		fprintf(out, " no ADDRESS_DST extension.\n");
		return;
	}
	print_addr(out, dst, o->withports);
	if (natt && ndp)
		fprintf(out, "[%u]", ntohs(ndp->sadb_x_nat_t_port_port));
	fputc(' ', out);
	if (!sa || m->extlen[SADB_EXT_SA] < sizeof(*sa)) {
		fprintf(out, "no SA extension.\n");
		return;
	}
	if (!sa2 || m->extlen[SADB_X_EXT_SA2] < sizeof(*sa2)) {
		fprintf(out, "no SA2 extension.\n");
		return;
	}
	fprintf(out, "\n\t");
	if (natt && satype == SADB_SATYPE_ESP)
		fprintf(out, "esp-udp ");
	else if (natt)
		fprintf(out, "natt+");
	if (!natt || satype != SADB_SATYPE_ESP)
		GETMSGSTR(out, satype_strs, satype);
	fprintf(out, "mode=");
	GETMSGSTR(out, mode_strs, sa2->sadb_x_sa2_mode);
	fprintf(out, "spi=%u(0x%08x) reqid=%u(0x%08x)\n", ntohl(sa->sadb_sa_spi),
		ntohl(sa->sadb_sa_spi), sa2->sadb_x_sa2_reqid, sa2->sadb_x_sa2_reqid);
	if (natt && pfk_addr(m, SADB_X_EXT_NAT_T_OA)) {
		char host[64];

		sa_host(pfk_addr(m, SADB_X_EXT_NAT_T_OA), host, sizeof(host));
		fprintf(out, "\tNAT OA=%s\n", host);
	}

	if (satype == SADB_X_SATYPE_IPCOMP) {
		/* No newline: ipsec-tools runs this into the seq= line. */
		fprintf(out, "\tC: ");
		alg_str(out, ALG_COMP, sa->sadb_sa_encrypt);
	} else if (satype == SADB_SATYPE_ESP && m->ext[SADB_EXT_KEY_ENCRYPT] &&
		   m->extlen[SADB_EXT_KEY_ENCRYPT] >= sizeof(struct sadb_key)) {
		fprintf(out, "\tE: ");
		alg_str(out, ALG_ENC, sa->sadb_sa_encrypt);
		print_key(out, m, SADB_EXT_KEY_ENCRYPT);
		fputc('\n', out);
	}
	if (m->ext[SADB_EXT_KEY_AUTH] &&
	    m->extlen[SADB_EXT_KEY_AUTH] >= sizeof(struct sadb_key)) {
		fprintf(out, "\tA: ");
		alg_str(out, ALG_AUTH, sa->sadb_sa_auth);
		print_key(out, m, SADB_EXT_KEY_AUTH);
		fputc('\n', out);
	}

	fprintf(out, "\tseq=0x%08x replay=%u%s flags=0x%08x ", sa2->sadb_x_sa2_sequence,
		rp ? rp->sadb_x_replay_window : sa->sadb_sa_replay,
		rp && rp->sadb_x_replay_flags & SADB_X_REPLAY_F_ESN ? " esn" : "",
		sa->sadb_sa_flags);
	fprintf(out, "state=");
	GETMSGSTR(out, state_strs, sa->sadb_sa_state);
	fputc('\n', out);

	print_lifetimes(out, m, o->now);
	print_ctx(out, m);
	fprintf(out, "\tsadb_seq=%lu pid=%lu ", (unsigned long)m->hdr->sadb_msg_seq,
		(unsigned long)m->hdr->sadb_msg_pid);
	fprintf(out, "refcnt=%u\n", m->hdr->sadb_msg_reserved);
}

void print_sa_short_header(FILE *out)
{
	fprintf(out, "%-4s %-3s %-1s %-8s %-7s %s -> %s\n",
		"time", "p", "s", "spi", "ltime", "src", "dst");
}

static void short_addr(FILE *out, const struct pfk_msg *m, unsigned int type)
{
	static const char *const ipproto[] = {
		[0] = "ip", [1] = "icmp", [2] = "igmp", [3] = "ggp", [4] = "ip4",
		[6] = "tcp", [8] = "egp", [17] = "udp", [22] = "idp", [29] = "tp",
		[41] = "ip6", [43] = "rt6", [44] = "frag6", [46] = "rsvp",
		[47] = "gre", [50] = "esp", [51] = "ah", [58] = "icmp6",
		[59] = "none", [60] = "dst6",
	};
	const struct sadb_address *a = m->ext[type];
	const struct sockaddr *sa = pfk_addr(m, type);
	char host[64];
	unsigned int port;

	if (!sa) {
		fputc('?', out);
		return;
	}
	if (a->sadb_address_proto) {
		unsigned int pr = a->sadb_address_proto;

		if (pr < sizeof(ipproto) / sizeof(ipproto[0]) && ipproto[pr])
			fprintf(out, "%s ", ipproto[pr]);
		else
			fprintf(out, "#%u ", pr);
	}
	sa_host(sa, host, sizeof(host));
	port = sa_port(sa);
	if (port)
		fprintf(out, "%s[%u]", host, port);
	else
		fprintf(out, "%s", host);
}

void print_sa_short(FILE *out, const struct pfk_msg *m, time_t now)
{
	static const char *const sastate[] = { "L", "M", "D", "d" };
	const struct sadb_sa *sa = m->ext[SADB_EXT_SA];
	const struct sadb_lifetime *s = m->ext[SADB_EXT_LIFETIME_SOFT];
	const struct sadb_lifetime *h = m->ext[SADB_EXT_LIFETIME_HARD];
	const struct sadb_lifetime *c = m->ext[SADB_EXT_LIFETIME_CURRENT];
	uint8_t satype = m->hdr->sadb_msg_satype;
	unsigned long t;

	fprintf(out, "%02lu%02lu", (unsigned long)(now % 3600) / 60,
		(unsigned long)(now % 60));
	if (satype == SADB_SATYPE_AH || satype == SADB_SATYPE_ESP)
		fprintf(out, " %-3s", satype == SADB_SATYPE_AH ? "ah" : "esp");
	else
		fprintf(out, " #%-2u", satype);
	if (sa) {
		if (sa->sadb_sa_state < 4)
			fprintf(out, " %-1s", sastate[sa->sadb_sa_state]);
		else
			fprintf(out, " #%u", sa->sadb_sa_state);
		fprintf(out, " %08x", ntohl(sa->sadb_sa_spi));
	} else {
		fprintf(out, "%-1s %-8s", "?", "?");
	}
	if (s && h && c) {
		t = c->sadb_lifetime_addtime ?
		    (unsigned long)((uint64_t)now - c->sadb_lifetime_addtime) : 0;
		if (t >= 1000)
			fprintf(out, " big/");
		else
			fprintf(out, " %3lu/", t);
		t = (unsigned long)h->sadb_lifetime_addtime;
		if (t >= 1000)
			fprintf(out, "big");
		else
			fprintf(out, "%-3lu", t);
	} else {
		fprintf(out, " ??\?/???");	/* no trigraph */
	}
	fputc(' ', out);
	short_addr(out, m, SADB_EXT_ADDRESS_SRC);
	fprintf(out, " -> ");
	short_addr(out, m, SADB_EXT_ADDRESS_DST);
	fputc('\n', out);
}
