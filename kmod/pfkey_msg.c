// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_msg.c - what happens to one message written to a PF_KEY socket.
 *
 *   1. Every message is first copied to promiscuous sockets, valid or not
 *      (af_key does the same: a debugging listener sees what was sent).
 *   2. pfkey_parse() validates it completely, from the tables in
 *      pfkey_parse.c, before any handler sees it.
 *   3. The handler of its type runs under the namespace's cfg_lock.
 *   4. A refusal at any step becomes an error reply to the sender: the
 *      request's base header with sadb_msg_errno and the extended
 *      diagnostic in sadb_msg_reserved, and counts under its reason.
 *
 * Message types whose handler is not written yet answer EOPNOTSUPP, as
 * af_key does for types it does not implement.
 */
#include <linux/skbuff.h>
#include <net/sock.h>

#include "netns.h"
#include "pfkey_msg.h"
#include "pfkey_sock.h"
#include "pfkey_sa.h"
#include "pfkey_spd.h"

/* SADB_X_PROMISC: set or clear the flag, or echo an embedded message. */
static int handle_promisc(struct sock *sk, const struct pfkey_msg *m,
			  struct pfkey_verdict *v)
{
	const struct sadb_msg *hdr = m->hdr;
	size_t len = (size_t)hdr->sadb_msg_len * 8;
	struct sk_buff *skb;

	if (len == sizeof(*hdr)) {
		if (hdr->sadb_msg_satype > 1) {
			v->diag = SADB_X_DIAGNOSTIC_UNKNOWN_SATYPE;
			return -EINVAL;
		}
		WRITE_ONCE(pfkey_sk(sk)->promisc, hdr->sadb_msg_satype);
		skb = alloc_skb(len, GFP_KERNEL);
		if (!skb)
			return -ENOBUFS;
		skb_put_data(skb, hdr, len);
		/* The echo reports success, as af_key's does. */
		((struct sadb_msg *)skb->data)->sadb_msg_errno = 0;
		return pfkey_broadcast(sock_net(sk), skb, PFKEY_TO_ALL, NULL, 0,
				       GFP_KERNEL);
	}
	/*
	 * RFC 2367 3.1.11 (X_PROMISC with a payload): the embedded message
	 * is sent to all sockets as is.  It must at least be a whole header.
	 */
	if (len - sizeof(*hdr) < sizeof(*hdr)) {
		v->diag = SADB_X_DIAGNOSTIC_BAD_MSGLEN;
		return -EINVAL;
	}
	skb = alloc_skb(len - sizeof(*hdr), GFP_KERNEL);
	if (!skb)
		return -ENOBUFS;
	skb_put_data(skb, hdr + 1, len - sizeof(*hdr));
	pfkey_broadcast(sock_net(sk), skb, PFKEY_TO_ALL, NULL, 0, GFP_KERNEL);
	return 0;
}

/* SADB_X_NFIPSEC_OPTIONS: opt in to nfipsec's extensions; echo the request. */
static int handle_options(struct sock *sk, const struct pfkey_msg *m,
			  struct pfkey_verdict *v)
{
	struct sk_buff *skb;

	if (m->hdr->sadb_msg_satype & ~SADB_X_NFIPSEC_OPT_EXT) {
		v->diag = SADB_X_DIAGNOSTIC_BAD_SAFLAGS;
		return -EINVAL;
	}
	WRITE_ONCE(pfkey_sk(sk)->options, m->hdr->sadb_msg_satype);
	skb = alloc_skb(sizeof(*m->hdr), GFP_KERNEL);
	if (!skb)
		return -ENOBUFS;
	skb_put_data(skb, m->hdr, sizeof(*m->hdr));
	return pfkey_broadcast(sock_net(sk), skb, PFKEY_TO_ONE, sk, 0, GFP_KERNEL);
}

static const pfkey_handler_t socket_handlers[PFKEY_MSG_SLOTS] = {
	[SADB_X_PROMISC]		= handle_promisc,
	[SADB_X_NFIPSEC_OPTIONS]	= handle_options,
};

static pfkey_handler_t handler_for(u8 type)
{
	if (type <= SADB_MAX && nfipsec_pfkey_sa_handlers[type])
		return nfipsec_pfkey_sa_handlers[type];
	if (type <= SADB_MAX && nfipsec_pfkey_spd_handlers[type])
		return nfipsec_pfkey_spd_handlers[type];
	return type < PFKEY_MSG_SLOTS ? socket_handlers[type] : NULL;
}

int pfkey_msg_process(struct sock *sk, struct sk_buff *skb)
{
	struct nfipsec_net *nn = nfipsec_net(sock_net(sk));
	const struct sadb_msg *hdr = (const void *)skb->data;
	struct pfkey_verdict v = { };
	struct pfkey_msg m;
	pfkey_handler_t h;
	int err;

	pfkey_broadcast(sock_net(sk), skb_clone(skb, GFP_KERNEL),
			PFKEY_TO_PROMISC, NULL, 0, GFP_KERNEL);

	err = pfkey_parse(skb->data, skb->len, &m, &v);
	if (!err) {
		nfipsec_stats_msg(&nn->stats, hdr->sadb_msg_type);
		h = handler_for(hdr->sadb_msg_type);
		if (h) {
			mutex_lock(&nn->cfg_lock);
			err = h(sk, &m, &v);
			mutex_unlock(&nn->cfg_lock);
		} else {
			err = -EOPNOTSUPP;
			v.diag = SADB_X_DIAGNOSTIC_UNKNOWN_MSG;
		}
	}
	if (!err)
		return 0;

	nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_IN_REJECTED);
	nfipsec_stats_reject(&nn->stats, v.diag);
	if (READ_ONCE(nn->sysctl.inet.debug))
		pr_info_ratelimited("nfipsec: PF_KEY %s refused: errno %d, %s\n",
				    pfkey_msg_name(hdr->sadb_msg_type) ?: "?",
				    -err, pfkey_diag_name(v.diag));
	/* The write fails only when not even the error reply can be made. */
	if (pfkey_send_error(sk, hdr, -err, v.diag) == -ENOMEM)
		return err;
	return 0;
}
