// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c - the KAME policy extension (sadb_x_policy followed by
 * sadb_x_ipsecrequest records) in both directions: from a parsed policy
 * to bytes, and from bytes to the text setkey -DP prints.
 *
 * Layout (Linux <linux/pfkeyv2.h>): each request is a 16-byte header with
 * its length in bytes (not 64-bit words) and, in tunnel mode, the source
 * then the destination sockaddr right after it.  sockaddr_in (16 bytes)
 * and sockaddr_in6 (28) pairs keep every request a multiple of 8 bytes,
 * so no padding is ever needed between them.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>
#include <linux/ipsec.h>
#include <linux/pfkeyv2.h>

#include "policy.h"

int policy_priority_from_offset(int sign, uint64_t v, uint32_t *out)
{
	/* libipsec: "prio N" is N above the default, i.e. 2^31 - N. */
	int64_t p;

	if (v > 0x80000000ULL)
		return -1;
	p = (int64_t)PRIORITY_DEFAULT - sign * (int64_t)v;
	if (p < 0 || p > 0xffffffffLL)
		return -1;
	*out = (uint32_t)p;
	return 0;
}

void policy_priority_str(uint32_t prio, char *buf, size_t size)
{
	int64_t off;
	const char *base;

	if (prio == 0) {
		buf[0] = '\0';
		return;
	}
	/* Nearest base, with ipsec-tools' boundaries at 3/4 and 5/4 of def. */
	if (prio < PRIORITY_DEFAULT / 4 * 3) {
		off = (int64_t)prio - PRIORITY_HIGH;
		base = "prio high";
	} else if (prio < PRIORITY_DEFAULT / 4 * 5) {
		off = (int64_t)prio - PRIORITY_DEFAULT;
		base = "prio def";
	} else {
		off = (int64_t)prio - PRIORITY_LOW;
		base = "prio low";
	}
	/* A smaller value is a higher priority: print it as "+". */
	if (off == 0)
		snprintf(buf, size, "%s", base);
	else
		snprintf(buf, size, "%s %c %lld", base, off < 0 ? '+' : '-',
			 (long long)(off < 0 ? -off : off));
}

void policy_encode(struct msgbuf *mb, const struct policy *pol,
		   const struct req_addrs *ra, bool fwd_twin)
{
	size_t start = mb->len, i;
	struct sadb_x_policy xpl;
	struct sadb_x_policy *out;

	memset(&xpl, 0, sizeof(xpl));
	xpl.sadb_x_policy_exttype = SADB_X_EXT_POLICY;
	xpl.sadb_x_policy_type = pol->type;
	xpl.sadb_x_policy_dir = fwd_twin ? IPSEC_DIR_FWD : pol->dir;
	xpl.sadb_x_policy_priority = pol->priority;
	mb_raw(mb, &xpl, sizeof(xpl));

	for (i = 0; i < pol->nreqs; i++) {
		const struct ipsec_req *r = &pol->reqs[i];
		struct sadb_x_ipsecrequest q;
		size_t alen = 0;

		if (r->has_addrs)
			alen = sockaddr_len(ra[i].src.ss_family) +
			       sockaddr_len(ra[i].dst.ss_family);
		memset(&q, 0, sizeof(q));
		q.sadb_x_ipsecrequest_len = (uint16_t)(sizeof(q) + alen);
		q.sadb_x_ipsecrequest_proto = r->proto;
		q.sadb_x_ipsecrequest_mode = r->mode;
		q.sadb_x_ipsecrequest_level = r->level;
		q.sadb_x_ipsecrequest_reqid = r->reqid;
		/*
		 * A forwarded packet was not sent by this host, so no unique
		 * outbound SA can be bound to it: ipsec-tools downgrades the
		 * first request of the fwd copy; we do it for every request.
		 */
		if (fwd_twin && q.sadb_x_ipsecrequest_level == IPSEC_LEVEL_UNIQUE) {
			q.sadb_x_ipsecrequest_level = IPSEC_LEVEL_REQUIRE;
			q.sadb_x_ipsecrequest_reqid = 0;
		}
		mb_raw(mb, &q, sizeof(q));
		if (r->has_addrs) {
			mb_raw(mb, &ra[i].src, sockaddr_len(ra[i].src.ss_family));
			mb_raw(mb, &ra[i].dst, sockaddr_len(ra[i].dst.ss_family));
		}
	}
	/* Requests keep 8-byte alignment (see above); pad defensively. */
	while ((mb->len - start) % 8) {
		static const uint8_t zero;

		mb_raw(mb, &zero, 1);
	}
	out = (struct sadb_x_policy *)(mb->buf + start);
	out->sadb_x_policy_len = PFK_UNITS(mb->len - start);
}

static const char *const dir_strs[] = {
	"any", "in", "out", "fwd", "in(socket)", "out(socket)", "fwd(socket)",
};
static const char *const type_strs[] = {
	"discard", "none", "ipsec", "entrust", "bypass",
};

static int format_addr(const void *p, size_t max, bool withports,
		       char *buf, size_t size)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	struct sockaddr_storage ss;
	const struct sockaddr *sa = (const void *)&ss;
	size_t len;

	/* Inside a request it need not be aligned: copy it out. */
	if (max < sizeof(sa->sa_family))
		return -1;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, p, max < sizeof(ss) ? max : sizeof(ss));
	len = sockaddr_len(sa->sa_family);
	if (!len || len > max ||
	    getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV))
		return -1;
	if (withports)
		snprintf(buf, size, "%s[%s]", host, serv);
	else
		snprintf(buf, size, "%s", host);
	return 0;
}

static int format_request(const uint8_t *at, size_t room, bool withports,
			  char *buf, size_t size)
{
	struct sadb_x_ipsecrequest qq, *q = &qq;
	const char *proto, *mode, *level;
	char a1[NI_MAXHOST + NI_MAXSERV + 3], a2[sizeof(a1)], addrs[2 * sizeof(a1) + 2];

	memcpy(&qq, at, sizeof(qq));	/* requests need not be aligned */

	switch (q->sadb_x_ipsecrequest_proto) {
	case IPPROTO_ESP: proto = "esp"; break;
	case IPPROTO_AH: proto = "ah"; break;
	case IPPROTO_COMP: proto = "ipcomp"; break;
	default: snprintf(buf, size, "invalid request protocol %u",
			  q->sadb_x_ipsecrequest_proto);
		return -1;
	}
	switch (q->sadb_x_ipsecrequest_mode) {
	case IPSEC_MODE_ANY: mode = "any"; break;
	case IPSEC_MODE_TRANSPORT: mode = "transport"; break;
	case IPSEC_MODE_TUNNEL: mode = "tunnel"; break;
	case IPSEC_MODE_BEET: mode = "beet"; break;
	default: snprintf(buf, size, "invalid request mode %u",
			  q->sadb_x_ipsecrequest_mode);
		return -1;
	}
	switch (q->sadb_x_ipsecrequest_level) {
	case IPSEC_LEVEL_DEFAULT: level = "default"; break;
	case IPSEC_LEVEL_USE: level = "use"; break;
	case IPSEC_LEVEL_REQUIRE: level = "require"; break;
	case IPSEC_LEVEL_UNIQUE: level = "unique"; break;
	default: snprintf(buf, size, "invalid request level %u",
			  q->sadb_x_ipsecrequest_level);
		return -1;
	}
	addrs[0] = '\0';
	if (q->sadb_x_ipsecrequest_len > sizeof(*q)) {
		const uint8_t *s1 = at + sizeof(*q);
		size_t l1, avail = q->sadb_x_ipsecrequest_len - sizeof(*q);
		sa_family_t f1, f2 = 0;

		memcpy(&f1, s1, sizeof(f1));
		l1 = sockaddr_len(f1);
		if (l1 + sizeof(f2) <= avail)
			memcpy(&f2, s1 + l1, sizeof(f2));
		if (!l1 || l1 + sizeof(f2) > avail ||
		    sizeof(*q) + l1 + sockaddr_len(f2) != q->sadb_x_ipsecrequest_len ||
		    format_addr(s1, avail, withports, a1, sizeof(a1)) ||
		    format_addr(s1 + l1, avail - l1, withports, a2, sizeof(a2))) {
			snprintf(buf, size, "invalid request addresses");
			return -1;
		}
		snprintf(addrs, sizeof(addrs), "%s-%s", a1, a2);
	}
	(void)room;
	if (q->sadb_x_ipsecrequest_reqid == 0)
		snprintf(buf, size, "%s/%s/%s/%s", proto, mode, addrs, level);
	else
		snprintf(buf, size, "%s/%s/%s/%s%c%u", proto, mode, addrs, level,
			 q->sadb_x_ipsecrequest_reqid > IPSEC_MANUAL_REQID_MAX ? '#' : ':',
			 q->sadb_x_ipsecrequest_reqid);
	return 0;
}

int policy_format(const void *ext, size_t len, const char *delim,
		  bool withports, char *buf, size_t size)
{
	const struct sadb_x_policy *xpl = ext;
	char prio[64], req[2 * (NI_MAXHOST + NI_MAXSERV) + 64];
	size_t off, n;

	if (len < sizeof(*xpl)) {
		snprintf(buf, size, "policy extension too short");
		return -1;
	}
	if (xpl->sadb_x_policy_dir >= sizeof(dir_strs) / sizeof(dir_strs[0])) {
		snprintf(buf, size, "invalid direction %u", xpl->sadb_x_policy_dir);
		return -1;
	}
	if (xpl->sadb_x_policy_type >= sizeof(type_strs) / sizeof(type_strs[0])) {
		snprintf(buf, size, "invalid policy type %u", xpl->sadb_x_policy_type);
		return -1;
	}
	policy_priority_str(xpl->sadb_x_policy_priority, prio, sizeof(prio));
	n = snprintf(buf, size, "%s%s%s %s", dir_strs[xpl->sadb_x_policy_dir],
		     prio[0] ? " " : "", prio, type_strs[xpl->sadb_x_policy_type]);
	if (xpl->sadb_x_policy_type != IPSEC_POLICY_IPSEC)
		return 0;

	for (off = sizeof(*xpl); off < len && n < size; ) {
		const uint8_t *at = (const uint8_t *)ext + off;
		uint16_t qlen = 0;

		if (len - off >= sizeof(qlen))
			memcpy(&qlen, at, sizeof(qlen));
		if (len - off < sizeof(struct sadb_x_ipsecrequest) ||
		    qlen < sizeof(struct sadb_x_ipsecrequest) || qlen > len - off) {
			/* Trailing zero padding after the last request is fine. */
			if (len - off < 8 && !qlen)
				break;
			snprintf(buf, size, "invalid request length");
			return -1;
		}
		if (format_request(at, len - off, withports, req, sizeof(req))) {
			snprintf(buf, size, "%s", req);
			return -1;
		}
		n += snprintf(buf + n, size - n, "%s%s", delim, req);
		off += qlen;
	}
	return 0;
}
