# make bench: the file-system workload on semu, QEMU + virtiofsd, QEMU + 9p
# and guest tmpfs floors, side by side.
.PHONY: bench-fs
BENCH_TARGETS += bench-fs
bench-fs: semu images
	@scripts/deps.sh test
	scripts/bench-fs.sh
