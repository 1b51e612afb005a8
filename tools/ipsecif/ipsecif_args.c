// SPDX-License-Identifier: GPL-2.0
/*
 * ipsecif_args.c - ipsecif(8)'s command line, the kernel's replies and the
 * show format: everything that needs no socket.
 *
 * The replies are read as untrusted bytes.  Every attribute walk is bounded
 * by the attribute or message it is in; a length that does not fit, an
 * attribute shorter than its own header (whose zero length would loop for
 * ever) and an address of a size no family has are errors, reported with a
 * sentence rather than guessed around.  Headers are copied out with memcpy,
 * so a buffer need not be aligned.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "nfipsec.h"

#include "ipsecif_args.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static bool is(const char *a, const char *b)
{
	return !strcmp(a, b);
}

/* dev_valid_name() of net/core/dev.c. */
bool ipsecif_valid_name(const char *name)
{
	size_t n = strnlen(name, IFNAMSIZ);

	if (!n || n >= IFNAMSIZ || is(name, ".") || is(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' || isspace((unsigned char)*name))
			return false;
	return true;
}

int ipsecif_parse_reqid(const char *s, uint32_t *reqid)
{
	uint32_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > NFIPSEC_IF_REQID_MAX)
			return -1;
	}
	if (!v)
		return -1;
	*reqid = v;
	return 0;
}

/* A numeric address into @out: its family, or 0. */
static int parse_addr(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET, s, out) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, out) == 1)
		return AF_INET6;
	return 0;
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

static int parse_tunnel(const char *src, const char *dst, struct ipsecif_tun *t,
			char *err, size_t errlen)
{
	int fs = parse_addr(src, t->local), fd = parse_addr(dst, t->remote);

	if (!fs || !fd) {
		snprintf(err, errlen, "tunnel: '%s' is not a numeric IPv4 or IPv6 address",
			 fs ? dst : src);
		return -1;
	}
	if (fs != fd) {
		snprintf(err, errlen, "tunnel: SRC and DST must be of one family "
			 "(%s is %s, %s is %s)", src, family_name(fs), dst, family_name(fd));
		return -1;
	}
	t->family = fs;
	return 0;
}

int ipsecif_parse_args(int argc, char *const argv[], struct ipsecif_args *a,
		       char *err, size_t errlen)
{
	int i = 2;

	memset(a, 0, sizeof(*a));
	if (argc < 2) {
		a->cmd = IPSECIF_SHOW_ALL;
		return 0;
	}
	if (is(argv[1], "-h") || is(argv[1], "--help")) {
		if (argc > 2) {
			snprintf(err, errlen, "%s takes no arguments", argv[1]);
			return -1;
		}
		a->cmd = IPSECIF_HELP;
		return 0;
	}
	if (argv[1][0] == '-') {
		snprintf(err, errlen, "unknown option '%s'", argv[1]);
		return -1;
	}
	if (!ipsecif_valid_name(argv[1])) {
		snprintf(err, errlen, "'%s' is not a valid interface name", argv[1]);
		return -1;
	}
	a->name = argv[1];
	if (argc == 2) {
		a->cmd = IPSECIF_SHOW;
		return 0;
	}
	if (is(argv[2], "destroy")) {
		if (argc > 3) {
			snprintf(err, errlen, "nothing may follow destroy ('%s')", argv[3]);
			return -1;
		}
		a->cmd = IPSECIF_DESTROY;
		return 0;
	}
	a->cmd = IPSECIF_CHANGE;
	if (is(argv[2], "create")) {
		a->cmd = IPSECIF_CREATE;
		i = 3;
	}
	while (i < argc) {
		const char *w = argv[i++];

		if (is(w, "reqid")) {
			if (a->has_reqid) {
				snprintf(err, errlen, "reqid given twice");
				return -1;
			}
			if (i >= argc) {
				snprintf(err, errlen, "reqid needs a number");
				return -1;
			}
			if (ipsecif_parse_reqid(argv[i], &a->reqid)) {
				snprintf(err, errlen, "reqid must be a decimal number from 1 to %d, "
					 "not '%s'", NFIPSEC_IF_REQID_MAX, argv[i]);
				return -1;
			}
			a->has_reqid = true;
			i++;
		} else if (is(w, "tunnel") || is(w, "-tunnel")) {
			if (a->tunnel != IPSECIF_TUN_KEEP) {
				snprintf(err, errlen, "tunnel given twice");
				return -1;
			}
			if (is(w, "-tunnel")) {
				if (a->cmd == IPSECIF_CREATE) {
					snprintf(err, errlen, "-tunnel with create: a new interface "
						 "has no tunnel to remove");
					return -1;
				}
				a->tunnel = IPSECIF_TUN_CLEAR;
				continue;
			}
			if (argc - i < 2) {
				snprintf(err, errlen, "tunnel needs SRC and DST");
				return -1;
			}
			if (parse_tunnel(argv[i], argv[i + 1], &a->tun, err, errlen))
				return -1;
			a->tunnel = IPSECIF_TUN_SET;
			i += 2;
		} else {
			snprintf(err, errlen, is(w, "create") || is(w, "destroy") ?
				 "%s must come right after NAME" : "unknown word '%s'", w);
			return -1;
		}
	}
	return 0;
}

/* A walk over the attributes in @rem bytes at @p. */
struct nla_walk {
	const uint8_t *p;
	size_t rem;
};

/*
 * The next attribute: 1 with its type (flags masked off) and payload, 0 at
 * the end, -1 when what is left is not an attribute.  An attribute's
 * padding may be missing at the very end.
 */
static int nla_next(struct nla_walk *w, uint16_t *type, const uint8_t **pl, size_t *plen,
		    const char **why)
{
	struct nlattr nla;
	size_t step;

	if (!w->rem)
		return 0;
	if (w->rem < NLA_HDRLEN) {
		*why = "bytes left after the last attribute";
		return -1;
	}
	memcpy(&nla, w->p, sizeof(nla));
	if (nla.nla_len < NLA_HDRLEN) {
		*why = "an attribute shorter than its header";
		return -1;
	}
	if (nla.nla_len > w->rem) {
		*why = "an attribute runs past the end of what holds it";
		return -1;
	}
	*type = nla.nla_type & NLA_TYPE_MASK;
	*pl = w->p + NLA_HDRLEN;
	*plen = nla.nla_len - NLA_HDRLEN;
	step = NLA_ALIGN(nla.nla_len);
	if (step >= w->rem) {
		w->rem = 0;
	} else {
		w->p += step;
		w->rem -= step;
	}
	return 1;
}

/* The netlink header of @msg, checked against @len. */
static int msg_header(const void *msg, size_t len, struct nlmsghdr *h, const char **why)
{
	if (len < NLMSG_HDRLEN) {
		*why = "shorter than a netlink header";
		return -1;
	}
	memcpy(h, msg, sizeof(*h));
	if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len) {
		*why = "the netlink header's length does not fit the bytes received";
		return -1;
	}
	return 0;
}

static int parse_data(const uint8_t *p, size_t n, struct ipsecif_link *l, const char **why)
{
	struct nla_walk w = { p, n };
	const uint8_t *pl, *addr[2] = { NULL, NULL };
	size_t plen, alen[2] = { 0, 0 };
	uint16_t type;
	int r;

	while ((r = nla_next(&w, &type, &pl, &plen, why)) > 0) {
		switch (type) {
		case IFLA_NFIPSEC_REQID:
			if (plen != 4) {
				*why = "IFLA_NFIPSEC_REQID is not 4 bytes";
				return -1;
			}
			memcpy(&l->reqid, pl, 4);
			l->has_reqid = true;
			break;
		case IFLA_NFIPSEC_LOCAL:
		case IFLA_NFIPSEC_REMOTE:
			if (plen != 0 && plen != 4 && plen != 16) {
				*why = type == IFLA_NFIPSEC_LOCAL ?
					"IFLA_NFIPSEC_LOCAL is neither 0, 4 nor 16 bytes" :
					"IFLA_NFIPSEC_REMOTE is neither 0, 4 nor 16 bytes";
				return -1;
			}
			addr[type - IFLA_NFIPSEC_LOCAL] = pl;
			alen[type - IFLA_NFIPSEC_LOCAL] = plen;
			break;
		default:	/* a newer kernel's: not ours to judge */
			break;
		}
	}
	if (r < 0)
		return -1;
	if (!addr[0] != !addr[1]) {
		*why = "only one of IFLA_NFIPSEC_LOCAL and IFLA_NFIPSEC_REMOTE";
		return -1;
	}
	if (alen[0] != alen[1]) {
		*why = "IFLA_NFIPSEC_LOCAL and IFLA_NFIPSEC_REMOTE of different sizes";
		return -1;
	}
	if (alen[0]) {
		l->tun.family = alen[0] == 4 ? AF_INET : AF_INET6;
		memcpy(l->tun.local, addr[0], alen[0]);
		memcpy(l->tun.remote, addr[1], alen[1]);
	}
	return 0;
}

static int parse_linkinfo(const uint8_t *p, size_t n, struct ipsecif_link *l, const char **why)
{
	static const char kind[] = NFIPSEC_IF_KIND;
	struct nla_walk w = { p, n };
	const uint8_t *pl, *data = NULL;
	size_t plen, dlen = 0;
	uint16_t type;
	int r;

	while ((r = nla_next(&w, &type, &pl, &plen, why)) > 0) {
		if (type == IFLA_INFO_KIND)
			l->is_ipsec = strnlen((const char *)pl, plen) == sizeof(kind) - 1 &&
				      !memcmp(pl, kind, sizeof(kind) - 1);
		if (type == IFLA_INFO_DATA) {
			data = pl;
			dlen = plen;
		}
	}
	if (r < 0)
		return -1;
	if (l->is_ipsec && data)
		return parse_data(data, dlen, l, why);
	return 0;
}

int ipsecif_parse_link(const void *msg, size_t len, struct ipsecif_link *l, const char **why)
{
	const size_t off = NLMSG_SPACE(sizeof(struct ifinfomsg));
	struct rtnl_link_stats64 st;
	const uint8_t *pl, *info = NULL;
	size_t plen, ilen = 0, n;
	struct ifinfomsg ifi;
	struct nla_walk w;
	struct nlmsghdr h;
	uint16_t type;
	int r;

	memset(l, 0, sizeof(*l));
	if (msg_header(msg, len, &h, why))
		return -1;
	if (h.nlmsg_type != RTM_NEWLINK) {
		*why = "not an RTM_NEWLINK message";
		return -1;
	}
	if (h.nlmsg_len < off) {
		*why = "cut short before the end of its struct ifinfomsg";
		return -1;
	}
	memcpy(&ifi, (const uint8_t *)msg + NLMSG_HDRLEN, sizeof(ifi));
	l->index = ifi.ifi_index;
	l->flags = ifi.ifi_flags;

	w.p = (const uint8_t *)msg + off;
	w.rem = h.nlmsg_len - off;
	while ((r = nla_next(&w, &type, &pl, &plen, why)) > 0) {
		switch (type) {
		case IFLA_IFNAME:
			n = strnlen((const char *)pl, plen);
			if (!n || n >= IFNAMSIZ) {
				*why = "IFLA_IFNAME is empty or longer than IFNAMSIZ";
				return -1;
			}
			memcpy(l->name, pl, n);
			l->name[n] = '\0';
			break;
		case IFLA_MTU:
			if (plen != 4) {
				*why = "IFLA_MTU is not 4 bytes";
				return -1;
			}
			memcpy(&l->mtu, pl, 4);
			break;
		case IFLA_STATS64:
			/* The struct has grown over time; its first 8 counters never moved. */
			if (plen < sizeof(l->stats)) {
				*why = "IFLA_STATS64 is too short";
				return -1;
			}
			memset(&st, 0, sizeof(st));
			memcpy(&st, pl, plen < sizeof(st) ? plen : sizeof(st));
			l->stats = (struct ipsecif_stats) {
				.rx_packets = st.rx_packets, .tx_packets = st.tx_packets,
				.rx_bytes = st.rx_bytes, .tx_bytes = st.tx_bytes,
				.rx_errors = st.rx_errors, .tx_errors = st.tx_errors,
				.rx_dropped = st.rx_dropped, .tx_dropped = st.tx_dropped,
			};
			break;
		case IFLA_LINKINFO:
			info = pl;
			ilen = plen;
			break;
		}
	}
	if (r < 0)
		return -1;
	if (!l->name[0]) {
		*why = "no IFLA_IFNAME";
		return -1;
	}
	return info ? parse_linkinfo(info, ilen, l, why) : 0;
}

/*
 * The extended ack (NLM_F_ACK_TLVS) follows the fixed part of the payload
 * at @off; a forged offset or a broken attribute there only loses the
 * message, as the errno itself has already been read.
 */
static void ext_ack(const uint8_t *payload, size_t plen, size_t off,
		    const char **ext, size_t *ext_len)
{
	struct nla_walk w;
	const uint8_t *pl;
	const char *why;
	uint16_t type;
	size_t n;

	if (off > plen)
		return;
	w.p = payload + off;
	w.rem = plen - off;
	while (nla_next(&w, &type, &pl, &n, &why) > 0) {
		if (type == NLMSGERR_ATTR_MSG && n) {
			*ext = (const char *)pl;
			*ext_len = strnlen(*ext, n);
		}
	}
}

int ipsecif_parse_status(const void *msg, size_t len, int *error, const char **ext,
			 size_t *ext_len, const char **why)
{
	const uint8_t *payload = (const uint8_t *)msg + NLMSG_HDRLEN;
	struct nlmsghdr h;
	struct nlmsgerr e;
	size_t plen, off;
	int code = 0;

	*error = 0;
	*ext = NULL;
	*ext_len = 0;
	if (msg_header(msg, len, &h, why))
		return -1;
	plen = h.nlmsg_len - NLMSG_HDRLEN;
	if (h.nlmsg_type == NLMSG_ERROR) {
		if (plen < sizeof(e)) {
			*why = "NLMSG_ERROR cut short";
			return -1;
		}
		memcpy(&e, payload, sizeof(e));
		code = e.error;
		/*
		 * The request is echoed whole unless capped (always for an
		 * ack); a length beyond the message only loses the ext ack.
		 */
		off = sizeof(e);
		if (!(h.nlmsg_flags & NLM_F_CAPPED) && e.msg.nlmsg_len > NLMSG_HDRLEN)
			off += e.msg.nlmsg_len < plen ? e.msg.nlmsg_len - NLMSG_HDRLEN : plen;
	} else if (h.nlmsg_type == NLMSG_DONE) {
		/* A dump's error, if any, is the int of its NLMSG_DONE. */
		if (plen >= sizeof(code))
			memcpy(&code, payload, sizeof(code));
		off = sizeof(code);
	} else {
		*why = "neither NLMSG_ERROR nor NLMSG_DONE";
		return -1;
	}
	if (code > 0 || code < -4095) {
		*why = "an error code that is no errno";
		return -1;
	}
	*error = -code;
	if (h.nlmsg_flags & NLM_F_ACK_TLVS)
		ext_ack(payload, plen, NLMSG_ALIGN(off), ext, ext_len);
	return 0;
}

void ipsecif_print(FILE *f, const struct ipsecif_link *l)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} flags[] = {
		{ IFF_UP, "UP" },
		{ IFF_RUNNING, "RUNNING" },
		{ IFF_POINTOPOINT, "POINTOPOINT" },
		{ IFF_NOARP, "NOARP" },
	};
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	const char *sep = "";
	size_t i;

	fprintf(f, "%s: flags=", l->name);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		if (l->flags & flags[i].bit) {
			fprintf(f, "%s%s", sep, flags[i].name);
			sep = ",";
		}
	}
	fprintf(f, "%s mtu %" PRIu32 "\n", *sep ? "" : "none", l->mtu);
	if (l->has_reqid)
		fprintf(f, "\treqid %" PRIu32 "\n", l->reqid);
	else
		fprintf(f, "\treqid none\n");
	if (l->tun.family == AF_INET || l->tun.family == AF_INET6)
		fprintf(f, "\ttunnel %s %s --> %s\n", l->tun.family == AF_INET ? "inet" : "inet6",
			inet_ntop(l->tun.family, l->tun.local, a, sizeof(a)),
			inet_ntop(l->tun.family, l->tun.remote, b, sizeof(b)));
	else
		fprintf(f, "\ttunnel none\n");
	fprintf(f, "\tRX packets %" PRIu64 " bytes %" PRIu64 " errors %" PRIu64
		" dropped %" PRIu64 "\n", l->stats.rx_packets, l->stats.rx_bytes,
		l->stats.rx_errors, l->stats.rx_dropped);
	fprintf(f, "\tTX packets %" PRIu64 " bytes %" PRIu64 " errors %" PRIu64
		" dropped %" PRIu64 "\n", l->stats.tx_packets, l->stats.tx_bytes,
		l->stats.tx_errors, l->stats.tx_dropped);
}
