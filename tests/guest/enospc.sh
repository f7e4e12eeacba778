# Runs inside the guest on a share that is a 1 MiB host tmpfs
# (tests/guest/run-enospc.sh): filling it gives ENOSPC, and after a
# delete the share works again. Notes wait in the guest's /tmp meanwhile.
set -u
dd if=/dev/zero of=fill bs=64k count=64 2>/tmp/dd.err
echo "dd-status $?" >/tmp/result.txt
echo "dd-error $(grep -o "No space left on device" /tmp/dd.err | head -n 1)" \
    >>/tmp/result.txt
rm -f fill
echo "after the delete" >after.txt
echo "read-back $(cat after.txt)" >>/tmp/result.txt
echo "enospc: done" >>/tmp/result.txt
cp /tmp/result.txt result.txt
