#!/bin/sh
# Print the default kernel build tree: the running kernel's when it exists,
# else the newest installed Debian /usr/src/linux-headers-*-amd64.
d=/lib/modules/$(uname -r)/build
if [ -d "$d" ]; then
	echo "$d"
	exit 0
fi
ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -e '-rt-' -e '-cloud-' | sort -V | tail -n 1
