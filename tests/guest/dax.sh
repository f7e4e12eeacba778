# DAX in the guest: runs in the share's root (cwd /mnt) of a dax=always
# mount, with ./fsops; tests/guest/run-dax.sh plays the host's part and
# checks the rest on the host. Prints "PASS NAME" / "FAIL NAME: detail";
# the exit status is the number of failures.
F=./fsops
failed=0

check_eq() {
    if [ "$2" = "$3" ]; then
        echo "PASS $1"
    else
        failed=$((failed + 1))
        echo "FAIL $1: got '$(printf '%s' "$3" | tr '\n' '|')', want '$2'"
    fi
}

mnt=$(grep ' /mnt virtiofs ' /proc/mounts)
case "$mnt" in
*dax=always*) check_eq dax-mount dax "dax" ;;
*) check_eq dax-mount "dax=always in /proc/mounts" "$mnt" ;;
esac

# A shared mapping and a host mapping of one file see each other's stores.
check_eq mapshare "host write seen" "$($F mapshare coherent.bin coherent.ready)"

# The host truncates a file the guest has mapped: the lost pages read as
# zeros (semu's documented fallback), a store there does not fault.
check_eq maptrunc "before 65 66
after 0 0
stored 119" "$($F maptrunc trunc.bin trunc.ready trunc.done 2>&1)"

# The guest goes on using the share, through the window.
echo "still here" >after.txt
check_eq after-truncation "still here" "$(cat after.txt)"
sleep 2 # attributes are cached for a second (cache=auto)
check_eq truncated-size 0 "$(stat -c %s trunc.bin)"
$F pattern big.bin 8 7 >/dev/null
echo 3 >/proc/sys/vm/drop_caches
check_eq read-through-window "match 8388608" \
    "$($F verify big.bin 8 7 | cut -d' ' -f1,2)"

echo "dax: $failed failed"
exit "$failed"
