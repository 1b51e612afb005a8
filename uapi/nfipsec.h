/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nfipsec userspace ABI: what nfipsec adds to Linux's PF_KEY v2.
 *
 * The base ABI is exactly Linux's <linux/pfkeyv2.h> and <linux/ipsec.h>:
 * message types, extension numbers, SA types and algorithm ids are Linux's,
 * so programs built for af_key work unchanged.  Everything declared here is
 * an addition:
 *
 *  - extended diagnostics (illumos pf_key(4P)), carried in sadb_msg_reserved
 *    of error replies; af_key leaves that field zero, so old clients see
 *    nothing new;
 *  - algorithm ids Linux never assigned (ChaCha20-Poly1305, AES-CMAC);
 *  - extensions numbered above SADB_EXT_MAX and messages above SADB_MAX,
 *    which the kernel only sends to sockets that asked for them.
 *
 * This header is included by the module, by tools/ and by the tests.
 */
#ifndef _UAPI_NFIPSEC_H
#define _UAPI_NFIPSEC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#include <linux/types.h>
#endif
#include <linux/pfkeyv2.h>

/* ---------------------------------------------------------------------- */
/* Extended diagnostics                                                    */
/* ---------------------------------------------------------------------- */

/*
 * On an error reply, sadb_msg_errno holds the errno and
 * sadb_x_msg_diagnostic (the reserved field of the base header) says why.
 * Values 0..67 are pf_key(4P)'s; values from 100 on are nfipsec's own.
 */
#define sadb_x_msg_diagnostic sadb_msg_reserved

#define SADB_X_DIAGNOSTIC_NONE			0
#define SADB_X_DIAGNOSTIC_UNKNOWN_MSG		1
#define SADB_X_DIAGNOSTIC_UNKNOWN_EXT		2
#define SADB_X_DIAGNOSTIC_BAD_EXTLEN		3
#define SADB_X_DIAGNOSTIC_UNKNOWN_SATYPE	4
#define SADB_X_DIAGNOSTIC_SATYPE_NEEDED		5
#define SADB_X_DIAGNOSTIC_NO_SADBS		6
#define SADB_X_DIAGNOSTIC_NO_EXT		7
#define SADB_X_DIAGNOSTIC_BAD_SRC_AF		8
#define SADB_X_DIAGNOSTIC_BAD_DST_AF		9
#define SADB_X_DIAGNOSTIC_BAD_PROXY_AF		10
#define SADB_X_DIAGNOSTIC_BAD_INNER_SRC_AF	10	/* synonym, as in pf_key(4P) */
#define SADB_X_DIAGNOSTIC_AF_MISMATCH		11
#define SADB_X_DIAGNOSTIC_BAD_SRC		12
#define SADB_X_DIAGNOSTIC_BAD_DST		13
#define SADB_X_DIAGNOSTIC_ALLOC_HSERR		14
#define SADB_X_DIAGNOSTIC_BYTES_HSERR		15
#define SADB_X_DIAGNOSTIC_ADDTIME_HSERR		16
#define SADB_X_DIAGNOSTIC_USETIME_HSERR		17
#define SADB_X_DIAGNOSTIC_MISSING_SRC		18
#define SADB_X_DIAGNOSTIC_MISSING_DST		19
#define SADB_X_DIAGNOSTIC_MISSING_SA		20
#define SADB_X_DIAGNOSTIC_MISSING_EKEY		21
#define SADB_X_DIAGNOSTIC_MISSING_AKEY		22
#define SADB_X_DIAGNOSTIC_MISSING_RANGE		23
#define SADB_X_DIAGNOSTIC_DUPLICATE_SRC		24
#define SADB_X_DIAGNOSTIC_DUPLICATE_DST		25
#define SADB_X_DIAGNOSTIC_DUPLICATE_SA		26
#define SADB_X_DIAGNOSTIC_DUPLICATE_EKEY	27
#define SADB_X_DIAGNOSTIC_DUPLICATE_AKEY	28
#define SADB_X_DIAGNOSTIC_DUPLICATE_RANGE	29
#define SADB_X_DIAGNOSTIC_MALFORMED_SRC		30
#define SADB_X_DIAGNOSTIC_MALFORMED_DST		31
#define SADB_X_DIAGNOSTIC_MALFORMED_SA		32
#define SADB_X_DIAGNOSTIC_MALFORMED_EKEY	33
#define SADB_X_DIAGNOSTIC_MALFORMED_AKEY	34
#define SADB_X_DIAGNOSTIC_MALFORMED_RANGE	35
#define SADB_X_DIAGNOSTIC_AKEY_PRESENT		36
#define SADB_X_DIAGNOSTIC_EKEY_PRESENT		37
#define SADB_X_DIAGNOSTIC_PROP_PRESENT		38
#define SADB_X_DIAGNOSTIC_SUPP_PRESENT		39
#define SADB_X_DIAGNOSTIC_BAD_AALG		40
#define SADB_X_DIAGNOSTIC_BAD_EALG		41
#define SADB_X_DIAGNOSTIC_BAD_SAFLAGS		42
#define SADB_X_DIAGNOSTIC_BAD_SASTATE		43
#define SADB_X_DIAGNOSTIC_BAD_AKEYBITS		44
#define SADB_X_DIAGNOSTIC_BAD_EKEYBITS		45
#define SADB_X_DIAGNOSTIC_ENCR_NOTSUPP		46
#define SADB_X_DIAGNOSTIC_WEAK_EKEY		47
#define SADB_X_DIAGNOSTIC_WEAK_AKEY		48
#define SADB_X_DIAGNOSTIC_DUPLICATE_KMP		49
#define SADB_X_DIAGNOSTIC_DUPLICATE_KMC		50
#define SADB_X_DIAGNOSTIC_MISSING_NATT_LOC	51
#define SADB_X_DIAGNOSTIC_MISSING_NATT_REM	52
#define SADB_X_DIAGNOSTIC_DUPLICATE_NATT_LOC	53
#define SADB_X_DIAGNOSTIC_DUPLICATE_NATT_REM	54
#define SADB_X_DIAGNOSTIC_MALFORMED_NATT_LOC	55
#define SADB_X_DIAGNOSTIC_MALFORMED_NATT_REM	56
#define SADB_X_DIAGNOSTIC_DUPLICATE_NATT_PORTS	57
#define SADB_X_DIAGNOSTIC_MISSING_INNER_SRC	58
#define SADB_X_DIAGNOSTIC_MISSING_INNER_DST	59
#define SADB_X_DIAGNOSTIC_DUPLICATE_INNER_SRC	60
#define SADB_X_DIAGNOSTIC_DUPLICATE_INNER_DST	61
#define SADB_X_DIAGNOSTIC_MALFORMED_INNER_SRC	62
#define SADB_X_DIAGNOSTIC_MALFORMED_INNER_DST	63
#define SADB_X_DIAGNOSTIC_PREFIX_INNER_SRC	64
#define SADB_X_DIAGNOSTIC_PREFIX_INNER_DST	65
#define SADB_X_DIAGNOSTIC_BAD_INNER_DST_AF	66
#define SADB_X_DIAGNOSTIC_INNER_AF_MISMATCH	67

/* nfipsec's own reasons, for rejects pf_key(4P) has no name for. */
#define SADB_X_DIAGNOSTIC_BAD_VERSION		100	/* sadb_msg_version != PF_KEY_V2 */
#define SADB_X_DIAGNOSTIC_BAD_MSGLEN		101	/* sadb_msg_len disagrees with the write */
#define SADB_X_DIAGNOSTIC_BAD_RESERVED		102	/* non-zero reserved field */
#define SADB_X_DIAGNOSTIC_DUPLICATE_EXT		103	/* an extension type appears twice */
#define SADB_X_DIAGNOSTIC_EXT_NOT_ALLOWED	104	/* extension not valid in this message */
#define SADB_X_DIAGNOSTIC_BAD_SPI		105	/* SPI 1..255 reserved, or 0 */
#define SADB_X_DIAGNOSTIC_BAD_PREFIXLEN		106	/* prefix longer than the address */
#define SADB_X_DIAGNOSTIC_BAD_LIFETIME		107	/* soft limit above hard limit */
#define SADB_X_DIAGNOSTIC_BAD_MODE		108	/* sadb_x_sa2_mode out of range */
#define SADB_X_DIAGNOSTIC_BAD_CALG		109	/* unknown or unavailable compressor */
#define SADB_X_DIAGNOSTIC_BAD_REPLAY		110	/* replay window too large */
#define SADB_X_DIAGNOSTIC_SA_NOTFOUND		111	/* no SA matches */
#define SADB_X_DIAGNOSTIC_SA_EXISTS		112	/* SA already exists */
#define SADB_X_DIAGNOSTIC_BAD_POLICY		113	/* malformed sadb_x_policy */
#define SADB_X_DIAGNOSTIC_BAD_IPSECREQ		114	/* malformed sadb_x_ipsecrequest */
#define SADB_X_DIAGNOSTIC_POLICY_NOTFOUND	115
#define SADB_X_DIAGNOSTIC_POLICY_EXISTS		116
#define SADB_X_DIAGNOSTIC_BAD_CTX		117	/* malformed security context */
#define SADB_X_DIAGNOSTIC_NOMEM			118
#define SADB_X_DIAGNOSTIC_BAD_NATT_TYPE		119	/* NAT-T type not 1 or 2, or not on ESP */
#define SADB_X_DIAGNOSTIC_MAX			119

/* ---------------------------------------------------------------------- */
/* Algorithm ids Linux never assigned                                      */
/* ---------------------------------------------------------------------- */

/*
 * ChaCha20-Poly1305 (RFC 7634) has no id in Linux's pfkeyv2.h.  We use 28,
 * its IANA ESP transform number, which no Linux SADB_*EALG_* uses
 * (FreeBSD's 15 and OpenBSD's 22 collide with Linux's CCM and Camellia).
 */
#define SADB_X_EALG_CHACHA20_POLY1305	28

/*
 * AES-CMAC-96 (RFC 4494): Linux's xfrm knows cmac(aes) but gives it no
 * PF_KEY id.  250 is free in Linux's header, next to KAME's NULL (251).
 */
#define SADB_X_AALG_AES_CMAC		250

/* ---------------------------------------------------------------------- */
/* KAME sadb_sa_flags bits                                                 */
/* ---------------------------------------------------------------------- */

/*
 * setkey(8)'s -f and -R options travel in sadb_sa_flags as KAME defined
 * them; ipsec-tools' setkey sends them on Linux too (af_key ignores them).
 * nfipsec honours them.  They do not overlap Linux's SADB_SAFLAGS_* bits
 * except SADB_X_EXT_OLD, which only the obsolete esp-old/ah-old use.
 */
#ifndef SADB_X_EXT_PMASK
#define SADB_X_EXT_NONE		0x0000	/* new format */
#define SADB_X_EXT_OLD		0x0001	/* old format (RFC 1827/1826) */
#define SADB_X_EXT_IV4B		0x0010	/* 4-byte IV */
#define SADB_X_EXT_DERIV	0x0020	/* DES derived IV */
#define SADB_X_EXT_CYCSEQ	0x0040	/* sequence numbers may cycle */
#define SADB_X_EXT_PSEQ		0x0000	/* ESP padding 1, 2, 3... (RFC 4303) */
#define SADB_X_EXT_PRAND	0x0100	/* random ESP padding */
#define SADB_X_EXT_PZERO	0x0200	/* zero ESP padding */
#define SADB_X_EXT_PMASK	0x0300	/* mask of the padding choice */
#define SADB_X_EXT_RAWCPI	0x0080	/* IPComp: the SPI is the CPI on the wire */
#endif

/* ---------------------------------------------------------------------- */
/* Extensions and messages beyond Linux's                                  */
/* ---------------------------------------------------------------------- */

/*
 * Numbers above SADB_EXT_MAX (26 in every Linux since 2.6.x).  The kernel
 * accepts them in requests from any socket but only puts them in replies
 * and broadcasts to sockets that enabled them with SADB_X_NFIPSEC_OPTIONS,
 * so old clients never meet an extension they do not know.
 */
#define SADB_X_EXT_NFIPSEC_BASE		32
#define SADB_X_EXT_REPLAY		(SADB_X_EXT_NFIPSEC_BASE + 0)	/* struct sadb_x_replay */
#define SADB_X_EXT_COUNTERS		(SADB_X_EXT_NFIPSEC_BASE + 1)	/* struct sadb_x_counters */
#define SADB_X_EXT_NFIPSEC_MAX		SADB_X_EXT_COUNTERS

/*
 * struct sadb_x_replay - anti-replay window in packets and ESN.
 * Overrides sadb_sa_replay (which Linux's 8-bit field caps at 255 and
 * af_key at 32).  A window of 0 disables replay checking.
 */
struct sadb_x_replay {
	__u16	sadb_x_replay_len;		/* in 64-bit words: 2 */
	__u16	sadb_x_replay_exttype;		/* SADB_X_EXT_REPLAY */
	__u32	sadb_x_replay_window;		/* packets, 0..NFIPSEC_REPLAY_MAX */
	__u32	sadb_x_replay_flags;		/* SADB_X_REPLAY_F_* */
	__u32	sadb_x_replay_reserved;
} __attribute__((packed));

#define SADB_X_REPLAY_F_ESN	0x1	/* RFC 4303 extended sequence numbers */
#define NFIPSEC_REPLAY_MAX	65536

/* struct sadb_x_counters - per-SA traffic and drop counters (GET/DUMP). */
struct sadb_x_counters {
	__u16	sadb_x_counters_len;		/* in 64-bit words: 9 */
	__u16	sadb_x_counters_exttype;	/* SADB_X_EXT_COUNTERS */
	__u32	sadb_x_counters_reserved;
	__u64	sadb_x_counters_packets;
	__u64	sadb_x_counters_bytes;
	__u64	sadb_x_counters_drop_auth;	/* integrity check failed */
	__u64	sadb_x_counters_drop_replay;	/* replayed or too old */
	__u64	sadb_x_counters_drop_pad;	/* bad padding / trailer */
	__u64	sadb_x_counters_drop_other;
	__u64	sadb_x_counters_replay_seq;	/* highest sequence seen/sent */
	__u64	sadb_x_counters_reserved2;
} __attribute__((packed));

/*
 * SADB_X_NFIPSEC_OPTIONS (message type above SADB_MAX): a socket asks for
 * nfipsec's extensions.  Request and reply carry no extension; the
 * options are in sadb_msg_satype as a bit set (SADB_X_NFIPSEC_OPT_*).
 * af_key answers this message with EINVAL, which is how a client tells
 * the two apart.
 */
#define SADB_X_NFIPSEC_OPTIONS		32
#define SADB_X_NFIPSEC_OPT_EXT		0x1	/* send SADB_X_EXT_* in replies */

/*
 * if_ipsec (seed if_ipsec(4)): the rtnetlink link kind "ipsec"
 * ("ip link add ipsec0 type ipsec"), whose IFLA_INFO_DATA holds:
 *
 *   IFLA_NFIPSEC_REQID   u32, 1..NFIPSEC_IF_REQID_MAX.  At creation:
 *                        absent or 0 assigns the lowest no other ipsec
 *                        interface of the namespace has.
 *                        Later (RTM_NEWLINK on the interface): changes it.
 *   IFLA_NFIPSEC_LOCAL   the outer source address, 4 bytes (IPv4) or 16
 *   IFLA_NFIPSEC_REMOTE  (IPv6), network order; given together and of one
 *                        family.  Both empty (0 bytes): no tunnel.
 *
 * Replies to RTM_GETLINK carry the same attributes (no LOCAL/REMOTE while
 * the interface has no tunnel).  Setting the tunnel or the reqid replaces
 * the interface's policies (four: in and out, for IPv4 and IPv6 inner
 * packets, esp/tunnel/LOCAL-REMOTE/unique:REQID).
 */
enum {
	IFLA_NFIPSEC_UNSPEC,
	IFLA_NFIPSEC_REQID,
	IFLA_NFIPSEC_LOCAL,
	IFLA_NFIPSEC_REMOTE,
	__IFLA_NFIPSEC_MAX
};
#define IFLA_NFIPSEC_MAX	(__IFLA_NFIPSEC_MAX - 1)
#define NFIPSEC_IF_KIND		"ipsec"
#define NFIPSEC_IF_REQID_MAX	0x3fff		/* as FreeBSD's if_ipsec */

#endif /* _UAPI_NFIPSEC_H */
