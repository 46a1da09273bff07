# SPDX-License-Identifier: GPL-2.0
#
# Our test kernel: Debian's linux-source-$(KSERIES), patched and grafted
# with lsm/, configured from tinyconfig + tests/vm/kernel.config, built
# under $(O)/kernel. Included by the top-level Makefile.
#
# The tree is extracted again only when lsm/patches change, configured
# again only when the fragment changes, and rebuilt only when lsm/ or the
# engine sources change: a second run with the same O= costs nothing.

KSERIES		?= 6.12
# KASAN is on by default: the whole suite stays well within the time
# budget with it (README, Timings). KASAN=0 builds and tests without.
KASAN		?= 1
KTARBALL	?= /usr/src/linux-source-$(KSERIES).tar.xz
KDIR		:= $(O)/kernel
KSRC		:= $(KDIR)/linux-source-$(KSERIES)
ifeq ($(KASAN),1)
KOBJ		:= $(KDIR)/obj-kasan
KFRAGS		:= tests/vm/kernel.config tests/vm/debug.config tests/vm/kasan.config
else
KOBJ		:= $(KDIR)/obj
KFRAGS		:= tests/vm/kernel.config tests/vm/debug.config
endif
BZIMAGE		:= $(KOBJ)/arch/x86/boot/bzImage
KMAKE		= $(MAKE) -C $(KSRC) O=$(KOBJ) -j$(JOBS)

# The production-config kernel of make bench (tests/vm/prod.config): the
# same tree and engine, built without debug options, booted as "lsm" by
# the bench only.
KOBJ_PROD	:= $(KDIR)/obj-prod
KFRAGS_PROD	:= tests/vm/kernel.config tests/vm/prod.config
BZIMAGE_PROD	:= $(KOBJ_PROD)/arch/x86/boot/bzImage

# What lsm/graft.sh puts in the tree (more than it needs of kmod/).
LSM_SRCS	:= $(wildcard lsm/Kconfig lsm/Makefile lsm/*.c lsm/*.h \
			      kmod/engine.mk kmod/*.c kmod/*.h) \
		   include/uapi/linux/rescap.h
LSM_PATCHES	:= $(wildcard lsm/patches/*.patch)

$(KDIR)/.patched: $(LSM_PATCHES) lsm/graft.sh
	@test -f $(KTARBALL) || { echo "missing $(KTARBALL): run 'make deps'"; exit 1; }
	@echo "  EXTRACT $(KTARBALL)"
	rm -rf $(KSRC) && mkdir -p $(KDIR)
	tar -C $(KDIR) -xf $(KTARBALL)
	lsm/graft.sh --link $(KSRC)
	touch $@

# $(call kconfig,OBJ,FRAGMENTS): tinyconfig plus the fragments, checked.
define kconfig
	@mkdir -p $(1)
	$(MAKE) -C $(KSRC) O=$(1) -j$(JOBS) -s tinyconfig
	cd $(KSRC) && KCONFIG_CONFIG=$(1)/.config \
		scripts/kconfig/merge_config.sh -m -O $(1) $(1)/.config $(abspath $(2)) >/dev/null
	$(MAKE) -C $(KSRC) O=$(1) -j$(JOBS) -s olddefconfig
	tests/vm/check-config.sh $(1)/.config $(2)
endef

$(KOBJ)/.config: $(KFRAGS) $(KDIR)/.patched tests/vm/check-config.sh
	$(call kconfig,$(KOBJ),$(KFRAGS))

$(KOBJ_PROD)/.config: $(KFRAGS_PROD) $(KDIR)/.patched tests/vm/check-config.sh
	$(call kconfig,$(KOBJ_PROD),$(KFRAGS_PROD))

$(BZIMAGE): $(KOBJ)/.config $(LSM_SRCS) tests/vm/kernel.mk
	lsm/graft.sh --link $(KSRC)
	@echo "  KERNEL  $(KSRC) -> $(KOBJ) (this takes a while the first time)"
	$(KMAKE) bzImage modules
	touch $@

$(BZIMAGE_PROD): $(KOBJ_PROD)/.config $(LSM_SRCS) tests/vm/kernel.mk
	lsm/graft.sh --link $(KSRC)
	@echo "  KERNEL  $(KSRC) -> $(KOBJ_PROD) (production config, for make bench)"
	$(MAKE) -C $(KSRC) O=$(KOBJ_PROD) -j$(JOBS) bzImage
	touch $@

.PHONY: kernel
kernel: $(BZIMAGE)

# The kernel's LSM selftests (tools/testing/selftests/lsm), built against
# our tree's UAPI headers, run in the guest by tests/kernel/lsm.
KSELFTEST_DIR	:= $(O)/selftests/lsm
KSELFTESTS	:= $(KSELFTEST_DIR)/lsm_list_modules_test

$(KSELFTESTS): $(BZIMAGE)
	$(KMAKE) -s headers
	@mkdir -p $(KSELFTEST_DIR)
	$(MAKE) -C $(KSRC)/tools/testing/selftests/lsm OUTPUT=$(KSELFTEST_DIR) \
		KHDR_INCLUDES=-isystem$(KOBJ)/usr/include
	touch $@
