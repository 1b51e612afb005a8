// SPDX-License-Identifier: GPL-2.0
/*
 * pfkey_sock.c - the PF_KEY (15) socket family: creation with the
 * privilege check of pf_key(4P), sendmsg/recvmsg of whole messages, and
 * delivery of kernel messages to the sockets of one namespace.
 *
 * Delivery works as in RFC 2367 and Linux's af_key: a message goes to its
 * intended receivers (one socket, all, or those registered for an SA
 * type), and every promiscuous socket (SADB_X_PROMISC) gets a copy of
 * everything, including what it would receive anyway.  A receiver whose
 * buffer is full loses that message and the loss is counted; the sender
 * is never blocked by a slow listener.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "netns.h"
#include "pfkey_sock.h"
#include "pfkey_msg.h"
#include "pfkey_dump.h"

static struct proto pfkey_proto = {
	.name		= "NFIPSEC_KEY",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct pfkey_sock),
};

static const struct proto_ops pfkey_ops;

/*
 * The family is registered before the per-namespace state (so that a
 * conflict with af_key is found before anything else is set up); until
 * the state exists, socket creation answers EAFNOSUPPORT.
 */
static bool pfkey_ready;

void nfipsec_pfkey_sock_set_ready(bool ready)
{
	smp_store_release(&pfkey_ready, ready);
}

bool pfkey_can_dump(const struct sock *sk)
{
	return 3 * atomic_read(&sk->sk_rmem_alloc) <= 2 * READ_ONCE(sk->sk_rcvbuf);
}

static void pfkey_sock_destruct(struct sock *sk)
{
	struct nfipsec_net *nn = nfipsec_net(sock_net(sk));

	skb_queue_purge(&sk->sk_receive_queue);
	WARN_ON(atomic_read(&sk->sk_rmem_alloc));
	WARN_ON(refcount_read(&sk->sk_wmem_alloc));
	atomic_dec(&nn->sock_count);
}

static int pfkey_create(struct net *net, struct socket *sock, int protocol,
			int kern)
{
	struct nfipsec_net *nn;
	struct pfkey_sock *pfk;
	struct sock *sk;

	if (!smp_load_acquire(&pfkey_ready))
		return -EAFNOSUPPORT;
	nn = nfipsec_net(net);
	/* pf_key(4P): "Only a superuser may access an SADB" -- of its netns. */
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (sock->type != SOCK_RAW)
		return -ESOCKTNOSUPPORT;
	if (protocol != PF_KEY_V2)
		return -EPROTONOSUPPORT;

	sk = sk_alloc(net, PF_KEY, GFP_KERNEL, &pfkey_proto, kern);
	if (!sk)
		return -ENOMEM;
	pfk = pfkey_sk(sk);
	mutex_init(&pfk->dump_lock);
	pfk->dump = NULL;
	pfk->registered = 0;
	pfk->promisc = false;
	pfk->options = 0;

	sock->ops = &pfkey_ops;
	sock_init_data(sock, sk);
	sk->sk_family = PF_KEY;
	sk->sk_destruct = pfkey_sock_destruct;

	atomic_inc(&nn->sock_count);
	mutex_lock(&nn->sock_lock);
	sk_add_node_rcu(sk, &nn->socks);
	mutex_unlock(&nn->sock_lock);
	return 0;
}

static int pfkey_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct nfipsec_net *nn;

	if (!sk)
		return 0;
	nn = nfipsec_net(sock_net(sk));

	mutex_lock(&nn->sock_lock);
	sk_del_node_init_rcu(sk);
	mutex_unlock(&nn->sock_lock);

	pfkey_dump_abort(pfkey_sk(sk));
	sock_orphan(sk);
	sock->sk = NULL;
	skb_queue_purge(&sk->sk_write_queue);

	/* Broadcasters may still hold the socket from an RCU walk. */
	synchronize_rcu();
	sock_put(sk);
	return 0;
}

/* Queue a clone of @skb on @sk unless its receive buffer is full. */
static int deliver_one(struct nfipsec_net *nn, struct sk_buff *skb,
		       struct sock *sk, gfp_t gfp)
{
	struct sk_buff *clone;

	if (atomic_read(&sk->sk_rmem_alloc) > READ_ONCE(sk->sk_rcvbuf)) {
		nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_OUT_DROP_RCVBUF);
		return -ENOBUFS;
	}
	clone = skb_clone(skb, gfp);
	if (!clone) {
		nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_OUT_DROP_NOMEM);
		return -ENOBUFS;
	}
	skb_set_owner_r(clone, sk);
	skb_queue_tail(&sk->sk_receive_queue, clone);
	sk->sk_data_ready(sk);
	nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_OUT);
	return 0;
}

/* Sockets that asked for nfipsec's extensions get the richer copy. */
static struct sk_buff *variant(const struct pfkey_sock *pfk, struct sk_buff *plain,
			       struct sk_buff *ext)
{
	return ext && (READ_ONCE(pfk->options) & SADB_X_NFIPSEC_OPT_EXT) ? ext : plain;
}

static bool wants(const struct pfkey_sock *pfk, enum pfkey_dest dest, u8 satype)
{
	switch (dest) {
	case PFKEY_TO_ALL:
		return true;
	case PFKEY_TO_REGISTERED:
		return satype ? pfk->registered & (1U << satype) : pfk->registered;
	default:
		return false;
	}
}

int pfkey_broadcast2(struct net *net, struct sk_buff *skb, struct sk_buff *ext,
		     enum pfkey_dest dest, struct sock *one, u8 satype, gfp_t gfp)
{
	struct nfipsec_net *nn = nfipsec_net(net);
	bool delivered = false, full = false;
	struct sock *sk;
	int err = 0;

	if (!skb) {
		kfree_skb(ext);
		return -ENOMEM;
	}

	rcu_read_lock();
	sk_for_each_rcu(sk, &nn->socks) {
		struct pfkey_sock *pfk = pfkey_sk(sk);
		struct sk_buff *mine = variant(pfk, skb, ext);

		if (READ_ONCE(pfk->promisc))
			deliver_one(nn, mine, sk, GFP_ATOMIC);
		if (sk == one || !wants(pfk, dest, satype))
			continue;
		if (deliver_one(nn, mine, sk, GFP_ATOMIC) == 0)
			delivered = true;
		else
			full = true;
	}
	rcu_read_unlock();

	/* For registered receivers, one success is success. */
	if (dest == PFKEY_TO_REGISTERED && !delivered)
		err = full ? -ENOBUFS : -ESRCH;
	if (one)
		err = deliver_one(nn, variant(pfkey_sk(one), skb, ext), one, gfp);
	kfree_skb(skb);
	kfree_skb(ext);
	return err;
}

int pfkey_broadcast(struct net *net, struct sk_buff *skb, enum pfkey_dest dest,
		    struct sock *one, u8 satype, gfp_t gfp)
{
	return pfkey_broadcast2(net, skb, NULL, dest, one, satype, gfp);
}

int pfkey_send_error(struct sock *sk, const struct sadb_msg *req, int err,
		     u16 diag)
{
	struct sadb_msg *hdr;
	struct sk_buff *skb;

	skb = alloc_skb(sizeof(*hdr), GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	/* sadb_msg_errno is 8 bits: squeeze kernel-internal codes into it. */
	if (err == ERESTARTSYS || err == ERESTARTNOHAND || err == ERESTARTNOINTR)
		err = EINTR;
	if (err <= 0 || err > 255)
		err = EINVAL;

	hdr = skb_put(skb, sizeof(*hdr));
	*hdr = *req;
	/* Always a well-formed v2 reply, even to a request that was not. */
	hdr->sadb_msg_version = PF_KEY_V2;
	hdr->sadb_msg_errno = err;
	hdr->sadb_msg_len = sizeof(*hdr) / 8;
	hdr->sadb_x_msg_diagnostic = diag;
	return pfkey_broadcast(sock_net(sk), skb, PFKEY_TO_ONE, sk, 0, GFP_KERNEL);
}

static int pfkey_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	struct nfipsec_net *nn = nfipsec_net(sock_net(sk));
	struct sk_buff *skb;
	int err;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (len > (size_t)READ_ONCE(sk->sk_sndbuf) - 32)
		return -EMSGSIZE;

	nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_IN);
	/* Too short to carry a header we could answer: fail the write. */
	if (len < sizeof(struct sadb_msg)) {
		nfipsec_stats_inc(&nn->stats, NFIPSEC_STAT_PFKEY_IN_SHORT);
		return -EMSGSIZE;
	}

	skb = alloc_skb(len, GFP_KERNEL);
	if (!skb)
		return -ENOBUFS;
	if (memcpy_from_msg(skb_put(skb, len), msg, len)) {
		kfree_skb(skb);
		return -EFAULT;
	}

	/*
	 * From here on the caller always gets a reply, an error reply when
	 * the message is refused, and the write itself succeeds (RFC 2367
	 * 1.4).  Only a failure to queue even the error reply fails it.
	 */
	err = pfkey_msg_process(sk, skb);
	kfree_skb(skb);
	return err ? err : len;
}

static int pfkey_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
			 int flags)
{
	struct sock *sk = sock->sk;
	struct pfkey_sock *pfk = pfkey_sk(sk);
	struct sk_buff *skb;
	size_t copied;
	int err;

	if (flags & ~(MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_COMPAT))
		return -EINVAL;

	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb)
		return err;

	copied = skb->len;
	if (copied > len) {
		msg->msg_flags |= MSG_TRUNC;
		copied = len;
	}
	skb_reset_transport_header(skb);
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (!err) {
		sock_recv_cmsgs(msg, sk, skb);
		err = (flags & MSG_TRUNC) ? skb->len : copied;
	}
	skb_free_datagram(sk, skb);

	/* Room again: let a pending dump produce its next messages. */
	if (READ_ONCE(pfk->dump) && pfkey_can_dump(sk))
		pfkey_dump_continue(pfk);
	return err;
}

static const struct proto_ops pfkey_ops = {
	.family		= PF_KEY,
	.owner		= THIS_MODULE,
	.release	= pfkey_release,
	.bind		= sock_no_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= sock_no_getname,
	.poll		= datagram_poll,
	.ioctl		= sock_no_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.sendmsg	= pfkey_sendmsg,
	.recvmsg	= pfkey_recvmsg,
	.mmap		= sock_no_mmap,
};

static const struct net_proto_family pfkey_family = {
	.family	= PF_KEY,
	.create	= pfkey_create,
	.owner	= THIS_MODULE,
};

int nfipsec_pfkey_sock_init(void)
{
	int err;

	err = proto_register(&pfkey_proto, 0);
	if (err)
		return err;
	err = sock_register(&pfkey_family);
	if (err == -EEXIST) {
		/* DESIGN.md: one owner of PF_KEY per kernel, and say so. */
		pr_err("PF_KEY (address family 15) is already registered, most likely by Linux's af_key module; nfipsec cannot load beside it. Run 'rmmod af_key' and blacklist it (install scripts/nfipsec-blacklist-af_key.conf in /etc/modprobe.d/); if af_key is built into this kernel (CONFIG_NET_KEY=y), nfipsec cannot be used with it\n");
	}
	if (err)
		proto_unregister(&pfkey_proto);
	return err;
}

void nfipsec_pfkey_sock_exit(void)
{
	sock_unregister(PF_KEY);
	proto_unregister(&pfkey_proto);
}

/* /proc/net/pfkey: the namespace's PF_KEY sockets, in af_key's format. */

static void *pfkey_seq_start(struct seq_file *f, loff_t *pos)
	__acquires(RCU)
{
	rcu_read_lock();
	return seq_hlist_start_head_rcu(&nfipsec_net(seq_file_net(f))->socks, *pos);
}

static void *pfkey_seq_next(struct seq_file *f, void *v, loff_t *pos)
{
	return seq_hlist_next_rcu(v, &nfipsec_net(seq_file_net(f))->socks, pos);
}

static void pfkey_seq_stop(struct seq_file *f, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int pfkey_seq_show(struct seq_file *f, void *v)
{
	struct sock *s;

	if (v == SEQ_START_TOKEN) {
		seq_puts(f, "sk       RefCnt Rmem   Wmem   User   Inode  Registered Promisc\n");
		return 0;
	}
	s = sk_entry(v);
	seq_printf(f, "%pK %-6d %-6u %-6u %-6u %-6lu 0x%08x %d\n", s,
		   refcount_read(&s->sk_refcnt), sk_rmem_alloc_get(s),
		   sk_wmem_alloc_get(s),
		   from_kuid_munged(seq_user_ns(f), sock_i_uid(s)),
		   sock_i_ino(s), pfkey_sk(s)->registered,
		   READ_ONCE(pfkey_sk(s)->promisc));
	return 0;
}

static const struct seq_operations pfkey_seq_ops = {
	.start	= pfkey_seq_start,
	.next	= pfkey_seq_next,
	.stop	= pfkey_seq_stop,
	.show	= pfkey_seq_show,
};

int nfipsec_pfkey_proc_init(struct net *net)
{
	if (!proc_create_net("pfkey", 0444, net->proc_net, &pfkey_seq_ops,
			     sizeof(struct seq_net_private)))
		return -ENOMEM;
	return 0;
}

void nfipsec_pfkey_proc_exit(struct net *net)
{
	remove_proc_entry("pfkey", net->proc_net);
}
