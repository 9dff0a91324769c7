#!/bin/sh
# Checks flow-capture-generator, which turns flow-capture.conf into systemd
# units: the sample file starts nothing, the operators' line becomes the
# expected ExecStart= and sandbox paths, a low port gets its capability, an
# invalid line generates nothing and names file and line, and unusual words
# survive the unit-file and shell quoting unchanged.
#
# usage: check_generator.sh GENERATOR SAMPLE_CONF FLOW_CAPTURE_PATH
set -u
generator=$1
sample=$2
flow_capture=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# generate CONF: runs the generator as systemd does, into a fresh $work/out.
generate() {
    rm -rf "$work/out"
    mkdir "$work/out"
    FLOWKEEP_CAPTURE_CONF=$1 "$generator" "$work/out" "$work/out" "$work/out" 2>"$work/err"
}
drop_in() {
    cat "$work/out/flow-capture@$1.service.d/50-flow-capture-conf.conf" 2>/dev/null
}

# The sample as shipped: no unit, and --check says there is nothing to start.
generate "$sample" || fail "sample: generator failed: $(cat "$work/err")"
[ -z "$(ls -A "$work/out")" ] || fail "sample: generated $(ls "$work/out")"
"$generator" --check "$sample" | grep -q 'no capture line, nothing to start' ||
    fail "sample: --check does not say that nothing starts"

# The operators' line, uncommented from the sample.
sed -n 's/^#\(-w .*\)/\1/p' "$sample" >"$work/one.conf"
[ "$(wc -l <"$work/one.conf")" -eq 1 ] || fail "sample: no commented capture line found"
generate "$work/one.conf" || fail "one line: generator failed: $(cat "$work/err")"
expected="ExecStart=$flow_capture -D --status-file /run/flow-capture/30123.status -w /data/support/flow/default -n 100 -V 5 -N 3 0/0/30123"
drop_in 30123 | grep -qxF "$expected" || fail "one line: ExecStart is not '$expected': $(drop_in 30123)"
drop_in 30123 | grep -qxF "ReadWritePaths=-/data/support/flow/default" ||
    fail "one line: the data directory is not writable"
drop_in 30123 | grep -q AmbientCapabilities && fail "one line: port 30123 got a capability"
link=$work/out/flow-capture.service.wants/flow-capture@30123.service
[ -L "$link" ] && readlink "$link" | grep -q '/flow-capture@\.service$' ||
    fail "one line: no Wants= link from flow-capture.service to the template"

# A privileged port, a second capture on the same port, -D and a status
# file of the line's own.
cat >"$work/two.conf" <<'CONF'
-D -w /srv/flows/a --status-file /var/lib/fc/a.status 0/0/514

# comment
-w /srv/flows/b 10.0.0.1/0/514
CONF
generate "$work/two.conf" || fail "two lines: generator failed: $(cat "$work/err")"
drop_in 514 | grep -qxF "ExecStart=$flow_capture -D -w /srv/flows/a --status-file /var/lib/fc/a.status 0/0/514" ||
    fail "-D line: ExecStart: $(drop_in 514)"
drop_in 514 | grep -qxF "AmbientCapabilities=CAP_NET_BIND_SERVICE" || fail "port 514: no capability"
drop_in 514 | grep -qxF "ReadWritePaths=-/var/lib/fc" || fail "own status file: its directory not writable"
drop_in 514-2 | grep -q 'status-file /run/flow-capture/514-2.status' ||
    fail "second capture on port 514: not flow-capture@514-2 with its own status file"
drop_in 514-2 | grep -qxF "After=network-online.target" || fail "bound address: no wait for the network"

# An invalid line: nothing generated, one line naming file and line.
printf '%s\n' '-w /srv/ok 0/0/9995' '-w /srv/bad -F filter 0/0/9996' >"$work/bad.conf"
generate "$work/bad.conf" && fail "invalid line: generator succeeded"
[ -z "$(ls -A "$work/out")" ] || fail "invalid line: units were generated"
grep -q "bad.conf:2: option -F" "$work/err" || fail "invalid line: message: $(cat "$work/err")"
"$generator" --check "$work/bad.conf" >/dev/null 2>&1 && fail "invalid line: --check exits 0"
printf '%s\n' '-w flows 0/0/9995' >"$work/rel.conf"
"$generator" --check "$work/rel.conf" 2>&1 | grep -q 'rel.conf:1: -w flows: the service needs an absolute path' ||
    fail "relative -w is not refused"

# Words that need quoting: blank, %, $, double quote, backslash.
cat >"$work/odd.conf" <<'CONF'
-w '/srv/my flows' -C 'a "100%" $x \ y' 0/0/9995
CONF
generate "$work/odd.conf" || fail "quoting: generator failed: $(cat "$work/err")"
drop_in 9995 | grep -qxF "ExecStart=$flow_capture -D --status-file /run/flow-capture/9995.status -w \"/srv/my flows\" -C \"a \\\"100%%\\\" \$\$x \\\\ y\" 0/0/9995" ||
    fail "quoting: ExecStart: $(drop_in 9995)"
drop_in 9995 | grep -qxF 'ReadWritePaths="-/srv/my flows"' || fail "quoting: ReadWritePaths"
line=$("$generator" --commands "$work/odd.conf")
eval "set -- ${line#9995 0 }"
[ "$#" -eq 8 ] && [ "$5" = '/srv/my flows' ] && [ "$7" = 'a "100%" $x \ y' ] ||
    fail "--commands: the words do not come back: $line"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "flow-capture-generator: all checks passed"
