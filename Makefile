# SPDX-License-Identifier: GPL-2.0
#
# rescap: top-level build.
#
#   make demo            boot Debian's kernel in a VM and show rescap working
#   make check           every test: host unit tests, then the VM suites on
#                        Debian's stock kernel and on our 6.12 debug kernel
#   make check T='ours/engine/*'  only the tests matching the patterns
#   make check-full      make check plus the runs it leaves out for its time:
#                        suites on stock612, lsm and ours (README: Tests)
#   make bench           overhead of rescap, side by side in one VM per kernel
#   make fuzz            the long netlink and D-Bus fuzz runs (FUZZ_N=1000000
#                        messages, DBUS_FUZZ_N=20000 calls)
#   make deb             the Debian packages, rescap-dkms and rescapd, into
#                        $(O)/deb (dpkg-buildpackage, then lintian)
#   make deps            install what building and testing need (apt-get)
#   make kernel          our 6.12 debug kernel (rescap LSM built in)
#   make modules         rescap.ko for the kernels: Debian 12's stock 6.1 and
#                        6.12 (fetched from bookworm-security), and ours
#   make O=DIR ...       put every build output under DIR (default: build/)
#   make KASAN=0 ...     the same, with our kernel built without KASAN
#
# All outputs live under $(O); a second run with the same O= reuses the
# kernel build.

O		?= build
override O	:= $(abspath $(O))
JOBS		?= $(shell nproc)
T		?=
export O

.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all deps kernel modules check check-full demo bench fuzz clean help deb

all: modules userspace

help:
	@sed -n '3,21s/^# \{0,1\}//p' Makefile

deps:
	@tests/deps

include tests/vm/kernel.mk

# Where the VM runner finds our kernel and its modules (tests/vm/run-vm).
ifeq ($(KASAN),1)
OURS		:= ours-kasan
else
OURS		:= ours
endif
export RESCAP_KOBJ := $(KOBJ)
export RESCAP_OURS := $(OURS)

# ---- out-of-tree modules, built for each kernel under $(O)/kmod/KERNEL ----
#
# kbuild writes its objects next to the sources of an external module, so
# each build gets a directory of symbolic links to the sources.

STOCK_KVER	= $(shell tests/vm/stock-kver)
KMOD_SRCS	:= $(wildcard kmod/Kbuild kmod/engine.mk kmod/*.c kmod/*.h) include/uapi/linux/rescap.h
TKMOD_SRCS	:= $(wildcard tests/kmods/Kbuild tests/kmods/*.c)

# The version of the packages (debian/changelog), the module's modinfo version.
VERSION		:= $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)

# $(call extmod,SOURCES,OUTDIR,KBUILD-MAKE)
define extmod
	@mkdir -p $(2)
	@find $(2) -maxdepth 1 -type l -delete
	@ln -s $(abspath $(1)) $(2)/
	+$(3) M=$(2) W=1 KCFLAGS=-Werror RESCAP_INCLUDE=$(abspath include) \
		RESCAP_VERSION=$(VERSION) modules
endef

# Debian's headers take a command-line O= as their own output directory, and
# ours reaches every sub-make through MAKEFLAGS: the empty O= on the kbuild
# command line overrides it (make O=DIR works for every target).
$(O)/kmod/stock/rescap.ko: $(KMOD_SRCS)
	$(call extmod,$(KMOD_SRCS),$(@D),$(MAKE) -C /lib/modules/$(STOCK_KVER)/build O=)

# Debian 12's stock 6.12 (bookworm-security): unpacked under $(O)/stock-6.12
# by tests/vm/stock-fetch unless installed on this machine, found by
# tests/vm/stock-kver like the 6.1 one. The fetch only looks when the
# newest is there already.
.PHONY: stock612
stock612:
	tests/vm/stock-fetch 6.12 $(O)/stock-6.12

$(O)/kmod/stock612/rescap.ko: $(KMOD_SRCS) | stock612
	$(call extmod,$(KMOD_SRCS),$(@D),$(MAKE) -C $$(tests/vm/stock-kver -b 6.12) O=)

$(O)/kmod/$(OURS)/rescap.ko: $(KMOD_SRCS) $(BZIMAGE)
	$(call extmod,$(KMOD_SRCS),$(@D),$(KMAKE))

$(O)/kmod/stock/test/splat_test.ko: $(TKMOD_SRCS)
	$(call extmod,$(TKMOD_SRCS),$(@D),$(MAKE) -C /lib/modules/$(STOCK_KVER)/build O=)

$(O)/kmod/$(OURS)/test/splat_test.ko: $(TKMOD_SRCS) $(BZIMAGE)
	$(call extmod,$(TKMOD_SRCS),$(@D),$(KMAKE))

MODULES		:= $(O)/kmod/stock/rescap.ko $(O)/kmod/stock612/rescap.ko $(O)/kmod/$(OURS)/rescap.ko
TEST_MODULES	:= $(O)/kmod/stock/test/splat_test.ko $(O)/kmod/$(OURS)/test/splat_test.ko

modules: $(MODULES)

# ---- userspace: rescapctl and the daemon core (C11, -Werror) ----

CC		?= cc
USER_CFLAGS	:= -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow \
		   -Wstrict-prototypes -Wmissing-prototypes -D_GNU_SOURCE \
		   -Iinclude/uapi -Icgroupd -Idbus
USER_LIBS	:= -lmnl
KLINK_SRCS	:= cgroupd/kernel-link.c cgroupd/size.c cgroupd/utf8.c
USER_HDRS	:= $(wildcard cgroupd/*.h) include/uapi/linux/rescap.h

RESCAPCTL_SRCS	:= cgroupd/rescapctl.c cgroupd/rescapctl-bus.c cgroupd/rescapctl-metrics.c \
		   cgroupd/rescapctl-print.c cgroupd/rescapctl-top.c cgroupd/rescapd-unit.c \
		   cgroupd/bus-subscribe.c cgroupd/sockets.c
$(O)/bin/rescapctl: $(RESCAPCTL_SRCS) $(KLINK_SRCS) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(USER_LIBS) $(SD_LIBS) -lsmartcols

$(O)/bin/rtest-nl $(O)/bin/rtest-bench $(O)/bin/rtest-race: $(O)/bin/%: tests/helpers/%.c $(KLINK_SRCS) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(USER_LIBS)

# The D-Bus fuzzer talks sd-bus, as rescapd does.
$(O)/bin/rtest-dbus-fuzz: tests/helpers/rtest-dbus-fuzz.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(CFLAGS) -o $@ $< $(SD_LIBS)

$(O)/bin/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(CFLAGS) -o $@ $< -lpthread

# Host unit tests of the userspace code, under ASan and UBSan.
SAN_CFLAGS	:= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(O)/tests/test-size: tests/unit/test-size.c tests/unit/check.h cgroupd/size.c cgroupd/size.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ $(filter %.c,$^)

$(O)/tests/test-utf8: tests/unit/test-utf8.c tests/unit/check.h cgroupd/utf8.c cgroupd/utf8.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ $(filter %.c,$^)

UNIT_BINS	:= $(O)/tests/test-size $(O)/tests/test-utf8

# rescapd: the daemon core (cgroupd/) and its bus object (dbus/), on
# sd-bus and sd-event.
SD_LIBS		:= $(shell pkg-config --libs libsystemd 2>/dev/null || echo -lsystemd)
RESCAPD_SRCS	:= cgroupd/rescapd.c cgroupd/rescapd-manager.c cgroupd/rescapd-sample.c \
		   cgroupd/rescapd-unit.c cgroupd/rescapd-config.c cgroupd/unit-config.c \
		   cgroupd/bus-get.c cgroupd/sockets.c \
		   dbus/bus-manager.c dbus/bus-unit.c dbus/bus-auth.c
RESCAPD_HDRS	:= $(USER_HDRS) $(wildcard dbus/*.h)

$(O)/bin/rescapd: $(RESCAPD_SRCS) $(KLINK_SRCS) $(RESCAPD_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(USER_LIBS) $(SD_LIBS)

# The daemon under ASan/UBSan, for the host tests of its bus object.
$(O)/tests/rescapd-san: $(RESCAPD_SRCS) $(KLINK_SRCS) $(RESCAPD_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ $(filter %.c,$^) $(USER_LIBS) $(SD_LIBS)

$(O)/tests/test-rescapd: tests/unit/test-rescapd.c tests/unit/check.h cgroupd/rescapd-sample.c cgroupd/rescapd-unit.c \
		cgroupd/sockets.c \
		$(KLINK_SRCS) $(RESCAPD_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ $(filter %.c,$^) $(USER_LIBS) $(SD_LIBS)

$(O)/tests/test-unit-config: tests/unit/test-unit-config.c tests/unit/check.h cgroupd/unit-config.c \
		cgroupd/rescapd-unit.c $(KLINK_SRCS) $(RESCAPD_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ $(filter %.c,$^) $(USER_LIBS) $(SD_LIBS)

$(O)/tests/test-print: tests/unit/test-print.c tests/unit/check.h cgroupd/rescapctl-print.c \
		cgroupd/rescapd-unit.c $(KLINK_SRCS) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ $(filter %.c,$^) $(USER_LIBS) $(SD_LIBS) -lsmartcols

$(O)/tests/test-sockets: tests/unit/test-sockets.c tests/unit/check.h cgroupd/sockets.c cgroupd/sockets.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ $(filter %.c,$^) $(USER_LIBS)

UNIT_BINS	+= $(O)/tests/rescapd-san $(O)/tests/test-rescapd $(O)/tests/test-unit-config $(O)/tests/test-print \
		   $(O)/tests/test-sockets

# rescap-notify: a user session's notifications of its kills and warnings.
$(O)/bin/rescap-notify: cgroupd/rescap-notify.c cgroupd/bus-subscribe.c cgroupd/size.c $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(SD_LIBS)

USER_BINS	:= $(O)/bin/rescapctl $(O)/bin/rescapd $(O)/bin/rescap-notify
TEST_BINS	:= $(patsubst tests/helpers/%.c,$(O)/bin/%,$(wildcard tests/helpers/*.c))

.PHONY: userspace
userspace: $(USER_BINS)

# ---- install: make install DESTDIR=... (PREFIX=/usr) ----

PREFIX		?= /usr
DESTDIR		?=
INSTALL		?= install

.PHONY: install
install: $(USER_BINS)
	$(INSTALL) -D -m 0755 $(O)/bin/rescapd $(DESTDIR)$(PREFIX)/libexec/rescapd
	$(INSTALL) -D -m 0755 $(O)/bin/rescapctl $(DESTDIR)$(PREFIX)/bin/rescapctl
	$(INSTALL) -D -m 0755 $(O)/bin/rescap-notify $(DESTDIR)$(PREFIX)/bin/rescap-notify
	$(INSTALL) -D -m 0644 dbus/rescap-notify.service $(DESTDIR)$(PREFIX)/lib/systemd/user/rescap-notify.service
	$(INSTALL) -D -m 0644 dbus/rescap-notify.desktop $(DESTDIR)/etc/xdg/autostart/rescap-notify.desktop
	$(INSTALL) -D -m 0644 cgroupd/rescap-notify.1 $(DESTDIR)$(PREFIX)/share/man/man1/rescap-notify.1
	$(INSTALL) -D -m 0644 dbus/rescapd.service $(DESTDIR)$(PREFIX)/lib/systemd/system/rescapd.service
	$(INSTALL) -D -m 0644 dbus/rescap-metrics.service $(DESTDIR)$(PREFIX)/lib/systemd/system/rescap-metrics.service
	$(INSTALL) -D -m 0644 dbus/rescap-metrics.timer $(DESTDIR)$(PREFIX)/lib/systemd/system/rescap-metrics.timer
	$(INSTALL) -D -m 0644 dbus/org.rescap1.service $(DESTDIR)$(PREFIX)/share/dbus-1/system-services/org.rescap1.service
	$(INSTALL) -D -m 0644 dbus/org.rescap1.conf $(DESTDIR)$(PREFIX)/share/dbus-1/system.d/org.rescap1.conf
	$(INSTALL) -D -m 0644 dbus/org.rescap1.policy $(DESTDIR)$(PREFIX)/share/polkit-1/actions/org.rescap1.policy
	$(INSTALL) -D -m 0644 dbus/org.rescap1.xml $(DESTDIR)$(PREFIX)/share/dbus-1/interfaces/org.rescap1.xml
	$(INSTALL) -D -m 0644 dbus/rescap.tmpfiles $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/rescap.conf
	$(INSTALL) -D -m 0644 cgroupd/rescapctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/rescapctl.8
	$(INSTALL) -D -m 0644 cgroupd/rescapctl.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/rescapctl
	$(INSTALL) -D -m 0644 cgroupd/rescapd.8 $(DESTDIR)$(PREFIX)/share/man/man8/rescapd.8
	$(INSTALL) -D -m 0644 dbus/org.rescap1.5 $(DESTDIR)$(PREFIX)/share/man/man5/org.rescap1.5
	$(INSTALL) -d -m 0755 $(DESTDIR)/etc/rescap
	@# The alias dbus-org.rescap1.service, which D-Bus activation starts, and
	@# the start at boot (unit caps are applied again then): systemctl enable,
	@# on DESTDIR's tree when there is one. The metrics timer does nothing
	@# where node_exporter's textfile directory is missing.
	systemctl $(if $(DESTDIR),--root=$(DESTDIR)) enable rescapd.service rescap-metrics.timer
	@# rescap-notify in every user's graphical session (systemd --user).
	systemctl $(if $(DESTDIR),--root=$(DESTDIR)) --global enable rescap-notify.service

# ---- Debian packages: make deb ----
#
# Built from a copy of the tree's files (tracked, or new and not ignored)
# under $(O)/deb, where dpkg-buildpackage leaves the .debs (it writes them
# next to the source directory). Fails on a lintian error; lintian's
# warnings are printed.

DEB_DIR		:= $(O)/deb
DEB_SRC		:= $(DEB_DIR)/rescap-$(VERSION)

deb: deps
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 cp --parents -t $(DEB_SRC)
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -us -uc -b
	lintian --fail-on error $(DEB_DIR)/rescap_$(VERSION)_*.changes

# ---- tests ----

check: deps
	@mkdir -p $(O)
	@echo "building kernel and modules (the first run takes about 10 minutes; log: $(O)/build.log)"
	@$(MAKE) --no-print-directory build-for-check >$(O)/build.log 2>&1 || \
		{ tail -n 50 $(O)/build.log; echo "build failed (full log: $(O)/build.log)"; \
		  echo "0 passed, 1 failed"; exit 1; }
	@tests/run $(T)

# Every test on every kernel it applies to (some 30 minutes more than make
# check under TCG): tests/run's RTEST_FULL.
check-full: export RTEST_FULL := 1
check-full: check

# The LSM is measured on the production-config kernel (tests/vm/prod.config),
# the module on the stock and debug kernels.
bench: deps
	@mkdir -p $(O)
	@$(MAKE) --no-print-directory build-for-check $(BZIMAGE_PROD) >$(O)/build.log 2>&1 || \
		{ tail -n 50 $(O)/build.log; echo "build failed (full log: $(O)/build.log)"; exit 1; }
	@BENCH_LSM_KOBJ=$(KOBJ_PROD) tests/bench/run $(BENCH_KERNELS)

.PHONY: build-for-check
build-for-check: $(BZIMAGE) $(KSELFTESTS) $(MODULES) $(TEST_MODULES) $(USER_BINS) $(TEST_BINS) $(UNIT_BINS) deb

# The long netlink fuzz run: RTEST_FUZZ_N messages (default 1,000,000) on
# the debug kernel, module and LSM (make check sends 50,000), and the long
# D-Bus fuzz run of rescapd: DBUS_FUZZ_N calls as root and as many as
# nobody, on the stock kernel (make check: 2,000 and 500).
FUZZ_N		?= 1000000
DBUS_FUZZ_N	?= 20000
.PHONY: fuzz
fuzz: deps
	@mkdir -p $(O)
	@$(MAKE) --no-print-directory build-for-check >$(O)/build.log 2>&1 || \
		{ tail -n 50 $(O)/build.log; echo "build failed (full log: $(O)/build.log)"; exit 1; }
	@RTEST_FULL=1 RTEST_FUZZ_N=$(FUZZ_N) RTEST_DBUS_FUZZ_N=$(DBUS_FUZZ_N) RTEST_TEST_TIMEOUT=5000 RTEST_SUITE_TIMEOUT=5400 \
		tests/run 'ours/fuzz/*' 'lsm/fuzz/*' 'stock/dbus/fuzz'

demo: deps
	@mkdir -p $(O)
	@$(MAKE) --no-print-directory $(O)/kmod/stock/rescap.ko $(USER_BINS) $(O)/bin/rtest-proc >$(O)/demo-build.log 2>&1 || \
		{ tail -n 50 $(O)/demo-build.log; echo "build failed (full log: $(O)/demo-build.log)"; exit 1; }
	@tests/demo

clean:
	rm -rf $(O)

# ---- the wire format: include/rescap.yaml -> UAPI header, kernel policy ----
#
# The outputs are checked in; 'make uapi' regenerates them with the 6.12
# tree's ynl-gen-c.py, and a host test checks that they are up to date.

YNL_GEN		= $(KSRC)/tools/net/ynl/ynl-gen-c.py
UAPI_OUT	:= include/uapi/linux/rescap.h kmod/nl-gen.h kmod/nl-gen.c

.PHONY: uapi
uapi: $(KDIR)/.patched
	tests/ynl-gen $(KSRC) $(O)/ynl include/rescap.yaml .
