// SPDX-License-Identifier: GPL-2.0
/*
 * ipsecif - create, configure, show and destroy if_ipsec interfaces.
 *
 *   ipsecif                          show every ipsec interface of the namespace
 *   ipsecif NAME                     show one
 *   ipsecif NAME create [reqid N] [tunnel SRC DST]
 *   ipsecif NAME [reqid N] [tunnel SRC DST | -tunnel]    change an existing one
 *   ipsecif NAME destroy
 *
 * FreeBSD's "ifconfig ipsec0 create reqid 100" and "ifconfig ipsec0 inet
 * tunnel A B" (if_ipsec(4)), in rtnetlink: the link kind NFIPSEC_IF_KIND
 * with IFLA_NFIPSEC_* in IFLA_INFO_DATA (uapi/nfipsec.h), which "ip link"
 * creates but cannot configure.  Raw NETLINK_ROUTE, one request at a time;
 * the replies are parsed by ipsecif_args.c, which the unit test feeds
 * forged ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "nfipsec.h"

#include "ipsecif_args.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ipsecif                          show every ipsec interface of the namespace\n"
		"       ipsecif NAME                     show one\n"
		"       ipsecif NAME create [reqid N] [tunnel SRC DST]\n"
		"       ipsecif NAME [reqid N] [tunnel SRC DST | -tunnel]    change an existing one\n"
		"       ipsecif NAME destroy\n"
		"       ipsecif -h                       this help\n"
		"N: 1..%d; SRC and DST: numeric IPv4 or IPv6 addresses of one family\n",
		NFIPSEC_IF_REQID_MAX);
}

/* A request: the headers, then attributes appended by put(). */
struct req {
	union {
		struct nlmsghdr h;
		uint8_t buf[512];
	};
};

static void put(struct req *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr nla = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };
	size_t at = NLMSG_ALIGN(r->h.nlmsg_len);

	/* Our requests are a hundred-odd bytes; more is a bug here. */
	if (at + NLA_ALIGN(nla.nla_len) > sizeof(r->buf))
		abort();
	memcpy(r->buf + at, &nla, sizeof(nla));
	if (len)
		memcpy(r->buf + at + NLA_HDRLEN, data, len);
	r->h.nlmsg_len = (uint32_t)(at + NLA_ALIGN(nla.nla_len));
}

static size_t nest_start(struct req *r, uint16_t type)
{
	size_t at = NLMSG_ALIGN(r->h.nlmsg_len);

	put(r, type, NULL, 0);
	return at;
}

static void nest_end(struct req *r, size_t at)
{
	uint16_t len = (uint16_t)(r->h.nlmsg_len - at);

	memcpy(r->buf + at + offsetof(struct nlattr, nla_len), &len, sizeof(len));
}

static void req_init(struct req *r, uint16_t type, uint16_t flags, int index)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = index };

	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(sizeof(ifi));
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_REQUEST | flags;
	memcpy(r->buf + NLMSG_HDRLEN, &ifi, sizeof(ifi));
}

struct nl {
	int fd;
	uint32_t seq;
	uint8_t *buf;
	size_t cap;
};

static int nl_open(struct nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0) {
		fprintf(stderr, "ipsecif: cannot open a NETLINK_ROUTE socket: %s\n",
			strerror(errno));
		return -1;
	}
	/* Best effort: without it (before 4.12) errors come without a message. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->seq = (uint32_t)getpid();
	return 0;
}

static void nl_close(struct nl *nl)
{
	close(nl->fd);
	free(nl->buf);
}

static int nl_send(struct nl *nl, struct req *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	r->h.nlmsg_seq = ++nl->seq;
	do
		n = sendto(nl->fd, r->buf, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		fprintf(stderr, "ipsecif: cannot send to the kernel: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * One datagram from the kernel, whole: its size is peeked first, so a
 * dump's large datagrams are never truncated.  Its length, or -1.
 */
static ssize_t nl_recv(struct nl *nl)
{
	struct sockaddr_nl from;
	socklen_t fromlen;
	ssize_t n;
	uint8_t *b;

	for (;;) {
		n = recv(nl->fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if ((size_t)n > nl->cap) {
			b = realloc(nl->buf, (size_t)n);
			if (!b) {
				fprintf(stderr, "ipsecif: out of memory\n");
				return -1;
			}
			nl->buf = b;
			nl->cap = (size_t)n;
		}
		fromlen = sizeof(from);
		n = recvfrom(nl->fd, nl->buf, nl->cap, 0, (struct sockaddr *)&from, &fromlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (fromlen == sizeof(from) && from.nl_pid == 0)
			return n;
		/* Not from the kernel: not a reply. */
	}
	fprintf(stderr, "ipsecif: cannot receive from the kernel: %s\n", strerror(errno));
	return -1;
}

typedef int (*link_fn)(const struct ipsecif_link *l, void *ctx);

/* A request in flight. */
struct talk {
	const char *what;	/* what errors are reported under */
	uint32_t seq;
	link_fn fn;		/* given each RTM_NEWLINK */
	void *ctx;
	int status;		/* 0, or -1 once something went wrong */
	bool intr;		/* the dump was interrupted by a change */
};

static void malformed(const char *what, const char *why)
{
	fprintf(stderr, "ipsecif: %s: malformed reply from the kernel: %s\n", what, why);
}

static void report(const char *what, int error, const char *ext, size_t ext_len)
{
	if (error)
		fprintf(stderr, "ipsecif: %s: %s", what, strerror(error));
	else
		fprintf(stderr, "ipsecif: %s: warning", what);
	if (ext)
		fprintf(stderr, ": %.*s", (int)ext_len, ext);
	fputc('\n', stderr);
}

/*
 * One message of @len bytes at @p (@len: what is left of the datagram).
 * 0 to read on, 1 after the kernel's last word (t->status then says it).
 */
static int one_msg(struct talk *t, const uint8_t *p, size_t len, const struct nlmsghdr *h)
{
	const char *why, *ext;
	struct ipsecif_link l;
	size_t ext_len;
	int error;

	if (h->nlmsg_seq != t->seq)
		return 0;	/* an earlier request's */
	if (h->nlmsg_flags & NLM_F_DUMP_INTR)
		t->intr = true;
	if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE) {
		if (ipsecif_parse_status(p, len, &error, &ext, &ext_len, &why)) {
			malformed(t->what, why);
			t->status = -1;
			return 1;
		}
		if (error || ext)
			report(t->what, error, ext, ext_len);
		if (t->intr)
			fprintf(stderr, "ipsecif: %s: %s\n", t->what,
				"the interfaces changed as they were listed: some may be missing");
		if (error)
			t->status = error;
		return 1;
	}
	if (h->nlmsg_type != RTM_NEWLINK || !t->fn)
		return 0;
	if (ipsecif_parse_link(p, len, &l, &why)) {
		malformed(t->what, why);
		t->status = -1;
	} else if (t->fn(&l, t->ctx)) {
		t->status = -1;
	}
	return 0;
}

/*
 * Send @r and read what answers it until the kernel's last word: the ack
 * or error of a request, the NLMSG_DONE of a dump.  Each RTM_NEWLINK goes
 * to @fn, unless it is malformed, which is reported.  0 when all went
 * well; otherwise the kernel's errno (positive) or -1, reported under
 * @what.
 */
static int talk(struct nl *nl, struct req *r, const char *what, link_fn fn, void *ctx)
{
	struct talk t = { .what = what, .fn = fn, .ctx = ctx };
	struct nlmsghdr h;
	const uint8_t *p;
	size_t rem, step;
	ssize_t n;

	if (nl_send(nl, r))
		return -1;
	t.seq = r->h.nlmsg_seq;
	for (;;) {
		n = nl_recv(nl);
		if (n < 0)
			return -1;
		for (p = nl->buf, rem = (size_t)n; rem >= NLMSG_HDRLEN; p += step, rem -= step) {
			memcpy(&h, p, sizeof(h));
			if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > rem) {
				malformed(what, "a netlink header's length does not fit");
				return -1;
			}
			if (one_msg(&t, p, rem, &h))
				return t.status;
			step = NLMSG_ALIGN(h.nlmsg_len);
			if (step >= rem)
				break;
		}
	}
}

static int keep_link(const struct ipsecif_link *l, void *ctx)
{
	struct ipsecif_link *out = ctx;

	*out = *l;
	return 0;
}

/*
 * The link called @name, by name (RTM_GETLINK with IFLA_IFNAME), which must
 * be an ipsec interface.  0, or -1 (reported).
 */
static int lookup(struct nl *nl, const char *name, struct ipsecif_link *l)
{
	struct req r;

	req_init(&r, RTM_GETLINK, NLM_F_ACK, 0);
	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	memset(l, 0, sizeof(*l));
	if (talk(nl, &r, name, keep_link, l))
		return -1;
	if (!l->name[0]) {
		fprintf(stderr, "ipsecif: %s: the kernel sent no description of it\n", name);
		return -1;
	}
	if (!l->is_ipsec) {
		fprintf(stderr, "ipsecif: %s: not an ipsec interface\n", name);
		return -1;
	}
	return 0;
}

static int print_link(const struct ipsecif_link *l, void *ctx)
{
	(void)ctx;
	if (l->is_ipsec)
		ipsecif_print(stdout, l);
	return 0;
}

/*
 * IFLA_LINKINFO{IFLA_INFO_KIND "ipsec", IFLA_INFO_DATA{what @a sets}}; no
 * IFLA_INFO_DATA when @a sets nothing (create without options).
 */
static void put_linkinfo(struct req *r, const struct ipsecif_args *a)
{
	size_t alen = a->tun.family == AF_INET ? 4 : 16;
	size_t info, data;

	info = nest_start(r, IFLA_LINKINFO);
	put(r, IFLA_INFO_KIND, NFIPSEC_IF_KIND, sizeof(NFIPSEC_IF_KIND));
	if (!a->has_reqid && a->tunnel == IPSECIF_TUN_KEEP) {
		nest_end(r, info);
		return;
	}
	data = nest_start(r, IFLA_INFO_DATA);
	if (a->has_reqid)
		put(r, IFLA_NFIPSEC_REQID, &a->reqid, sizeof(a->reqid));
	if (a->tunnel == IPSECIF_TUN_SET) {
		put(r, IFLA_NFIPSEC_LOCAL, a->tun.local, alen);
		put(r, IFLA_NFIPSEC_REMOTE, a->tun.remote, alen);
	} else if (a->tunnel == IPSECIF_TUN_CLEAR) {
		put(r, IFLA_NFIPSEC_LOCAL, NULL, 0);
		put(r, IFLA_NFIPSEC_REMOTE, NULL, 0);
	}
	nest_end(r, data);
	nest_end(r, info);
}

static int run(struct nl *nl, const struct ipsecif_args *a)
{
	struct ipsecif_link l;
	struct req r;
	int err;

	switch (a->cmd) {
	case IPSECIF_SHOW_ALL:
		req_init(&r, RTM_GETLINK, NLM_F_DUMP, 0);
		return talk(nl, &r, "listing interfaces", print_link, NULL) ? 1 : 0;
	case IPSECIF_SHOW:
		if (lookup(nl, a->name, &l))
			return 1;
		ipsecif_print(stdout, &l);
		return 0;
	case IPSECIF_CREATE:
		req_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 0);
		put(&r, IFLA_IFNAME, a->name, strlen(a->name) + 1);
		put_linkinfo(&r, a);
		err = talk(nl, &r, a->name, NULL, NULL);
		if (err == EOPNOTSUPP)
			fprintf(stderr, "ipsecif: this kernel has no interfaces of kind \"%s\"; "
				"is nfipsec.ko loaded?\n", NFIPSEC_IF_KIND);
		return err ? 1 : 0;
	case IPSECIF_CHANGE:
		/* By the index just checked to be an ipsec interface's. */
		if (lookup(nl, a->name, &l))
			return 1;
		req_init(&r, RTM_NEWLINK, NLM_F_ACK, l.index);
		put_linkinfo(&r, a);
		return talk(nl, &r, a->name, NULL, NULL) ? 1 : 0;
	case IPSECIF_DESTROY:
		if (lookup(nl, a->name, &l))
			return 1;
		req_init(&r, RTM_DELLINK, NLM_F_ACK, l.index);
		return talk(nl, &r, a->name, NULL, NULL) ? 1 : 0;
	case IPSECIF_HELP:
		break;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ipsecif_args a;
	char err[256];
	struct nl nl;
	int status;

	if (ipsecif_parse_args(argc, argv, &a, err, sizeof(err))) {
		fprintf(stderr, "ipsecif: %s\n", err);
		usage(stderr);
		return 2;
	}
	if (a.cmd == IPSECIF_HELP) {
		usage(stdout);
		return 0;
	}
	if (nl_open(&nl))
		return 1;
	status = run(&nl, &a);
	nl_close(&nl);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "ipsecif: cannot write the output: %s\n", strerror(errno));
		return 1;
	}
	return status;
}
