// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_dump.c - running, resuming and ending dumps (see pfkey_dump.h).
 */
#include <linux/pfkeyv2.h>

#include "pfkey_sock.h"
#include "pfkey_dump.h"

static void send_held(struct pfkey_sock *pfk, struct pfkey_dump *d)
{
	struct sk_buff *skb = d->held;

	d->held = NULL;
	if (skb)
		pfkey_broadcast(sock_net(&pfk->sk), skb, PFKEY_TO_ONE, &pfk->sk,
				0, GFP_KERNEL);
}

int pfkey_dump_emit(struct pfkey_sock *pfk, struct pfkey_dump *d,
		    struct sk_buff *skb)
{
	if (d->held && !pfkey_can_dump(&pfk->sk)) {
		kfree_skb(skb);
		return -ENOBUFS;
	}
	send_held(pfk, d);
	d->held = skb;
	d->count++;
	return 0;
}

/*
 * One round of the dump, under dump_lock.  When the walk is over, the
 * held message goes out marked as the last one (seq 0, errno of the
 * walk), or, for an empty dump, a bare header with ENOENT as af_key does.
 */
static void run(struct pfkey_sock *pfk)
{
	struct pfkey_dump *d = pfk->dump;
	struct sadb_msg *hdr;
	int err;

	if (!d)
		return;
	err = d->next(pfk, d);
	if (err == -ENOBUFS)
		return;
	if (d->held) {
		/* The last message must reach the reader: wait for room. */
		if (!pfkey_can_dump(&pfk->sk))
			return;
		hdr = (struct sadb_msg *)d->held->data;
		hdr->sadb_msg_seq = 0;
		hdr->sadb_msg_errno = -err;
		send_held(pfk, d);
	} else {
		pfkey_send_error(&pfk->sk, &d->req, err ? -err : ENOENT, 0);
	}
	WRITE_ONCE(pfk->dump, NULL);
	d->release(d);
}

int pfkey_dump_start(struct pfkey_sock *pfk, struct pfkey_dump *d,
		     const struct sadb_msg *req)
{
	mutex_lock(&pfk->dump_lock);
	if (pfk->dump) {
		mutex_unlock(&pfk->dump_lock);
		return -EBUSY;
	}
	d->held = NULL;
	d->count = 0;
	d->req = *req;
	d->req.sadb_msg_len = sizeof(*req) / 8;
	WRITE_ONCE(pfk->dump, d);
	run(pfk);
	mutex_unlock(&pfk->dump_lock);
	return 0;
}

void pfkey_dump_continue(struct pfkey_sock *pfk)
{
	mutex_lock(&pfk->dump_lock);
	run(pfk);
	mutex_unlock(&pfk->dump_lock);
}

void pfkey_dump_abort(struct pfkey_sock *pfk)
{
	struct pfkey_dump *d;

	mutex_lock(&pfk->dump_lock);
	d = pfk->dump;
	WRITE_ONCE(pfk->dump, NULL);
	if (d) {
		kfree_skb(d->held);
		d->held = NULL;
		d->release(d);
	}
	mutex_unlock(&pfk->dump_lock);
}
