# Runs inside the guest, in the share (semu.run="sh clock.sh"), twice: the
# first boot records the clock and reboots the guest, the second records
# it again, checks times and the RTC alarm, and exits with their status.
# The host compares each recorded time with the host time of the file's
# creation, which the host's clock gave it.
set -e
if [ ! -e boot1.txt ]; then
    date +%s >boot1.txt
    sync
    reboot -f
    sleep 60 # never reached: the machine resets
fi
date +%s >boot2.txt

# A file in the guest's own tmpfs and one on the share, made together.
touch /tmp/clock-tmpfs made-on-share
echo "tmpfs $(stat -c %Y /tmp/clock-tmpfs)" >times.txt
echo "share $(stat -c %Y made-on-share)" >>times.txt

# The RTC alarm: a program arms it through /dev/rtc0 and waits for its
# interrupt (rtc-alarm.c).
echo "rtc $(cat /sys/class/rtc/rtc0/name)" >>times.txt
./rtc-alarm >>times.txt
