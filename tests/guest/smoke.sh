# Runs inside the guest, in the share's root (semu.run="sh smoke.sh").
# The host checks what it leaves behind.
set -e
test "$(cat from-host.txt)" = "hello from the host"
echo "written by the guest" >from-guest.txt
chmod 640 from-guest.txt
mkdir made-and-removed
test -d made-and-removed
rmdir made-and-removed
test ! -e made-and-removed
mkdir made-by-guest
echo "smoke: ok"
