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

# The link goes first, so that svscan does not start it again; then supervise stops and exits.
rm -f "$service_link"
if command -v svc >/dev/null 2>&1 && [ -d "$dest/service" ]; then
    svc -dx "$dest/service" 2>/dev/null || true
    svc -dx "$dest/service/log" 2>/dev/null || true
fi
if [ -f "$rc_local" ] && grep -qF "$marker" "$rc_local"; then
    grep -vF "$marker" "$rc_local" > "$rc_local.tmp" || true
    cat "$rc_local.tmp" > "$rc_local"
    rm -f "$rc_local.tmp"
fi
if [ $purge = 1 ]; then
    rm -rf "$dest"
    echo "Removed $app_name and its configuration."
else
    for f in bin lib service install.sh uninstall.sh dbus-battery-aggregator VERSION ARCH state; do rm -rf "${dest:?}/$f"; done
    echo "Removed $app_name; kept $dest/$app_name.ini (--purge removes it too)."
fi
echo "Now switch Settings -> System setup -> Battery monitor back to your battery or shunt."
