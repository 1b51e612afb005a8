/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every difference between the kernels nfipsec supports
 * (Debian's 6.1 and 6.12 LTS) lives here, and nowhere else.  Kbuild
 * force-includes this header in every object (-include), so core files
 * carry no version checks and call the nfipsec_* spellings below.
 */
#ifndef _NFIPSEC_COMPAT_H
#define _NFIPSEC_COMPAT_H

/* Every kernel log line of the module says where it comes from. */
#ifndef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#endif

#include <linux/version.h>
#include <linux/kconfig.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "nfipsec supports Linux 6.1 and later"
#endif

/*
 * register_net_sysctl() became a macro over register_net_sysctl_sz() in
 * 6.6, taking ARRAY_SIZE() of its argument, which does not work on the
 * per-namespace copies we kmemdup().  Callers pass the entry count.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define nfipsec_register_net_sysctl(net, path, table, n) \
	register_net_sysctl_sz(net, path, table, n)
#else
#define nfipsec_register_net_sysctl(net, path, table, n) \
	register_net_sysctl(net, path, table)
#endif

/* get_unaligned() and friends moved to <linux/unaligned.h> in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define NFIPSEC_UNALIGNED_H "linux/unaligned.h"
#else
#define NFIPSEC_UNALIGNED_H "asm/unaligned.h"
#endif

/* skb_gso_segment() moved to <net/gso.h> in 6.5. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define NFIPSEC_GSO_H "net/gso.h"
#else
#define NFIPSEC_GSO_H "linux/netdevice.h"
#endif

/*
 * Crypto completion callbacks: 6.3 passes the request's data pointer
 * instead of the request.  Define one as
 *   static void name(NFIPSEC_CRYPTO_CB_ARGS) { void *data = NFIPSEC_CRYPTO_CB_DATA; ... }
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define NFIPSEC_CRYPTO_CB_ARGS	void *nfipsec_cb_data_, int err
#define NFIPSEC_CRYPTO_CB_DATA	(nfipsec_cb_data_)
#else
#define NFIPSEC_CRYPTO_CB_ARGS	struct crypto_async_request *nfipsec_cb_req_, int err
#define NFIPSEC_CRYPTO_CB_DATA	(nfipsec_cb_req_->data)
#endif

/*
 * Internal functions the KUnit module (kmod/test/) calls.  Exported in a
 * namespace of their own, and only from kernels built with KUnit, so
 * production builds export nothing.
 */
#if IS_ENABLED(CONFIG_KUNIT)
#define NFIPSEC_EXPORT_FOR_KUNIT(sym) EXPORT_SYMBOL_NS_GPL(sym, NFIPSEC_KUNIT)
#else
#define NFIPSEC_EXPORT_FOR_KUNIT(sym)
#endif

/*
 * "This interface cannot move to another namespace": a feature flag,
 * NETIF_F_NETNS_LOCAL, until it became dev->netns_immutable (Debian's
 * 6.12 has the latter, from 6.12.y stable).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define nfipsec_set_netns_immutable(dev) ((dev)->netns_immutable = 1)
#else
#define nfipsec_set_netns_immutable(dev) ((dev)->features |= NETIF_F_NETNS_LOCAL)
#endif

/* Lockless transmit: NETIF_F_LLTX until 6.12 made it dev->lltx. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define nfipsec_set_lltx(dev) ((dev)->lltx = 1)
#else
#define nfipsec_set_lltx(dev) ((dev)->features |= NETIF_F_LLTX)
#endif

#endif /* _NFIPSEC_COMPAT_H */
