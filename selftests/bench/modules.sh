# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by the benchmarks that swap nfipsec and Linux's af_key/XFRM in one
# guest boot.  Needs KO: the nfipsec.ko to reload (a tmpfs copy).

is_loaded() { grep -q "^$1 " /proc/modules; }
unload() {	# MODULE: rmmod, waiting for references that RCU still holds
	local _
	for _ in $(seq 20); do
		is_loaded "$1" || return 0
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	rmmod "$1"
}
reload_nfipsec() {
	is_loaded nfipsec && return 0
	local d
	for d in $(modinfo -F depends "$KO" 2>/dev/null | tr ',' ' '); do
		modprobe "$d"
	done
	insmod "$KO"
}
