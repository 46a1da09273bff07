# SPDX-License-Identifier: GPL-2.0-only
#
# The rescap engine: the objects the loadable module (kmod/Kbuild) and the
# LSM build (security/rescap/Makefile) both link. lsm/graft.sh copies
# these sources, with their headers, into a kernel tree.
rescap-engine := policy.o process.o group.o armed.o measure.o enforce.o events.o \
		 netlink.o nl-gen.o proc.o lifetime.o engine.o

# KUnit tests of the engine, built into the kernel of the LSM build.
rescap-engine-kunit := policy_test.o measure_test.o
