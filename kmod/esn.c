// SPDX-License-Identifier: GPL-2.0
/*
 * esn.c - inference of an extended sequence number's high bits (esn.h).
 *
 * RFC 4303 A.2 with Tl, Th the low and high halves of the window's top
 * and W its size: when the window lies in one 2^32 subspace (Tl >= W - 1)
 * a low half below the window's bottom belongs to the next subspace;
 * when the window straddles a subspace boundary, a low half at or above
 * the bottom (mod 2^32) belongs to the previous one.  A wrong guess is
 * harmless: the ICV check, which covers the high bits, fails.
 */
#include "esn.h"

u32 nfipsec_esn_seqhi(u64 top, u32 window, u32 seq)
{
	u32 tl = (u32)top, th = (u32)(top >> 32);
	u32 w = window ? window : 1U << 31;
	u32 bottom = tl - w + 1;	/* mod 2^32 */

	if (tl >= w - 1)
		return seq >= bottom ? th : th + 1;
	return seq >= bottom ? th - 1 : th;
}
NFIPSEC_EXPORT_FOR_KUNIT(nfipsec_esn_seqhi);
