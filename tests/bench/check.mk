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
