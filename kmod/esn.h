/* SPDX-License-Identifier: GPL-2.0 */
/*
 * esn.h - RFC 4303 Appendix A.2: the high 32 bits of an extended
 * sequence number, inferred from the low 32 bits a packet carries and the
 * receiver's anti-replay window.  A pure function (pure.h) so that KUnit
 * can test it exhaustively around the 2^32 boundaries.
 */
#ifndef _NFIPSEC_ESN_H
#define _NFIPSEC_ESN_H

#include "pure.h"

/*
 * The high half of the sequence number whose low half is @seq, given the
 * highest number accepted so far (@top, 0 before the first packet) and
 * the window size @window.  A window of 0 (no replay check) is inferred
 * as a window of half the 32-bit space: the number nearest to @top, so
 * reordering is tolerated as the absent replay check tolerates it.
 */
u32 nfipsec_esn_seqhi(u64 top, u32 window, u32 seq);

#endif /* _NFIPSEC_ESN_H */
