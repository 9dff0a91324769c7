#!/bin/sh
# Checks the units flow-capture-generator makes as systemd reads them:
# "systemd-analyze verify" loads each generated capture (template plus
# drop-in) in a root of its own, where the ExecStart= programs exist, and
# every complaint fails the test, including the "ignoring" ones verify
# exits 0 for (a ReadWritePaths= systemd ignores leaves the data directory
# read-only).  Then each capture's sandbox is held against what it writes:
# its -w directory and the directory of its status file are writable
# (ReadWritePaths= or RuntimeDirectory=), nothing else is opened, and a
# line the sandbox cannot let write is refused by the generator.
#
# usage: check_units.sh GENERATOR FLOW_CAPTURE UNIT_BUILD_DIR UNIT_DIR
#                       FLOW_CAPTURE_PATH GENERATOR_PATH
# (the built programs and units, and the paths they are installed at,
# which the units name.)
set -u
generator=$1
flow_capture=$2
unit_build_dir=$3
unit_dir=$4
flow_capture_path=$5
generator_path=$6

if ! command -v systemd-analyze >/dev/null 2>&1; then
    if [ -n "${CI:-}" ]; then
        echo "FAIL: systemd-analyze is missing (Debian package systemd; .ci/install-deps installs it)"
        exit 1
    fi
    echo "SKIP: systemd-analyze is missing (Debian package systemd)"
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# The root verify loads units from: the programs where the units say they
# are, the two units, and empty stand-ins for the targets the captures'
# default dependencies name (the host's own units are not the test's).
root=$work/root
mkdir -p "$root$(dirname "$flow_capture_path")" "$root$(dirname "$generator_path")" \
    "$root$unit_dir" "$root/etc/systemd/system" "$root/lib/systemd/system"
cp "$flow_capture" "$root$flow_capture_path"
cp "$generator" "$root$generator_path"
cp "$unit_build_dir/flow-capture.service" "$unit_build_dir/flow-capture@.service" "$root$unit_dir"
for target in sysinit basic shutdown network network-online multi-user; do
    printf '[Unit]\nDescription=stand-in for the test\n' >"$root/lib/systemd/system/$target.target"
done
template=$root$unit_dir/flow-capture@.service

# verify UNIT...: systemd-analyze verify in $root; its output is the
# complaint, and there must be none.
verify() {
    out=$(systemd-analyze verify --man=no --root="$root" "$@" 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] && [ -z "$out" ]
}

# generate CONF: the generator's units for CONF, where verify finds them
# (systemd's own /run/systemd/generator is not read under --root).
generated=$root/etc/systemd/system
generate() {
    rm -rf "$generated"
    mkdir "$generated"
    FLOWKEEP_CAPTURE_CONF=$1 "$generator" "$generated" "$generated" "$generated" 2>"$work/err"
}
drop_in() {
    cat "$generated/flow-capture@$1.service.d/50-flow-capture-conf.conf"
}
# writable_paths INSTANCE: the ReadWritePaths= values of the capture, one a
# line, sorted, as written.
writable_paths() {
    drop_in "$1" | sed -n 's/^ReadWritePaths=//p' | sort
}
# covered INSTANCE DIR: DIR is at or below a writable path of the capture.
covered() {
    for p in $(writable_paths "$1" | sed 's/^-//') /run/flow-capture; do
        case "$2/" in "${p%/}"/*) return 0 ;; esac
    done
    return 1
}

# The sandbox the generator's checks assume: everything read-only but what
# a drop-in opens, a /tmp of its own, home directories hidden, status files
# in the runtime directory, one user with no way to become another.
for setting in ProtectSystem=strict PrivateTmp=yes ProtectHome=yes RuntimeDirectory=flow-capture \
    User=flowcap NoNewPrivileges=yes CapabilityBoundingSet=CAP_NET_BIND_SERVICE; do
    grep -qxF "$setting" "$template" ||
        fail "flow-capture@.service has no $setting, which flow-capture-generator assumes"
done
grep -q '^ReadWritePaths=' "$template" && fail "flow-capture@.service opens paths for every capture"

# Verify can fail: a drop-in with a path systemd ignores and a setting it
# cannot parse.
echo '-w /srv/flows/a 0/0/9990' >"$work/control.conf"
generate "$work/control.conf" || fail "control: generator failed: $(cat "$work/err")"
verify flow-capture@9990.service flow-capture.service ||
    fail "control: systemd-analyze verify complains about a plain line: $out"
printf '[Service]\nReadWritePaths=-/srv/a/../b\nProtectHome=sometimes\n' \
    >"$generated/flow-capture@9990.service.d/60-broken.conf"
verify flow-capture@9990.service
if [ -z "$out" ]; then
    fail "control: systemd-analyze verify says nothing about a broken drop-in"
else
    echo "$out" | grep -q 'not normalized' || fail "control: verify does not name the ignored path: $out"
fi

# LINE | INSTANCE | WRITTEN DIRS | EXPECTED ReadWritePaths= (sorted, ";")
cases() {
    cat <<'CASES'
-w /data/support/flow/default -n 100 -V 5 -N 3 0/0/30123|30123|/data/support/flow/default /run/flow-capture|-/data/support/flow/default
-w /var/lib/flow-tools/x --status-file /var/lib/flow-tools/status/x.status -p /var/run/fc.pid 0/0/9995|9995|/var/lib/flow-tools/x /var/lib/flow-tools/status|-/var/lib/flow-tools/status;-/var/lib/flow-tools/x
-w /srv/flows/ --status-file /srv/flows/state/a.status -N 3 0/0/9996|9996|/srv/flows /srv/flows/state|-/srv/flows/
-w /srv/flows/b --status-file /run/flow-capture/b/b.status 0/0/9997|9997|/srv/flows/b /run/flow-capture/b|-/srv/flows/b
-D -w /data/./flow//c --status-file /var/lib/fc/deep/er/c.status 10.0.0.1/0/514|514|/data/./flow//c /var/lib/fc/deep/er|-/data/./flow//c;-/var/lib/fc/deep/er
-w /home/flows/d --user flowcap 0/0/9998|9998|/home/flows/d /run/flow-capture|-/home/flows/d
CASES
}
cases | while IFS='|' read -r line instance dirs expected; do
    echo "$line" >"$work/case.conf"
    generate "$work/case.conf" || {
        fail "'$line': generator failed: $(cat "$work/err")"
        continue
    }
    verify "flow-capture@$instance.service" flow-capture.service ||
        fail "'$line': systemd-analyze verify: $out"
    for dir in $dirs; do
        covered "$instance" "$dir" || fail "'$line': $dir is written but read-only: $(writable_paths "$instance")"
    done
    actual=$(writable_paths "$instance" | paste -sd';' -)
    [ "$actual" = "$expected" ] || fail "'$line': ReadWritePaths= '$actual', expected '$expected'"
    # -D always: a pidfile would need its directory writable.
    drop_in "$instance" | grep -q "^ExecStart=$flow_capture_path -D " ||
        fail "'$line': ExecStart= without -D first: $(drop_in "$instance")"
    if [ "$instance" -lt 1024 ]; then
        drop_in "$instance" | grep -qxF AmbientCapabilities=CAP_NET_BIND_SERVICE ||
            fail "'$line': port $instance below 1024 without CAP_NET_BIND_SERVICE"
    fi
    case "$dirs" in
    /home/* | */home/*)
        drop_in "$instance" | grep -qxF ProtectHome=read-only ||
            fail "'$line': a directory below /home stays hidden by ProtectHome=yes"
        ;;
    *) drop_in "$instance" | grep -q '^ProtectHome' && fail "'$line': ProtectHome= relaxed" ;;
    esac
done >"$work/cases.log"
cat "$work/cases.log"
failures=$((failures + $(grep -c '^FAIL' "$work/cases.log")))

# Two captures in one file, and words that need quoting: systemd must read
# back what the generator wrote.
cat >"$work/odd.conf" <<'CONF'
-w '/srv/my flows' -C 'a "100%" $x \ y' 0/0/9995
-D -w /srv/b 10.0.0.1/0/9995
CONF
generate "$work/odd.conf" || fail "quoting: generator failed: $(cat "$work/err")"
verify flow-capture@9995.service flow-capture@9995-2.service flow-capture.service ||
    fail "quoting: systemd-analyze verify: $out"

# Lines the sandbox cannot let write: refused, naming file, line and path,
# and nothing generated.
while IFS='|' read -r line message; do
    printf '%s\n' '-w /srv/ok 0/0/9990' "$line" >"$work/refused.conf"
    if generate "$work/refused.conf"; then
        fail "'$line': the generator accepted it: $(drop_in 9991)"
    else
        grep -qF "refused.conf:2: $message" "$work/err" || fail "'$line': message: $(cat "$work/err")"
        [ -z "$(ls -A "$generated")" ] || fail "'$line': units were generated"
    fi
done <<'REFUSED'
-w /srv/a/../b 0/0/9991|-w /srv/a/../b: the service needs a path without ".."
-w /srv/a --status-file /srv/../run/s.status 0/0/9991|--status-file /srv/../run/s.status: the service needs a path without ".."
-w /tmp/flows 0/0/9991|-w /tmp/flows: the service has a /tmp and /var/tmp of its own
-w /srv/a --status-file /var/tmp/s/a.status 0/0/9991|--status-file /var/tmp/s/a.status: the service has a /tmp and /var/tmp of its own
-w /home/ 0/0/9991|-w /home/: the service cannot write in a home directory's root
-w /srv/a --user root 0/0/9991|--user root: the service runs as flowcap and cannot switch to another user
REFUSED

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "flow-capture units: all checks passed"
