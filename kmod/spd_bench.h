/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spd_bench.h - a microbenchmark of the SPD lookup engine (spd_engine.h),
 * run from KUnit at small sizes and, at full size on any kernel, through
 * the module parameter spd_bench (selftests/bench/spd_lookup.sh):
 *
 *   echo "100000 inet mixed 1000" > /sys/module/nfipsec/parameters/spd_bench
 *   cat /sys/module/nfipsec/parameters/spd_bench
 *   spd_lookup entries=100000 lookups_per_sec=...
 *
 * (entries; family inet|inet6; selector mix mixed|uniform, see below;
 * milliseconds of lookups; all but the first optional).  The run builds
 * its own engine, so it touches no namespace's policies.
 */
#ifndef _NFIPSEC_SPD_BENCH_H
#define _NFIPSEC_SPD_BENCH_H

#include <linux/math64.h>
#include <linux/types.h>

struct nfipsec_spd_bench_result {
	unsigned int entries;	/* inserted (random selectors, duplicates redrawn) */
	unsigned int nodes;	/* trie nodes they took */
	u64 lookups;		/* done in the timed loop */
	u64 hits;		/* of which found an entry */
	u64 lookup_ns;		/* time of the timed loop */
	u64 insert_ns;		/* time to insert all entries */
};

enum nfipsec_spd_bench_dist {
	/*
	 * A large gateway: road warriors (a corporate prefix or any, to one
	 * client address), site-to-site tunnels (/16../28 to /16../28, some
	 * with protocol and ports), host-to-host transport policies with
	 * ports, and 64 wide policies of any prefix lengths (0..32 or 0..128)
	 * whatever the size.  Prefix lengths are thoroughly mixed; what does
	 * not grow with the size is how many policies cover one packet.
	 */
	NFIPSEC_SPD_BENCH_MIXED,
	/*
	 * Stress: every selector with prefix lengths uniform over 0..32 (or
	 * 0..128) and random addresses.  A packet then lies in a fixed
	 * fraction of all selectors (about 0.4% of IPv4 ones), so the work
	 * of any exact matcher grows with the size; the engine's priority
	 * pruning is what keeps it down.
	 */
	NFIPSEC_SPD_BENCH_UNIFORM,
};

/*
 * Insert @entries random selectors of @family (AF_INET/AF_INET6) drawn
 * from @dist, protocols any, TCP, UDP and ICMP with and without ports,
 * priorities 0..7 (many ties); then look up random flows, half of them
 * drawn inside a random selector, for @ms milliseconds.  Deterministic for
 * a given @seed.
 */
int nfipsec_spd_bench(unsigned int entries, u16 family, enum nfipsec_spd_bench_dist dist,
		      unsigned int ms, u64 seed, struct nfipsec_spd_bench_result *res);

static inline u64 nfipsec_spd_bench_rate(const struct nfipsec_spd_bench_result *r)
{
	return r->lookup_ns ? div64_u64(r->lookups * 1000000000ull, r->lookup_ns) : 0;
}

#endif /* _NFIPSEC_SPD_BENCH_H */
