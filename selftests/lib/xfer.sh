# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A checked TCP transfer for the interop selftests (sourced after tap.sh):
# a digest server in each namespace, dual stack, that reads XFER_SIZE
# bytes and answers "SIZE sha256"; tcp_xfer sends the same random file
# from a namespace and compares the answer.
#
#   . "$NFIPSEC_ROOT/selftests/lib/xfer.sh"
#   xfer_setup DIR PORT SIZE TIMEOUT   # the data file in DIR; TIMEOUT: seconds
#                                      # for one whole transfer
#   xfer_servers LIFETIME NS...        # start them; 1 when one is not up
#   tap_check "a -> b" tcp_xfer a 10.0.0.2

xfer_setup() {	# DIR PORT SIZE TIMEOUT
	XFER_DIR=$1 XFER_PORT=$2 XFER_SIZE=$3 XFER_TIMEOUT=$4
	head -c "$XFER_SIZE" /dev/urandom >"$XFER_DIR/xfer-data"
	XFER_SHA=$(sha256sum "$XFER_DIR/xfer-data" | cut -d' ' -f1)
}

xfer_servers() {	# LIFETIME NS...: servers that live LIFETIME seconds
	local life=$1 h i
	shift
	for h in "$@"; do
		ip netns exec "$h" timeout "$life" python3 -c '
import hashlib, socket, sys
size = int(sys.argv[1])
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", int(sys.argv[2])))
s.listen(4)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.settimeout(30)
    h, n = hashlib.sha256(), 0
    try:
        while n < size:
            b = c.recv(65536)
            if not b:
                break
            h.update(b)
            n += len(b)
        c.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
    except OSError:
        pass
    c.close()
' "$XFER_SIZE" "$XFER_PORT" >"$XFER_DIR/xfer-srv-$h" 2>&1 &
		disown	# killed with the namespace at exit: no "Killed" notice
	done
	for h in "$@"; do
		for ((i = 0; i < 100; i++)); do
			grep -q listening "$XFER_DIR/xfer-srv-$h" && break
			sleep 0.1
		done
		grep -q listening "$XFER_DIR/xfer-srv-$h" || return 1
	done
}

tcp_xfer() {	# FROM-NS ADDR
	local got
	# shellcheck disable=SC2016 # expanded by the inner bash
	got=$(timeout "$XFER_TIMEOUT" ip netns exec "$1" bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		cat "$3" >&3 || exit 1
		IFS= read -r -t "$4" r <&3
		echo "$r"' _ "$2" "$XFER_PORT" "$XFER_DIR/xfer-data" $((XFER_TIMEOUT * 3 / 4)))
	echo "the server read: ${got:-nothing}"
	[ "$got" = "$XFER_SIZE $XFER_SHA" ]
}
