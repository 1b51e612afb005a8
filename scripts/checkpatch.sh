#!/bin/sh
# Run the kernel's checkpatch.pl over the module sources (style report).
# Uses the script from the Debian kernel source tree when present.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cp=$(ls /usr/src/linux-source-6.*/scripts/checkpatch.pl 2>/dev/null | head -n 1)
[ -n "$cp" ] || { echo "checkpatch.sh: no kernel source with scripts/checkpatch.pl (make deps; tar xf /usr/src/linux-source-6.1.tar.xz -C /usr/src)" >&2; exit 1; }
exec perl "$cp" --no-tree --terse --show-types --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,LINUX_VERSION_CODE -f \
	"$top"/kmod/*.[ch] "$top"/kmod/test/*.[ch] "$top"/uapi/*.h
