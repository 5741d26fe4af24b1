#!/bin/sh
# Removes dbus-battery-aggregator from a GX: stops the service, removes its /service link and its
# /data/rc.local line, deletes the program and keeps the configuration unless --purge.
#   sh /data/apps/dbus-battery-aggregator/uninstall.sh [--purge]
# (--root DIR: the same under a fake GX root, for tests.)
set -eu

app_name=dbus-battery-aggregator
marker="# $app_name: start at boot"
purge=0
root=""
while [ $# -gt 0 ]; do
    case "$1" in
        --purge) purge=1 ;;
        --root) root=$2; shift ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) echo "uninstall.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

dest=$root/data/apps/$app_name
service_link=$root/service/$app_name
rc_local=$root/data/rc.local

# Waits until no supervise runs in any of the given service directories: after `svc -dx` it still
# writes supervise/status while the service stops, and removing the directory meanwhile fails
# ("Directory not empty"). Up to 15 s; returns 1 (and says which) if one still runs then.
# Without svok there is nothing to ask: no wait.
wait_supervise_gone() {
    command -v svok >/dev/null 2>&1 || return 0
    tenths=0
    while :; do
        running=""
        for d in "$@"; do
            if svok "$d" 2>/dev/null; then running="$running $d"; fi
        done
        [ -z "$running" ] && return 0
        if [ $tenths -ge 150 ]; then
            echo "uninstall.sh: supervise still runs in$running after 15 s, so the service may still run." >&2
            echo "  Kept $dest/service so that svc still reaches it. Stop it, then remove that:" >&2
            echo "    svc -dx $dest/service $dest/service/log   (svc -k $dest/service if it ignores TERM)" >&2
            echo "    rm -rf $dest/service   (once svok fails for both)" >&2
            return 1
        fi
        if sleep 0.1 2>/dev/null; then tenths=$((tenths + 1)); else sleep 1; tenths=$((tenths + 10)); fi
    done
}

failed=0
# Removes one path; a failure is noted, not fatal: the rest is still removed.
remove() {
    rm -rf "$1" || { echo "uninstall.sh: could not remove $1" >&2; failed=1; }
}

# The link goes first, so that svscan does not start it again; then supervise stops and exits.
rm -f "$service_link"
supervised=0
if command -v svc >/dev/null 2>&1 && [ -d "$dest/service" ]; then
    svc -dx "$dest/service" 2>/dev/null || true
    svc -dx "$dest/service/log" 2>/dev/null || true
    supervised=1
fi
if [ -f "$rc_local" ] && grep -qF "$marker" "$rc_local"; then
    grep -vF "$marker" "$rc_local" > "$rc_local.tmp" || true
    cat "$rc_local.tmp" > "$rc_local"
    rm -f "$rc_local.tmp"
fi
# The service directory goes only once supervise has left it (or was never there).
keep=""
if [ $supervised = 1 ] && ! wait_supervise_gone "$dest/service" "$dest/service/log"; then
    keep=service
    failed=1
fi
if [ $purge = 1 ] && [ -z "$keep" ]; then
    remove "$dest"
    [ $failed = 0 ] && echo "Removed $app_name and its configuration."
elif [ $purge = 1 ]; then
    for f in "$dest"/*; do [ "$f" = "$dest/$keep" ] || remove "$f"; done
else
    for f in bin lib service install.sh uninstall.sh dbus-battery-aggregator VERSION ARCH state; do
        [ "$f" = "$keep" ] || remove "${dest:?}/$f"
    done
    # Temp copies of an install.sh that was killed before it renamed them into place.
    for f in "$dest"/.*.install-new; do
        if [ -e "$f" ]; then remove "$f"; fi
    done
    [ $failed = 0 ] && echo "Removed $app_name; kept $dest/$app_name.ini (--purge removes it too)."
fi
echo "Now switch Settings -> System setup -> Battery monitor back to your battery or shunt."
if [ $failed = 1 ]; then
    echo "uninstall.sh: not everything was removed (see above)." >&2
    exit 1
fi
