# Command-line tests, on the plain and the sanitizer build.
.PHONY: check-cli
check-cli: semu $(BUILD)/semu-asan $(BUILD)/minimal.dtb
	tests/cli/run.sh ./semu $(BUILD)/semu-asan

CHECK_TARGETS += check-cli
