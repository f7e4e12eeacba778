# FUSE server tests without a guest: hand-made requests over split iovecs
# straight into fuse_server_handle, on temp shares. Each test is built
# plain and with $(SANITIZE).
#   make check-fuse     the tests
#   make bench-fuse     host-side time per LOOKUP and GETATTR

FUSE_TESTS := test-ops test-security test-dirs test-data test-budget \
              test-mapped
FUSE_TEST_LIB := tests/fuse/harness.c $(FUSE_SRCS)

$(foreach t,$(FUSE_TESTS) bench-fuse,\
  $(call test_program,fuse,$(t),tests/fuse/$(t).c $(FUSE_TEST_LIB)))

.PHONY: check-fuse bench-fuse
check-fuse: $(call test_bins,fuse,$(FUSE_TESTS))
	$(RUN_TESTS)

bench-fuse: $(BUILD)/tests/fuse/bench-fuse
	$<

CHECK_TARGETS += check-fuse
BENCH_TARGETS += bench-fuse
