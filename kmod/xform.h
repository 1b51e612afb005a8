/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xform.h - what an SA needs to carry packets: its crypto transform, made
 * from the SA's algorithms and keys when the SA is built (process
 * context), and its inbound anti-replay window.  Freed with the SA.
 *
 * AH's integrity algorithms are synchronous hashes (crypto_shash), keyed
 * once; IPcomp SAs share per-CPU compressors (ipcomp.h).  Every ESP algorithm runs through one AEAD transform: the combined-mode
 * ciphers (RFC 4106, 4309, 4543, 7634) as they are, the others as
 * authenc(integrity, cipher) — null ones included — so the packet code
 * has a single path.  For every one of them the ESP header and the IV are
 * the associated data and the IV is also passed as req->iv (the RFC
 * templates skip the IV in the associated data, authenc authenticates it);
 * with ESN, see esn_ad below.
 */
#ifndef _NFIPSEC_XFORM_H
#define _NFIPSEC_XFORM_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct crypto_aead;
struct crypto_shash;
struct nfipsec_ipcomp_alg;
struct nfipsec_sa;

/* How the explicit IV of a packet is made. */
enum nfipsec_iv_kind {
	NFIPSEC_IV_NONE,	/* no IV (null encryption) */
	NFIPSEC_IV_SEQ,		/* counter modes and AEADs: the 64-bit sequence */
	NFIPSEC_IV_RANDOM,	/* CBC: unpredictable, from the kernel's RNG */
};

/*
 * Inbound anti-replay state (RFC 4303 3.4.3).  Sequence numbers are
 * 64-bit; without ESN they never exceed 2^32 - 1, so the window behaves
 * as a 32-bit one.  With ESN the top is kept even with no window, as the
 * reference the high bits are inferred from (esn.h).
 */
struct nfipsec_replay {
	spinlock_t lock;
	u32 size;		/* window in packets, 0: no replay check */
	bool esn;		/* extended sequence numbers (RFC 4303 2.2.1) */
	u64 top;		/* highest sequence number accepted */
	unsigned long *bits;	/* bit (seq % nbits) set: seq was seen */
};

struct nfipsec_xform {
	struct crypto_aead *aead;	/* ESP; NULL for null/null, AH, IPcomp */
	struct crypto_shash *shash;	/* AH's integrity; NULL for null */
	struct nfipsec_ipcomp_alg *comp;	/* IPcomp's shared compressors */
	u8 ivlen;			/* explicit IV bytes in each packet */
	u8 icvlen;			/* integrity check value bytes */
	u8 block;			/* payload alignment, >= 4 */
	u8 iv_kind;			/* enum nfipsec_iv_kind */
	/*
	 * ESP with ESN and integrity: the associated data is SPI, seq-hi,
	 * seq-lo (12 bytes) then the IV, through authencesn for the
	 * authenc transforms (it moves seq-hi behind the payload for the
	 * HMAC, RFC 4303 3.3.2.2.1) and as it is for the combined modes
	 * (RFC 4106 5, 4309 5, 4543 3.3.2, 7634 2.1): the layout Linux
	 * XFRM uses, so the ICVs are the same.
	 */
	bool esn_ad;
	unsigned int reqsize;		/* crypto_aead_reqsize() */
	/*
	 * Outbound: sequence number and encryption under one lock, so that
	 * packets leave in sequence order even when CPUs send on the SA at
	 * once (a receiver's replay window would drop what arrives too far
	 * behind).  The crypto API keeps the order of what it queues.
	 */
	spinlock_t out_lock;
	struct nfipsec_replay replay;
	struct work_struct free_work;	/* crypto_free_aead() in process context */
};

/*
 * Build @sa->xf from the SA's algorithms and keys.  0, or -ENOENT when the
 * kernel has no implementation of the algorithm, -EINVAL for a key the
 * implementation refuses, -ENOMEM.  Process context.
 */
int nfipsec_xform_init(struct nfipsec_sa *sa);
/* Free @xf (may be called from RCU callbacks: the crypto part is deferred). */
void nfipsec_xform_free(struct nfipsec_xform *xf);
/* Wait for deferred frees (module unload). */
void nfipsec_xform_drain(void);
/* The workqueue of deferred frees: module init and exit. */
int nfipsec_xform_wq_init(void);
void nfipsec_xform_wq_exit(void);

/*
 * Replay window.  check: the full sequence number of a packet carrying
 * @seq_lo into @seq (its high bits inferred with ESN, before the ICV
 * check that covers them), and 0 if it may be new (call before
 * decrypting); advance: after the packet authenticated, record @seq, 0
 * or -EEXIST if another packet with @seq won the race meanwhile.
 */
int nfipsec_replay_check(struct nfipsec_replay *r, u32 seq_lo, u64 *seq);
int nfipsec_replay_advance(struct nfipsec_replay *r, u64 seq);

#endif /* _NFIPSEC_XFORM_H */
