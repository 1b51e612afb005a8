// SPDX-License-Identifier: GPL-2.0
/*
 * print_sp.c - a policy the way ipsec-tools' setkey -DP prints it
 * (pfkey_spdump() and ipsec_dump_policy(), libipsec).
 *
 *   10.0.11.41[21] 10.0.11.33[any] 255
 *           out prio def ipsec
 *           esp/tunnel/192.168.0.1-192.168.1.2/require
 *           created: ...  lastused: ...
 *           lifetime: 0(s) validtime: 0(s)
 *           spid=1 seq=0 pid=1234
 *           refcnt=1
 *
 * The upper-layer protocol is printed by its /etc/protocols name, so
 * "any" (255, which has none) shows as 255, as with ipsec-tools.
 * Per-socket policies are recognised by their direction (4 and up, which
 * is how af_key numbers them), not by ipsec-tools' "id % 8 >= 3", which
 * is true only of xfrm's policy numbering.
 */
#include <netinet/in.h>
#include <string.h>

#include "addr.h"
#include "policy.h"
#include "print.h"

#ifndef IPPROTO_MH
#define IPPROTO_MH 135
#endif

/* Ports mean type/code or a GRE key for these: no [port] after them. */
static bool portless(unsigned int ulp)
{
	return ulp == IPPROTO_ICMP || ulp == IPPROTO_ICMPV6 || ulp == IPPROTO_MH ||
	       ulp == IPPROTO_GRE;
}

static void print_range(FILE *out, const struct sockaddr *sa, unsigned int prefix,
			unsigned int ulp)
{
	char host[64];
	unsigned int port = sa_port(sa);

	sa_host(sa, host, sizeof(host));
	fprintf(out, "%s", host);
	if ((int)prefix != sa_bits(sa->sa_family))
		fprintf(out, "/%u", prefix);
	if (!portless(ulp)) {
		if (port == 0)
			fprintf(out, "[any]");
		else
			fprintf(out, "[%u]", port);
	}
	fputc(' ', out);
}

static void print_upperspec(FILE *out, unsigned int ulp, unsigned int p1,
			    unsigned int p2)
{
	const char *name = upper_proto_name(ulp);

	if (name)
		fprintf(out, "%s", name);
	else
		fprintf(out, "%u", ulp);
	if (p1 == 0 && p2 == 0)
		return;
	if (ulp == IPPROTO_ICMP || ulp == IPPROTO_ICMPV6 || ulp == IPPROTO_MH)
		fprintf(out, " %u,%u", p1, p2);
	else if (ulp == IPPROTO_GRE)
		fprintf(out, " %u", (p1 << 16) + p2);
}

void print_sp(FILE *out, const struct pfk_msg *m, const struct print_opts *o)
{
	const struct sadb_x_policy *xpl = m->ext[SADB_X_EXT_POLICY];
	const struct sadb_address *sadr = m->ext[SADB_EXT_ADDRESS_SRC];
	const struct sadb_address *dadr = m->ext[SADB_EXT_ADDRESS_DST];
	const struct sockaddr *src = pfk_addr(m, SADB_EXT_ADDRESS_SRC);
	const struct sockaddr *dst = pfk_addr(m, SADB_EXT_ADDRESS_DST);
	const struct sadb_lifetime *c = m->ext[SADB_EXT_LIFETIME_CURRENT];
	const struct sadb_lifetime *h = m->ext[SADB_EXT_LIFETIME_HARD];
	const struct sadb_x_sec_ctx *ctx = m->ext[SADB_X_EXT_SEC_CTX];
	char pol[8192], t1[32], t2[32];

	if (!xpl || m->extlen[SADB_X_EXT_POLICY] < sizeof(*xpl)) {
		fprintf(out, "no X_POLICY extension.\n");
		return;
	}
	if (xpl->sadb_x_policy_dir >= 4) {
		fprintf(out, "(per-socket policy) ");
	} else if (src && dst) {
		print_range(out, src, sadr->sadb_address_prefixlen, sadr->sadb_address_proto);
		/* ipsec-tools takes the protocol of the source for both. */
		print_range(out, dst, dadr->sadb_address_prefixlen, sadr->sadb_address_proto);
		if (sadr->sadb_address_proto != dadr->sadb_address_proto) {
			fprintf(out, "upper layer protocol mismatched.\n");
			return;
		}
		print_upperspec(out, sadr->sadb_address_proto, sa_port(src), sa_port(dst));
	} else {
		fprintf(out, "(no selector, probably per-socket policy) ");
	}

	if (policy_format(xpl, m->extlen[SADB_X_EXT_POLICY], "\n\t", o->withports,
			  pol, sizeof(pol)))
		fprintf(out, "\n\tPolicy:[%s]\n", pol);
	else
		fprintf(out, "\n\t%s\n", pol);

	if (c && m->extlen[SADB_EXT_LIFETIME_CURRENT] >= sizeof(*c)) {
		fprintf(out, "\tcreated: %s  ", str_time((time_t)c->sadb_lifetime_addtime, t1));
		fprintf(out, "lastused: %s\n", str_time((time_t)c->sadb_lifetime_usetime, t2));
	}
	if (h && m->extlen[SADB_EXT_LIFETIME_HARD] >= sizeof(*h)) {
		fprintf(out, "\tlifetime: %lu(s) ", (unsigned long)h->sadb_lifetime_addtime);
		fprintf(out, "validtime: %lu(s)\n", (unsigned long)h->sadb_lifetime_usetime);
	}
	if (ctx && m->extlen[SADB_X_EXT_SEC_CTX] >= sizeof(*ctx)) {
		size_t room = m->extlen[SADB_X_EXT_SEC_CTX] - sizeof(*ctx);

		fprintf(out, "\tsecurity context doi: %u\n", ctx->sadb_x_ctx_doi);
		fprintf(out, "\tsecurity context algorithm: %u\n", ctx->sadb_x_ctx_alg);
		fprintf(out, "\tsecurity context length: %u\n", ctx->sadb_x_ctx_len);
		fprintf(out, "\tsecurity context: %.*s\n",
			(int)strnlen((const char *)(ctx + 1), room), (const char *)(ctx + 1));
	}
	fprintf(out, "\tspid=%ld seq=%ld pid=%ld\n", (long)xpl->sadb_x_policy_id,
		(long)m->hdr->sadb_msg_seq, (long)m->hdr->sadb_msg_pid);
	fprintf(out, "\trefcnt=%u\n", m->hdr->sadb_msg_reserved);
}
