# make bench: the file-system workload on semu, QEMU + virtiofsd, QEMU + 9p
# and guest tmpfs floors, side by side; once with the shared directory on
# the host's disk, once on a host tmpfs (the transports' cost alone).
.PHONY: bench-fs
BENCH_TARGETS += bench-fs
bench-fs: semu images $(TEST_DEPS_STAMP)
	scripts/bench-fs.sh
	BENCH_HOST_DIR=/dev/shm scripts/bench-fs.sh

# make bench: BusyBox userland work on guest tmpfs on semu --jit on (when
# the build has a translator), semu --jit off and QEMU TCG, side by side.
.PHONY: bench-userland
BENCH_TARGETS += bench-userland
bench-userland: semu images $(TEST_DEPS_STAMP)
	scripts/bench-userland.sh ./semu

# make bench: loops that spend their time in Linux (fork+exec, creating
# files on the share) on semu --jit on and off and QEMU TCG, with semu's
# guest instructions per second.
.PHONY: bench-kernel
BENCH_TARGETS += bench-kernel
bench-kernel: semu images $(TEST_DEPS_STAMP)
	scripts/bench-kernel.sh ./semu
