# Guest tests: boot Linux and run scripts inside it through semu.run=.
.PHONY: check-qemu-ref

# The reference platform: proves the images and the smoke test itself.
CHECK_TARGETS += check-qemu-ref
check-qemu-ref: images $(TEST_DEPS_STAMP)
	tests/guest/run-smoke.sh qemu

# Guest helper programs (fsops, rtc-alarm): static riscv64 binaries the
# tests copy into the share.
$(BUILD)/guest/%: tests/guest/%.c
	@mkdir -p $(dir $@)
	riscv64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o $@ $<

# The guest file-system suite (tests/guest/fs-suite.sh) and its helper.
.PHONY: check-guest-fs-qemu check-guest-fs

# On the reference platform (QEMU + virtiofsd): proves the suite itself.
CHECK_TARGETS += check-guest-fs-qemu
check-guest-fs-qemu: images $(BUILD)/guest/fsops $(TEST_DEPS_STAMP)
	tests/guest/run-fs-suite.sh qemu

# On semu: the spec its virtio-fs device must meet.
CHECK_TARGETS += check-guest-fs
check-guest-fs: semu images $(BUILD)/guest/fsops
	tests/guest/run-fs-suite.sh semu

# The same smoke test on semu, and on semu under ASan and UBSan.
.PHONY: check-smoke
CHECK_TARGETS += check-smoke
check-smoke: semu $(BUILD)/semu-asan images
	tests/guest/run-smoke.sh semu
	tests/guest/run-smoke.sh semu-asan

# The node table stays bounded: find over 100,000 files, drop_caches.
.PHONY: check-forget
CHECK_TARGETS += check-forget
check-forget: semu images
	tests/guest/run-forget.sh

# semu run by an ordinary user (nobody, when make check runs as root).
.PHONY: check-unprivileged
CHECK_TARGETS += check-unprivileged
check-unprivileged: semu images
	tests/guest/run-unprivileged.sh

# A full host file system: ENOSPC reaches the guest (needs root to mount).
.PHONY: check-enospc
CHECK_TARGETS += check-enospc
check-enospc: semu images
	tests/guest/run-enospc.sh

# Two shares, one fd pool: one share's EMFILE leaves the other working.
.PHONY: check-two-shares
CHECK_TARGETS += check-two-shares
check-two-shares: semu images $(BUILD)/guest/fsops
	tests/guest/run-two-shares.sh

# semu as an ordinary user (nobody under root) with security=mapped: guest
# root's owners, modes and device nodes in attributes, plain files on the host.
.PHONY: check-guest-fs-mapped
CHECK_TARGETS += check-guest-fs-mapped
check-guest-fs-mapped: semu images $(BUILD)/guest/fsops
	tests/guest/run-fs-suite.sh semu-mapped

# $(call semu_and_qemu,NAME,PREREQUISITES): check-NAME runs
# tests/guest/run-NAME.sh on semu, then on the reference platform.
define semu_and_qemu
.PHONY: check-$(1)
CHECK_TARGETS += check-$(1)
check-$(1): semu images $(TEST_DEPS_STAMP) $(2)
	tests/guest/run-$(1).sh semu
	tests/guest/run-$(1).sh qemu
endef

# The host's time in the guest (Goldfish RTC), at boot and after a reboot,
# and its alarm.
$(eval $(call semu_and_qemu,clock,$(BUILD)/guest/rtc-alarm))
# Dynamically linked C and C++ programs from the host's cross compilers run
# from the share (the image's glibc runtime).
$(eval $(call semu_and_qemu,glibc))
# build/rootfs/ as the guest's / over virtio-fs (-s DIR,root); QEMU with
# virtiofsd.
$(eval $(call semu_and_qemu,root))

# DAX (-s DIR,dax=SIZE, mount -o dax=always): coherent shared mappings with
# host processes, a host truncation under a guest mapping, and the whole
# file-system suite on a DAX mount.
.PHONY: check-guest-dax
CHECK_TARGETS += check-guest-dax
check-guest-dax: semu $(BUILD)/semu-asan images $(BUILD)/guest/fsops
	tests/guest/run-dax.sh semu
	tests/guest/run-dax.sh semu-asan
	tests/guest/run-fs-suite.sh semu-dax
