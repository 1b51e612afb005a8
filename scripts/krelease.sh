#!/bin/sh
# Print the kernel release (uname -r form) of the build tree $1.
# utsrelease.h is authoritative: Debian's 6.1 headers carry an upstream
# version in include/config/kernel.release that is not `uname -r`.
kdir=${1:?usage: krelease.sh KDIR}
sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h"
