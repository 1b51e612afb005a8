/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ast.h - a parsed setkey statement, before addresses are resolved.
 *
 * The parser fills these from the text and checks what the text alone can
 * tell (syntax, ranges, algorithm names and key lengths); compile.c turns
 * them into PF_KEY messages once names are resolved.
 */
#ifndef SETKEY_AST_H
#define SETKEY_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "algs.h"
#include "report.h"

enum stmt_kind {
	ST_ADD, ST_UPDATE, ST_GETSPI, ST_GET, ST_DELETE, ST_DELETEALL,
	ST_FLUSH, ST_DUMP,
	ST_SPDADD, ST_SPDUPDATE, ST_SPDDELETE, ST_SPDFLUSH, ST_SPDDUMP,
	ST_EXIT,
};

/* The protocol word of an SA statement. */
enum sa_proto {
	P_UNSPEC,	/* flush/dump without a protocol */
	P_ESP, P_ESP_OLD, P_ESP_UDP, P_AH, P_AH_OLD, P_IPCOMP, P_TCP,
};

#define HOST_MAX 256

/* An address as written: host, optional /prefix, optional [port]. */
struct host {
	char name[HOST_MAX];
	struct loc loc;
	int prefix;		/* -1 when not given */
	struct loc prefix_loc;
	int port;		/* -1 when not given; [any] is 0 */
	struct loc port_loc;
};

struct key {
	unsigned char *data;
	size_t len;		/* bytes */
	struct loc loc;
};

/* -ctx doi algorithm "context" */
struct sec_ctx {
	bool set;
	uint8_t doi, alg;
	char *str;		/* NUL-terminated, sent with its NUL */
	size_t len;
	struct loc loc;
};

struct sa_spec {
	enum sa_proto proto;
	struct loc proto_loc;
	bool has_oa;		/* esp-udp <original address> */
	struct host oa;
	bool has_spi;
	uint32_t spi;
	struct loc spi_loc;

	const struct alg *enc, *auth, *comp;
	struct loc enc_loc, auth_loc, comp_loc;
	bool has_ekey, has_akey;
	struct key ekey, akey;

	/* Extensions (-m -r -u -f -lh -ls -bh -bs). */
	uint8_t mode;		/* IPSEC_MODE_*; default any */
	uint32_t reqid;
	bool has_replay;
	uint32_t replay;	/* packets */
	struct loc replay_loc;
	uint32_t flags;		/* sadb_sa_flags: SADB_X_EXT_* of uapi/nfipsec.h */
	bool esn;		/* -f esn: SADB_X_REPLAY_F_ESN (nfipsec) */
	uint64_t lt_hard, lt_soft, lb_hard, lb_soft;
};

struct ipsec_req {
	uint8_t proto;		/* IPPROTO_ESP/AH/COMP */
	uint8_t mode;		/* IPSEC_MODE_* */
	uint8_t level;		/* IPSEC_LEVEL_* */
	uint32_t reqid;
	bool has_addrs;		/* src-dst given (not me-any/any-me) */
	struct host src, dst;
	struct loc loc;
};

struct policy {
	uint8_t dir;		/* IPSEC_DIR_* */
	uint16_t type;		/* IPSEC_POLICY_* */
	uint32_t priority;	/* as sent: see policy.c */
	bool dir_only;		/* "-P out ;" as spddelete writes it */
	struct ipsec_req *reqs;
	size_t nreqs;
	struct loc loc, type_loc;
};

struct sp_spec {
	bool tagged;
	char tag[64];
	struct loc tag_loc;
	struct host src, dst;
	int upper;		/* IPPROTO_*, 255 = any */
	struct loc upper_loc;
	bool has_misc;		/* icmp type,code or GRE key */
	char misc[64];
	struct loc misc_loc;
	uint16_t misc_sport, misc_dport;	/* what misc means as ports */
	struct policy pol;
};

struct stmt {
	enum stmt_kind kind;
	struct loc loc;		/* the command word */
	size_t end;		/* offset just past the ';' */
	int family;		/* -4 / -6: AF_INET/AF_INET6, else AF_UNSPEC */
	bool numeric;		/* -n */
	struct host src, dst;	/* SA statements */
	struct sa_spec sa;
	struct sp_spec sp;
	struct sec_ctx ctx;
};

struct stmts {
	struct stmt *v;
	size_t n, cap;
};

void stmt_free(struct stmt *st);
void stmts_free(struct stmts *s);

const char *stmt_kind_name(enum stmt_kind k);
bool stmt_is_sa(enum stmt_kind k);	/* add ... delete, flush, dump */

#endif
