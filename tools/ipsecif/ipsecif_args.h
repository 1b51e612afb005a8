/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipsecif_args.h - the pure half of ipsecif(8): the command line, the
 * kernel's replies and the show format, without a socket, so that the unit
 * test (tools/tests/ipsecif_args_test.c) can feed it anything.
 */
#ifndef IPSECIF_ARGS_H
#define IPSECIF_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <net/if.h>

enum ipsecif_cmd {
	IPSECIF_SHOW_ALL,	/* ipsecif */
	IPSECIF_SHOW,		/* ipsecif NAME */
	IPSECIF_CREATE,		/* ipsecif NAME create [reqid N] [tunnel SRC DST] */
	IPSECIF_CHANGE,		/* ipsecif NAME [reqid N] [tunnel SRC DST | -tunnel] */
	IPSECIF_DESTROY,	/* ipsecif NAME destroy */
	IPSECIF_HELP,		/* ipsecif -h */
};

enum ipsecif_tunnel {
	IPSECIF_TUN_KEEP,	/* not on the command line */
	IPSECIF_TUN_SET,	/* tunnel SRC DST */
	IPSECIF_TUN_CLEAR,	/* -tunnel */
};

/* An outer tunnel: family 0 (none), AF_INET (4-byte addresses) or AF_INET6. */
struct ipsecif_tun {
	int family;
	uint8_t local[16], remote[16];
};

struct ipsecif_args {
	enum ipsecif_cmd cmd;
	const char *name;	/* argv's own string */
	bool has_reqid;
	uint32_t reqid;
	enum ipsecif_tunnel tunnel;
	struct ipsecif_tun tun;	/* with IPSECIF_TUN_SET */
};

/*
 * Parse the words after the program name.  0, or -1 with a sentence in
 * @err (a usage error: exit status 2).
 */
int ipsecif_parse_args(int argc, char *const argv[], struct ipsecif_args *a,
		       char *err, size_t errlen);

/* A decimal reqid, 1..NFIPSEC_IF_REQID_MAX, nothing else: 0 or -1. */
int ipsecif_parse_reqid(const char *s, uint32_t *reqid);

/* 1 when @name is one Linux would accept as an interface name. */
bool ipsecif_valid_name(const char *name);

/* The counters ipsecif shows: the first eight of struct rtnl_link_stats64. */
struct ipsecif_stats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
};

/* What an RTM_NEWLINK message says about one link. */
struct ipsecif_link {
	int index;
	unsigned int flags;		/* ifi_flags */
	char name[IFNAMSIZ];
	bool is_ipsec;			/* IFLA_INFO_KIND is NFIPSEC_IF_KIND */
	uint32_t mtu;			/* 0 without IFLA_MTU */
	bool has_reqid;
	uint32_t reqid;
	struct ipsecif_tun tun;		/* family 0: no tunnel */
	struct ipsecif_stats stats;	/* 0 without IFLA_STATS64 */
};

/*
 * Parse one RTM_NEWLINK message of @len bytes (the netlink header
 * included; @len may be more than nlmsg_len, never less).  Every attribute
 * is checked against the bytes it is in.  0, or -1 with a static
 * sentence in *@why saying what is wrong.  The IFLA_INFO_DATA of a link of
 * another kind is not looked into.
 */
int ipsecif_parse_link(const void *msg, size_t len, struct ipsecif_link *l, const char **why);

/*
 * What an NLMSG_ERROR or NLMSG_DONE message of @len bytes says: *@error
 * is the positive errno (0 for an acknowledgement or the end of a dump),
 * *@ext the extended ack's NLMSGERR_ATTR_MSG (*@ext_len bytes, no NUL
 * needed) or NULL.  0, or -1 with *@why when the message is malformed.
 */
int ipsecif_parse_status(const void *msg, size_t len, int *error, const char **ext,
			 size_t *ext_len, const char **why);

/* Print @l in ipsecif's show format (see ipsecif(8)). */
void ipsecif_print(FILE *f, const struct ipsecif_link *l);

#endif
