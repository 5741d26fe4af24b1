#!/usr/bin/env bash
# The installer on a fake GX root: a temp dir stands in for /data and /service, a real svscan
# supervises the service (daemontools, as on Venus OS), the scripts run under BusyBox sh, and a
# private dbus-daemon with battery-sim stands in for the GX bus. The bundle is made for this
# machine by scripts/make-bundle, so it starts through its own loader exactly as on a GX.
#
#   installer_test.sh DAEMON BATTERY_SIM
# Exit 77 (skipped) when daemontools or busybox are missing.
set -euo pipefail
daemon=$1 sim=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
for tool in svscan svc svstat multilog busybox dbus-send; do
    command -v $tool >/dev/null || { echo "SKIPPED: $tool is not installed (scripts/setup installs it)"; exit 77; }
done

tmp=$(mktemp -d /tmp/bagg-install-test.XXXXXX)
pids=()
svscan_pid=""
# A process of svscan's group (svscan, supervise, run, multilog) that has not exited yet. A zombie
# writes nothing more, and the one it was reparented to may never reap it: it does not count.
group_running() {
    local f stat fields
    for f in /proc/[0-9]*/stat; do
        read -r stat 2>/dev/null < "$f" || continue
        read -ra fields <<<"${stat##*) }"  # state ppid pgrp ..., after the "(comm)" that may hold spaces
        [ "${fields[2]:-}" = "$svscan_pid" ] && [ "${fields[0]:-}" != Z ] && return 0
    done
    return 1
}
cleanup() {
    # svscan and every supervise/run/multilog below it share one process group.
    [ -n "$svscan_pid" ] && kill -TERM -- "-$svscan_pid" 2>/dev/null || true
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 0.2
    if [ -n "$svscan_pid" ]; then
        kill -KILL -- "-$svscan_pid" 2>/dev/null || true
        wait "$svscan_pid" 2>/dev/null || true
        # Until the last of them has exited, supervise and multilog may still write under $tmp.
        for _ in $(seq 100); do group_running || break; sleep 0.1; done
        group_running && echo "cleanup: processes of svscan's group still run after 10 s; $tmp may stay" >&2
    fi
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/log/current" ] && { echo "--- service log:"; cat "$tmp/log/current"; }; exit 1; }
check() { local what=$1; shift; "$@" || fail "$what"; echo "ok: $what"; }
waitfor() {  # seconds, command...
    local n=$(($1 * 10)); shift
    for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
    return 1
}

# ---- the GX bus, with three packs ----
cat > "$tmp/bus.conf" <<XML
<busconfig><listen>unix:path=$tmp/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
XML
dbus-daemon --config-file="$tmp/bus.conf" --nofork --nopidfile 2>/dev/null &
pids+=($!)
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/bus"
# Answering, not only there: the socket exists from bind() on, and a client that connects before
# listen() is refused (battery-sim then exits and the aggregate never sees a pack).
bus_answers() { dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetId >/dev/null 2>&1; }
waitfor 10 bus_answers || fail "private dbus-daemon"
"$sim" --packs 3 --soc 70,80,90 --no-drift >"$tmp/sim.log" 2>&1 &
pids+=($!)

aggregate_soc() {
    dbus-send --system --print-reply=literal --dest=com.victronenergy.battery.aggregate /Soc \
        com.victronenergy.BusItem.GetValue 2>/dev/null | awk '{print $NF}'
}
on_bus() { [ "$(aggregate_soc)" = 70 ]; }
off_bus() { ! dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:com.victronenergy.battery.aggregate | grep -q "true"; }

# ---- a bundle for this machine ----
case "$(uname -m)" in armv7*) arch=armv7 ;; aarch64) arch=aarch64 ;; *) arch=$(uname -m) ;; esac
bundle=$tmp/dbus-battery-aggregator-test-$arch
"$src/scripts/make-bundle" "$daemon" "$(gcc -dumpmachine)" "$arch" "$bundle" >/dev/null
root=$tmp/root
mkdir -p "$root/data" "$root/service"
printf '#!/bin/sh\necho "owner line kept" > /dev/null\n' > "$root/data/rc.local"
chmod +x "$root/data/rc.local"

# ---- --dry-run changes nothing ----
out=$(busybox sh "$bundle/install.sh" --root "$root" --dry-run)
check "dry run says what it would do" grep -q "would link $root/service/dbus-battery-aggregator" <<<"$out"
check "dry run says each action once" test "$(sort <<<"$out" | uniq -d | wc -l)" -eq 0
check "dry run speaks in the future tense" bash -c '! grep -qv "^Dry run: \|^  would " <<<"$1"' _ "$out"
check "dry run is short" test "$(wc -l <<<"$out")" -le 8
out=$(busybox sh "$src/scripts/install.sh" --dry-run 2>&1) && fail "install.sh from the source tree ran"
check "install.sh outside a bundle says so" grep -q "run the install.sh of an unpacked bundle" <<<"$out"
check "dry run installs nothing" test ! -e "$root/data/apps"
check "dry run leaves rc.local alone" test "$(grep -c . "$root/data/rc.local")" -eq 2

# ---- install ----
busybox sh "$bundle/install.sh" --root "$root" > "$tmp/install.out"
app=$root/data/apps/dbus-battery-aggregator
check "program installed" test -x "$app/bin/dbus-battery-aggregator"
check "own loader installed" test -x "$app/lib/ld.so"
check "configuration installed" test -f "$app/dbus-battery-aggregator.ini"
check "the command works through the bundle's loader" sh -c "'$app/dbus-battery-aggregator' --version | grep -q '$(uname -m)'"
check "service linked" test "$(readlink "$root/service/dbus-battery-aggregator")" = "$app/service"
check "rc.local keeps the owner's line" grep -q "owner line kept" "$root/data/rc.local"
check "rc.local re-links at boot" grep -q "^ln -sfn /data/apps/dbus-battery-aggregator/service /service/dbus-battery-aggregator  # dbus-battery-aggregator: start at boot$" "$root/data/rc.local"
check "rc.local still executable" test -x "$root/data/rc.local"
printf '[service]\ndevice_instance = 300\nstate_file =\n' > "$app/dbus-battery-aggregator.ini"  # the owner's edit

# ---- under supervise ----
mkdir -p "$tmp/log"
BAGG_LOG_DIR=$tmp/log setsid svscan "$root/service" >/dev/null 2>&1 &
svscan_pid=$!
check "the service runs under supervise and answers on the bus" waitfor 30 on_bus
check "svstat says up" waitfor 5 sh -c "svstat '$root/service/dbus-battery-aggregator' | grep -q ': up'"
check "multilog writes the log" waitfor 10 grep -q "dbus-battery-aggregator .* starting" "$tmp/log/current"
svc -d "$root/service/dbus-battery-aggregator"
check "svc -d stops it" waitfor 10 off_bus
check "svstat says down" waitfor 5 sh -c "svstat '$root/service/dbus-battery-aggregator' | grep -q ': down'"
svc -u "$root/service/dbus-battery-aggregator"
check "svc -u starts it" waitfor 30 on_bus

# ---- reinstall is a no-op ----
# Not supervise's own files: it replaces supervise/status whenever the service changes state.
installed_files() { (cd "$root" && find . -name supervise -prune -o -type f -exec md5sum {} + | sort); }
before=$(installed_files)
out=$(busybox sh "$bundle/install.sh" --root "$root")
check "reinstall says there is nothing to change" grep -q "Nothing to change" <<<"$out"
check "reinstall changes no file" test "$(installed_files)" = "$before"
check "reinstall adds no second rc.local line" test "$(grep -c "start at boot" "$root/data/rc.local")" -eq 1

# ---- upgrade: a newer bundle replaces the program, keeps the configuration, restarts ----
service_pid() { svstat "$root/service/dbus-battery-aggregator" | sed -n 's/.*(pid \([0-9]*\)).*/\1/p'; }
pid_before=$(service_pid)
echo "9.9.9" > "$bundle/VERSION"
printf '\0' >> "$bundle/bin/dbus-battery-aggregator"  # another build: different bytes, still the same ELF
out=$(busybox sh "$bundle/install.sh" --root "$root")
check "upgrade restarts the service" grep -q "Restarting the service" <<<"$out"
check "upgrade replaced the program" cmp -s "$bundle/bin/dbus-battery-aggregator" "$app/bin/dbus-battery-aggregator"
check "upgrade kept the configuration" grep -q "device_instance = 300" "$app/dbus-battery-aggregator.ini"
check "the new program runs" waitfor 30 sh -c "pid=\$(svstat '$root/service/dbus-battery-aggregator' | sed -n 's/.*(pid \([0-9]*\)).*/\1/p'); [ -n \"\$pid\" ] && [ \"\$pid\" != '$pid_before' ]"
check "and answers" waitfor 30 on_bus

# ---- upgrade while it runs: the new bundle's loader and libraries differ too ----
# The running daemon executes lib/ld.so and maps lib/* and bin/*: writing over them in place fails
# ("Text file busy") or changes the pages under the running process. Each file goes to a temp name
# next to it and is renamed into place; the old process keeps its old inodes until it restarts.
bundle2=$tmp/dbus-battery-aggregator-test2-$arch
"$src/scripts/make-bundle" "$daemon" "$(gcc -dumpmachine)" "$arch" "$bundle2" >/dev/null
echo "9.9.10" > "$bundle2/VERSION"
for f in "$bundle2"/lib/* "$bundle2/bin/dbus-battery-aggregator"; do printf '\0' >> "$f"; done  # harmless after the ELF end
cp "$app/lib/ld.so" "$app/lib/libonly-in-old-bundle.so.1"  # a library the new bundle no longer has
check "the old version runs before the upgrade" waitfor 30 on_bus
pid_before=$(service_pid)
bundle_files() { (cd "$1" && find bin lib service install.sh uninstall.sh dbus-battery-aggregator VERSION ARCH \
    -name supervise -prune -o -type f -print | sort); }
out=$(busybox sh "$bundle2/install.sh" --root "$root" 2>&1) || fail "upgrade while the service runs exited $?: $out"
echo "ok: upgrade while the service runs exits 0"
check "upgrade restarts the service" grep -q "Restarting the service" <<<"$out"
replaced_all() {
    local f ok=0
    for f in $(bundle_files "$bundle2"); do cmp -s "$bundle2/$f" "$app/$f" || { echo "not replaced: $f"; ok=1; }; done
    [ $ok = 0 ] || { echo "--- install.sh said:"; echo "$out"; }
    return $ok
}
check "every file of the new bundle is in place" replaced_all
check "the library only the old bundle had is removed" test ! -e "$app/lib/libonly-in-old-bundle.so.1"
check "no temp file left" test -z "$(find "$app" -name supervise -prune -o -name '.*' -print)"
check "nothing but the bundle's files and the configuration" test \
    "$( (cd "$app" && find . -name supervise -prune -o -type f -print) | sed 's|^\./||' | sort)" = \
    "$( (bundle_files "$bundle2"; echo dbus-battery-aggregator.ini) | sort)"
check "upgrade kept the configuration" grep -q "device_instance = 300" "$app/dbus-battery-aggregator.ini"
check "the new program runs" waitfor 30 sh -c "pid=\$(svstat '$root/service/dbus-battery-aggregator' | sed -n 's/.*(pid \([0-9]*\)).*/\1/p'); [ -n \"\$pid\" ] && [ \"\$pid\" != '$pid_before' ]"
check "and answers" waitfor 30 on_bus
pid=$(service_pid)
check "through the new loader" test "/proc/$pid/exe" -ef "$app/lib/ld.so"
check "with the new program and libraries, none replaced under it" \
    sh -c "grep -q '$app/lib/libc.so' /proc/$pid/maps && grep -q '$app/bin/' /proc/$pid/maps && ! grep -q '(deleted)' /proc/$pid/maps"

# ---- uninstall ----
# It waits for supervise to exit before it removes the service directory: exit 0, nothing left.
busybox sh "$app/uninstall.sh" --root "$root" > "$tmp/uninstall.out" || fail "uninstall.sh exited $?"
check "service link removed" test ! -e "$root/service/dbus-battery-aggregator"
check "service directory removed, supervise's too" test ! -e "$app/service"
check "the service stopped" waitfor 15 off_bus
check "rc.local line removed" test "$(grep -c "start at boot" "$root/data/rc.local" || true)" -eq 0
check "rc.local keeps the owner's line" grep -q "owner line kept" "$root/data/rc.local"
check "configuration kept" test -f "$app/dbus-battery-aggregator.ini"
check "program removed" test ! -e "$app/bin"
check "uninstall says to switch the battery monitor back" grep -q "Battery monitor" "$tmp/uninstall.out"
busybox sh "$bundle/uninstall.sh" --root "$root" --purge >/dev/null || fail "uninstall.sh --purge exited $?"
check "--purge removes the configuration too" test ! -e "$app"
echo "installer on a fake GX root: every check passed"
