# Guest tests: boot Linux and run scripts inside it through semu.run=.
.PHONY: check-qemu-ref

# The reference platform: proves the images and the smoke test itself.
CHECK_TARGETS += check-qemu-ref
check-qemu-ref: images
	@scripts/deps.sh test
	tests/guest/run-smoke.sh qemu
