#!/bin/sh
# Installs dbus-battery-aggregator on a Victron GX (Venus OS), as root, from an unpacked bundle:
#   sh install.sh [--dry-run]
# Installs to /data/apps/dbus-battery-aggregator (kept across firmware updates), never overwrites an
# existing configuration, links /service/dbus-battery-aggregator and adds one marked line to
# /data/rc.local that re-links the service at every boot. Running it again changes nothing; a newer
# bundle replaces the program and its libraries, keeps the configuration and restarts the service.
# (--root DIR installs under DIR instead of /: for tests, which fake a GX root.)
set -eu

app_name=dbus-battery-aggregator
marker="# $app_name: start at boot"
dry=0
root=""
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) dry=1 ;;
        --root) root=$2; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

say() { echo "$*"; }
# Runs a command, or with --dry-run does nothing (the dry run says what it would do, once per
# action, in its own words: would()).
do_() {
    [ $dry = 1 ] || "$@"
}
would() {
    [ $dry = 1 ] && echo "  would $*"
    return 0
}

# The bundle for this machine: this one, or a sibling unpacked next to it.
case "$(uname -m)" in
    armv7l|armv7*|armhf) want=armv7 ;;
    aarch64|arm64) want=aarch64 ;;
    *) want=$(uname -m) ;;
esac
src=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$src/ARCH" ] || [ ! -f "$src/VERSION" ]; then
    echo "install.sh: run the install.sh of an unpacked bundle ($app_name-<version>-<arch>/install.sh):" >&2
    echo "$src is not one (no ARCH and VERSION files). scripts/build-bundle makes the bundles." >&2
    exit 1
fi
if [ "$(cat "$src/ARCH" 2>/dev/null)" != "$want" ]; then
    found=""
    for d in "$src"/../$app_name-*-"$want"; do [ -f "$d/ARCH" ] && found=$(cd "$d" && pwd); done
    if [ -z "$found" ]; then
        echo "install.sh: this bundle is for $(cat "$src/ARCH"), this GX is $want ($(uname -m))." >&2
        echo "Download $app_name-<version>-$want.tar.gz instead." >&2
        exit 1
    fi
    src=$found
fi
version=$(cat "$src/VERSION")

dest=$root/data/apps/$app_name
service_link=$root/service/$app_name
rc_local=$root/data/rc.local
changed=0

die() { echo "install.sh: $*" >&2; exit 1; }

# No installed file is ever written over in place: the running daemon executes lib/ld.so (cp fails
# with "Text file busy") and maps bin/ and lib/ (writing over them changes or truncates the pages
# under it: SIGBUS). Each new file is copied to a temp name next to its final name (.NAME.install-new,
# same directory, so the same file system), and only once every copy is there are they renamed into
# place: rename(2) swaps the name atomically and the running process keeps its old inodes until the
# restart below. A failed copy leaves the installed files untouched and removes the temp copies.
# (Errors are checked by hand: `set -e` does not apply inside a function called from an `if`.)
suffix=.install-new
staged=""  # the relative names whose temp copy is ready to be renamed into place
config=$dest/$app_name.ini
temp_of() { echo "${1%/*}/.${1##*/}$suffix"; }
remove_staged() {
    [ $dry = 1 ] && return 0
    for f in $staged; do rm -f "$(temp_of "$dest/$f")"; done
    rm -f "$(temp_of "$config")"
}
trap remove_staged EXIT
trap 'exit 1' HUP INT TERM

# Copies the bundle's file $1 (a relative name) to its temp name when the installed one differs;
# returns 0 when it did (or would, with --dry-run).
stage() {
    if [ -f "$dest/$1" ] && cmp -s "$src/$1" "$dest/$1"; then return 1; fi
    staged="$staged $1"
    temp=$(temp_of "$dest/$1")
    [ $dry = 1 ] && return 0
    if ! { mkdir -p "$(dirname "$dest/$1")" && cp -p "$src/$1" "$temp"; }; then
        die "could not copy $src/$1 to $temp"
    fi
    return 0
}

if [ $dry = 1 ]; then
    say "Dry run: nothing is changed. Installing $app_name $version ($want) to $dest:"
else
    say "Installing $app_name $version ($want) to $dest"
fi
upgrade=0
[ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" != "$version" ] && upgrade=1
program_changed=0
# Temp copies that an earlier run left behind when it was killed.
if [ -d "$dest" ]; then
    for f in $(cd "$dest" && find . -name supervise -prune -o -type f -name ".*$suffix" -print); do
        would "remove ${f#./}, left by an interrupted install"
        do_ rm -f "$dest/${f#./}"
        changed=1
    done
fi
# Never what supervise keeps in service/supervise and service/log/supervise: a reinstall run from
# the installed copy (src is dest) would read files that supervise replaces meanwhile.
for f in $(cd "$src" && find bin lib service install.sh uninstall.sh dbus-battery-aggregator VERSION ARCH \
        -name supervise -prune -o -type f -print 2>/dev/null); do
    if stage "$f"; then
        changed=1
        case "$f" in bin/*|lib/*) program_changed=1 ;; esac
    fi
done
# Every new file is there: rename them all into place, one quick step after the other.
if [ -n "$staged" ]; then
    count=$(echo $staged | wc -w)
    if [ -f "$dest/VERSION" ]; then would "replace $count changed files (program, libraries, service)"
    else would "copy $count files: the program, its libraries, the service, install.sh, uninstall.sh"; fi
fi
for f in $staged; do
    do_ mv -f "$(temp_of "$dest/$f")" "$dest/$f" || die "could not rename $(temp_of "$dest/$f") to $dest/$f"
done
staged=""
# Only now, with the new set in place: libraries of an older bundle that this one no longer has.
if [ -d "$dest/lib" ]; then
    for f in "$dest"/lib/*; do
        [ -e "$f" ] || continue
        [ -e "$src/lib/$(basename "$f")" ] || { would "remove lib/$(basename "$f") (not in this bundle)"; do_ rm -f "$f"; changed=1; }
    done
fi

# Never overwritten; a new one is written whole (temp name, then rename), so that an interrupted
# install cannot leave a truncated configuration that the next run would keep.
if [ -f "$config" ]; then
    say "Keeping your configuration $config"
else
    do_ cp "$src/$app_name.ini" "$(temp_of "$config")" || die "could not copy $src/$app_name.ini"
    do_ mv -f "$(temp_of "$config")" "$config" || die "could not rename $(temp_of "$config") to $config"
    changed=1
    if [ $dry = 1 ]; then would "write the default configuration $config"
    else say "Configuration: $config (edit it, then: svc -t /service/$app_name)"; fi
fi

link_target=$dest/service
if [ "$(readlink "$service_link" 2>/dev/null || true)" != "$link_target" ]; then
    would "link $service_link -> $link_target (daemontools starts it)"
    do_ mkdir -p "$root/service"
    do_ ln -sfn "$link_target" "$service_link"
    changed=1
fi

# /service is rebuilt at every boot: rc.local links us again.
boot_line="ln -sfn /data/apps/$app_name/service /service/$app_name  $marker"
if [ ! -f "$rc_local" ]; then
    would "create $rc_local"
    [ $dry = 1 ] || printf '#!/bin/sh\n' > "$rc_local"
    changed=1
fi
if ! grep -qF "$marker" "$rc_local" 2>/dev/null; then
    would "add to $rc_local, to link it again at every boot: $boot_line"
    [ $dry = 1 ] || echo "$boot_line" >> "$rc_local"
    changed=1
fi
if [ ! -x "$rc_local" ]; then would "make $rc_local executable"; do_ chmod +x "$rc_local"; changed=1; fi

if [ $program_changed = 1 ] && [ $upgrade = 1 ] && command -v svc >/dev/null 2>&1; then
    if [ $dry = 1 ]; then would "restart the service with the new version (svc -t $service_link)"
    else say "Restarting the service with the new version"; fi
    do_ svc -t "$service_link"
fi

if [ $changed = 0 ]; then
    if [ $dry = 1 ]; then say "  nothing: $app_name $version is installed."
    else say "Nothing to change: $app_name $version is installed."; fi
    exit 0
fi
[ $dry = 1 ] && exit 0
cat <<EOT

Done. daemontools starts it within a few seconds:
  svstat /service/$app_name
  $dest/$app_name status
  tail -F /var/log/$app_name/current | tai64nlocal
  dbus -y com.victronenergy.battery.aggregate /Soc GetValue
Then on the GX: Settings -> System setup -> Battery monitor: "Battery Aggregator", and under
Settings -> DVCC check that the controlling BMS is the aggregate (automatic selection picks it).
EOT
