# Runs inside the guest as root, in the share's root, while semu runs as
# an ordinary host user (tests/guest/run-unprivileged.sh). Records what
# the guest saw in result.txt; the host checks it and the files.
set -u
echo "made by guest root" >by-guest.txt
mkdir by-guest-dir
chmod 4755 by-guest.txt
chown 4321:4321 by-guest.txt 2>chown.err
echo "chown-status $?" >result.txt
echo "chown-error $(cat chown.err)" >>result.txt
echo "guest-sees-owner $(stat -c %u:%g by-guest.txt)" >>result.txt
echo "read-back $(cat by-guest.txt)" >>result.txt
# The host, not guest root, decides: the host user cannot read mode 000.
echo "reads-000 $(cat host-000.txt 2>&1)" >>result.txt
echo "unprivileged: done" >>result.txt
