/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pure.h - the only header the "pure" files include (pfkey_parse.c and
 * the other files with no kernel-only dependency).  It maps the few
 * kernel facilities they use onto libc when built in userspace, so the
 * very same .c file is tested by KUnit in the kernel and by cmocka (and
 * fuzzers) on the host: see tools/tests/.
 */
#ifndef _NFIPSEC_PURE_H
#define _NFIPSEC_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/export.h>
#else
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/types.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif
#ifndef BIT_ULL
#define BIT_ULL(n) (1ULL << (n))
#endif
#define NFIPSEC_EXPORT_FOR_KUNIT(sym)
#endif

#include <linux/pfkeyv2.h>
#include <linux/ipsec.h>
#include "nfipsec.h"

#endif /* _NFIPSEC_PURE_H */
