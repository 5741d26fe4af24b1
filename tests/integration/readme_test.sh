#!/usr/bin/env bash
# Runs every ```sh block of README.md as a reader would, in a temp dir where build/ is the build
# under test, and checks each output README shows: a command ending in `#=> TEXT` must print
# exactly TEXT; one ending in `#=>` alone must print the `# ` lines that follow it (stdout and
# stderr together). A block must stop every process it starts (the test fails on one left running).
# The "Two commands" block is not run here: scripts/test is what CI runs, and scripts/demo has its
# own test (Demo.*).
#
#   readme_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1
build=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for d in config tests scripts; do ln -s "$src/$d" "$work/$d"; done
ln -s "$build" "$work/build"
unset DBUS_SESSION_BUS_ADDRESS DBUS_SYSTEM_BUS_ADDRESS

# The blocks, each as a file of its lines, with README line numbers.
awk -v out="$work" '
    /^```sh$/ { inside = 1; n++; file = sprintf("%s/block%02d.sh", out, n); printf "" > file; print NR > (file ".line"); next }
    /^```/ && inside { inside = 0; close(file); next }
    inside { print > file }
' "$src/README.md"

status=0 ran=0
for block in "$work"/block*.sh; do
    first=$(cat "$block.line")
    if grep -q '^scripts/test' "$block"; then continue; fi
    ran=$((ran + 1))
    # Each `cmd  #=> expected` line becomes a check of cmd's output; the rest runs as written.
    script="$work/run-${block##*/}"
    {
        echo 'fail=0'
        n=$first
        pending="" want="" at=0
        flush() {  # the multi-line output collected for the command in $pending
            [ -n "$pending" ] || return 0
            printf 'got=$(%s 2>&1)\n' "$pending"
            printf 'if [ "$got" != %q ]; then echo "README.md:%d: printed:"; echo "$got"; echo "README shows:"; echo %q; fail=1; fi\n' \
                "$want" "$at" "$want"
            pending="" want=""
        }
        while IFS= read -r line; do
            n=$((n + 1))
            if [ -n "$pending" ] && [[ $line == "# "* ]]; then
                want+="${want:+$'\n'}${line#\# }"
                continue
            fi
            flush
            if [[ $line =~ ^(.*[^[:space:]])[[:space:]]+\#\=\>$ ]]; then
                pending=${BASH_REMATCH[1]} at=$n
            elif [[ $line =~ ^(.*[^[:space:]])[[:space:]]+\#\=\>\ (.*)$ ]]; then
                cmd=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
                printf 'got=$(%s 2>&1)\n' "$cmd"
                printf 'if [ "$got" != %q ]; then echo "README.md:%d: printed [$got], README shows [%s]"; fail=1; fi\n' \
                    "$want" "$n" "${want//\"/\\\"}"
            else
                printf '%s\n' "$line"
            fi
        done < "$block"
        flush
        echo 'exit $fail'
    } > "$script"
    echo "== README.md block at line $first"
    # Its own process group, so that whatever it leaves running is found and stopped.
    (cd "$work" && exec setsid timeout 120 bash "$script") > "$work/out" 2>&1 &
    session=$!
    wait "$session"
    code=$?
    cat "$work/out"
    if [ "$code" -ne 0 ]; then
        echo "README.md block at line $first failed (exit $code)"
        status=1
    fi
    sleep 0.2  # a process the block killed last may still be exiting
    leftovers=$(pgrep -s "$session" || true)
    if [ -n "$leftovers" ]; then
        echo "README.md block at line $first left processes running:"; ps -o pid,args -p $leftovers
        kill $leftovers 2>/dev/null
        status=1
    fi
done
[ "$ran" -gt 0 ] || { echo "no runnable block found in README.md"; exit 1; }
exit $status
