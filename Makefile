# SPDX-License-Identifier: GPL-2.0
#
# nfipsec — top-level Makefile.
#
#   make               build kmod/nfipsec.ko (against KDIR) and the tools
#   make demo          boot a QEMU guest and show nfipsec at work
#   make check         every test layer (unit, KUnit, QEMU selftests on 6.1,
#                      6.12 and the debug kernel); non-zero on any failure
#   make bench         benchmarks against the Linux reference, same guest run
#   make deps          install the Debian packages the project needs (root)
#   make install       module to /lib/modules/<ver>/extra, tools to /usr/local/sbin
#
# KDIR defaults to the running kernel's build tree when it exists, else the
# newest installed Debian /usr/src/linux-headers-*-amd64.

TOP      := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KDIR     ?= $(shell $(TOP)/scripts/kdir.sh)
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
DESTDIR  ?=
# Kernels the selftests run on (names understood by selftests/run.sh).
KERNELS  ?= 6.1 6.12 debug
# Extra arguments for selftests/run.sh, e.g. TESTS="pfkey_socket sysctl".
TESTS    ?=

.PHONY: all module tools deps check unit kunit selftest demo bench install \
	uninstall clean checkpatch sparse help

all: module tools

module:
	@test -d "$(KDIR)" || { echo "make: no kernel build tree (KDIR='$(KDIR)'); run 'make deps' or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

tools:
	$(MAKE) -C $(TOP)/tools

deps:
	$(TOP)/scripts/deps.sh

# Userspace unit tests of the shared pure-C code and of tools/.
unit: tools
	$(MAKE) -C $(TOP)/tools check

# KUnit suites alone, on the cached debug kernel.
kunit:
	$(TOP)/selftests/run.sh --kernel debug --kunit-only

# QEMU selftests; KERNELS and TESTS narrow them down.
selftest:
	$(TOP)/selftests/run.sh $(foreach k,$(KERNELS),--kernel $(k)) $(foreach t,$(TESTS),--test $(t))

check:
	$(TOP)/scripts/check.sh

demo:
	$(TOP)/scripts/demo.sh

bench:
	$(TOP)/scripts/bench.sh

install: module tools
	$(MAKE) -C $(KDIR) M=$(TOP) INSTALL_MOD_DIR=extra modules_install
	depmod -a $$($(TOP)/scripts/krelease.sh $(KDIR))
	$(MAKE) -C $(TOP)/tools install DESTDIR=$(DESTDIR) SBINDIR=$(SBINDIR)
	install -D -m 0644 $(TOP)/scripts/nfipsec-blacklist-af_key.conf \
		$(DESTDIR)/etc/modprobe.d/nfipsec-blacklist-af_key.conf

uninstall:
	rm -f /lib/modules/$$($(TOP)/scripts/krelease.sh $(KDIR))/extra/kmod/nfipsec*.ko
	depmod -a $$($(TOP)/scripts/krelease.sh $(KDIR))
	$(MAKE) -C $(TOP)/tools uninstall DESTDIR=$(DESTDIR) SBINDIR=$(SBINDIR)
	rm -f $(DESTDIR)/etc/modprobe.d/nfipsec-blacklist-af_key.conf

checkpatch:
	$(TOP)/scripts/checkpatch.sh

sparse:
	$(MAKE) -C $(KDIR) M=$(TOP) C=2 modules

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	$(MAKE) -C $(TOP)/tools clean
	rm -rf $(TOP)/build

help:
	@sed -n '3,16p' $(TOP)/Makefile
