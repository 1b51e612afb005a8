/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfkey_msg.h - processing of one PF_KEY message from userspace: echo to
 * promiscuous listeners, validation, dispatch to the handler of its type,
 * and the error reply when anything refuses it.
 */
#ifndef _NFIPSEC_PFKEY_MSG_H
#define _NFIPSEC_PFKEY_MSG_H

#include <linux/skbuff.h>
#include <net/sock.h>

#include "pfkey_parse.h"

/*
 * A message handler.  Returns 0 after sending its own replies, or a
 * negative errno with @v->diag set, and the caller sends the error reply.
 * Called with the namespace's cfg_lock held.
 */
typedef int (*pfkey_handler_t)(struct sock *sk, const struct pfkey_msg *m,
			       struct pfkey_verdict *v);

/*
 * Process the message in @skb (not consumed).  Returns 0 when a reply or
 * error reply was queued, or the negative errno that the write should
 * fail with when not even an error reply could be allocated.
 */
int pfkey_msg_process(struct sock *sk, struct sk_buff *skb);

#endif /* _NFIPSEC_PFKEY_MSG_H */
