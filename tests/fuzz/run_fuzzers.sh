#!/bin/bash
# Runs every fuzz target of a FLOWKEEP_FUZZ=ON build for SECONDS each, one
# after the other, and fails naming the target on any crash, leak, timeout
# or sanitizer report.  Configures and builds nothing.
#
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]
#
# FUZZ_RUNS=N also stops each target after N executions (a campaign's
# "10 million executions or one hour" is FUZZ_RUNS=10000000 with 3600).
#
# Seeds are made afresh from tests/data into BUILD_DIR/fuzz/seeds; what each
# target discovers is kept in BUILD_DIR/fuzz/corpus/TARGET, so later runs
# start where earlier ones stopped.  A failing input is saved as
# BUILD_DIR/fuzz/artifacts/TARGET-crash-... (or leak-, timeout-, oom-);
# replay it with BUILD_DIR/tests/fuzz/TARGET FILE.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
seconds=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
data=$src/../data
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
    targets=(fuzz_reader fuzz_pdu_decoder fuzz_clients_map fuzz_query_arguments fuzz_capture_options)

work=$build/fuzz
rm -rf "$work/seeds"
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts" "$work/logs"

# seed TARGET NAME: stdin becomes one seed input.
seed() {
    mkdir -p "$work/seeds/$1"
    cat >"$work/seeds/$1/$2"
}

# Flow files: finished, tmp- (still being written), damaged and truncated
# ones, compressed and not, of every stored version the fixtures have, and
# of the IPv6 series (ip6., tmp-ip6.).
while IFS= read -r -d '' f; do
    seed fuzz_reader "$(echo "${f#"$data"/}" | tr / _)" <"$f"
done < <(find "$data/files" "$data/incomplete" "$data/stream" "$data/ipv6_files" -type f \
    \( -name 'ft-*' -o -name 'tmp-*' -o -name 'ip6.*' -o -name '*.ft' \) -print0)

# Datagrams: each alone with the files' version left to the first PDU, and
# each capture's datagrams in a row (one control byte, then the datagrams
# separated by FKDG, as fuzz_pdu_decoder reads them) so that the sequence
# accounting sees gaps, resets and wraps.  Control 0x43: stored as v6 with a
# remote address configured; 0x80: an exporter table of two.
while IFS= read -r -d '' f; do
    { printf '\0'; cat "$f"; } | seed fuzz_pdu_decoder "$(basename "$f")"
done < <(find "$data/pdus" -name '*.bin' -print0)
# seed_stream DIR NAME CONTROL...: DIR's datagrams in a row, once per
# control byte.
seed_stream() {
    local dir=$1 name=$2 control f first
    shift 2
    for control in "$@"; do
        {
            printf '%b' "\\x$control"
            first=1
            for f in "$dir"/*.bin; do
                [ $first = 1 ] || printf FKDG
                first=0
                cat "$f"
            done
        } | seed fuzz_pdu_decoder "${name}_$control"
    done
}
for dir in "$data"/pdus/*/packets "$data/pdus/packets"; do
    [ -d "$dir" ] || continue
    name=$(basename "$(dirname "$dir")")_all
    [ "$dir" = "$data/pdus/packets" ] && name=packets_all
    seed_stream "$dir" "$name" 00 43 80
done
# NetFlow v9 and IPFIX from real exporters: each stream's datagrams in a
# row, so the templates of the first reach the data of the others.
for dir in "$data"/v9_ipfix/*/; do
    ls "$dir"*.bin >/dev/null 2>&1 || continue
    seed_stream "${dir%/}" "v9_ipfix_$(basename "$dir")" 00 80
done

seed fuzz_clients_map clients.csv <"$data/query/clients.csv"
seed fuzz_clients_map clients_ipv6.csv <"$data/query/clients_ipv6.csv"

# Control byte % 6 picks the parser (see fuzz_query_arguments.cpp).
printf '\x00%s' '2026-03-14T20:00+01:00' | seed fuzz_query_arguments from_iso
printf '\x00%s' '@1773518400' | seed fuzz_query_arguments from_epoch
printf '\x00%s' '2026-03-29 02:30' | seed fuzz_query_arguments from_skipped_hour
printf '\x01%s' '15m' | seed fuzz_query_arguments interval
printf '\x02%s' '10.0.3.7,10.0.0.0/8,203.0.113.0/24' | seed fuzz_query_arguments ip
printf '\x03%s' '25,smtp,1024-65535,http-alt' | seed fuzz_query_arguments port
printf '\x04%s' 'tcp,udp,47' | seed fuzz_query_arguments proto
printf '\x05%s' $'interval,service,src-ip\n1h\nflows' | seed fuzz_query_arguments summary

# Control byte even: a flow-capture.conf; odd: a command line, one argument
# per line.
printf '\x00%s' "$(sed -n '/^-w/p' <<'CONF'
-w /var/flows/router1 -S 5 -n 287 -N 0 -V 5 0/10.0.0.1/9995
-w /var/flows/core -C "core router (Prague 1)" -p /run/fc.pid -z 9 0/0/9997 # comment
-w /var/flows/v6 -E 5G -e 100 -b big --flush-interval 10 [::1]/0/9996
CONF
)" | seed fuzz_capture_options conf
printf '\x01%s' $'-D\n-w\n/flows\n-z\n6\n--fast\n--status-file\nstatus\n127.0.0.1/0/9995/1' |
    seed fuzz_capture_options argv

# Each target's own options: inputs no larger than the largest fixture file
# that matters (reader: a 32 KiB file still holds thousands of records).
options_for() {
    case $1 in
        fuzz_reader) echo "-max_len=32768" ;;
        fuzz_pdu_decoder) echo "-max_len=8192" ;;
        *) echo "-max_len=4096" ;;
    esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for t in "${targets[@]}"; do
    bin=$build/tests/fuzz/$t
    if [ ! -x "$bin" ]; then
        echo "$t: FAILED: $bin not built" >&2
        failed+=("$t")
        continue
    fi
    mkdir -p "$work/corpus/$t" "$work/seeds/$t"
    dict=()
    [ -f "$src/$t.dict" ] && dict=("-dict=$src/$t.dict")
    log=$work/logs/$t.log
    rc=0
    started=$SECONDS
    # shellcheck disable=SC2046
    "$bin" -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$t-" $(options_for "$t") "${dict[@]}" \
        "$work/corpus/$t" "$work/seeds/$t" >"$log" 2>&1 || rc=$?
    elapsed=$((SECONDS - started))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    corpus=$(find "$work/corpus/$t" -type f | wc -l)
    # A report that did not end the run (a recoverable check) fails it too.
    if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|fuzz invariant broken' "$log"; then
        echo "$t: FAILED (exit $rc) after ${execs:-?} executions in $elapsed s; log $log" >&2
        grep -E 'ERROR:|runtime error:|fuzz invariant broken|SUMMARY:|Test unit written' "$log" | head -n 20 >&2 || true
        failed+=("$t")
    else
        echo "$t: ok, ${execs:-?} executions in $elapsed s, corpus $corpus inputs"
    fi
done

[ ${#failed[@]} -eq 0 ] || echo "fuzzing FAILED: ${failed[*]}" >&2
echo "fuzzing: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
