# Runs inside the guest, in the share (semu.run="sh glibc.sh"): the
# host's dynamically linked programs, each output and exit status recorded
# for the host to check.
./hello-c world >c.out 2>&1
echo "c-status $?" >status.txt
./hello-cpp pear apple fig >cpp.out 2>&1
echo "cpp-status $?" >>status.txt
