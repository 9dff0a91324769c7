#!/bin/bash
# bench_index.sh: the questions an ISP answers over a month of its archive,
# timed with the block index (the query tools' default), without it
# (--no-index) and with nfdump on the same flows; the index's size, and the
# time flow-index takes to index a day that has none against a full scan of
# that day.  Warm page cache: each command runs once before it is timed, then
# the best of RUNS runs counts.  Prints figures; never fails on speed.  See
# README.md ("bench_index").
#
#   tests/bench/bench_index.sh BUILD_DIR [DATA_DIR]
#
# BUILD_DIR holds tests/bench/bench_index_data, tests/bench/bench_query_data,
# query/flow-stat, query/flow-export-csv and indexer/flow-index (a Release
# build).  DATA_DIR (default /var/tmp/flowkeep-bench-index) receives the
# archive (about 25 bytes a flow), nfcapd's copy (LZ4, about 41 bytes a flow)
# and a day without indexes; all are reused by later runs.  Environment:
# DAYS (default 30), FLOWS_PER_DAY (default 10000000), RUNS (best of, default
# 3), INDEX_RUNS (runs of each flow-index row, default 1), PORT_QUERY (the
# port of "a port's day", default 25), RATE (replay to nfcapd, flows/s,
# default 500000), PORT (nfcapd's UDP port, default 29995), CLIENT_NETWORKS
# (the prefixes each file's records are ordered by, as flow-capture
# --client-networks orders them; default the model's 10.0.0.0/21, '' for
# arrival order), DEADLINE (unix time: the archive ends at the next midnight
# of the model after it, as many days as fit; a rerun then needs DAYS set to
# the days written to reuse it).  Each flowkeep question runs once more,
# unmeasured, with --index-stats: the share of the blocks it read.
set -u
export TZ=UTC LC_ALL=C

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 BUILD_DIR [DATA_DIR]" >&2
    exit 2
fi
build=$(cd "$1" && pwd) || { echo "bench_index: build directory $1 not found" >&2; exit 2; }
data=${2:-/var/tmp/flowkeep-bench-index}
days=${DAYS:-30}
flows_per_day=${FLOWS_PER_DAY:-10000000}
runs=${RUNS:-3}
port_query=${PORT_QUERY:-25}
rate=${RATE:-500000}
port=${PORT:-29995}
client_networks=${CLIENT_NETWORKS-10.0.0.0/21}
deadline=${DEADLINE:-}

gen=$build/tests/bench/bench_index_data
replay=$build/tests/bench/bench_query_data
stat=$build/query/flow-stat
csv=$build/query/flow-export-csv
indexer=$build/indexer/flow-index
for program in "$gen" "$replay" "$stat" "$csv" "$indexer"; do
    if [ ! -x "$program" ]; then
        echo "bench_index: $program missing (cmake --build $1 --target $(basename "$program"))" >&2
        exit 2
    fi
done
have_nfdump=1
if ! command -v nfdump > /dev/null || ! command -v nfcapd > /dev/null; then
    have_nfdump=0
    echo "nfdump/nfcapd not found: its column is left out (Debian: apt-get install nfdump)"
fi

archive=$data/flow-tools
nfdir=$data/nfdump
plain=$data/flow-tools-plain
mkdir -p "$data"
work=$(mktemp -d "${TMPDIR:-/tmp}/bench_index.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "bench_index: $days days of $flows_per_day flows, best of $runs runs after one unmeasured run"
echo "files in $([ -n "$client_networks" ] && echo "client order ($client_networks)" || echo "arrival order")"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs"
echo
t0=$(date +%s.%N)
"$gen" archive "$archive" --days "$days" --flows-per-day "$flows_per_day" \
    --client-networks "$client_networks" ${deadline:+--deadline "$deadline"} | grep -v '^SUMMARY' ||
    exit 1
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN {printf "  (%.0f s)\n", b - a}'
# shellcheck source=/dev/null
. "$archive/bench_index_data.choices"

day_of() { date -u -d "@$1" +%Y-%m-%d; }
nf_time() { date -u -d "@$1" +%Y/%m/%d.%H:%M:%S; }
first_day=$(day_of "$START")
second_day=$(day_of $((START + 86400)))
last_day=$(day_of "$END")
day_dir() { echo "$(date -u -d "$1" +%Y/%Y-%m/%Y-%m-%d)"; }

# nfcapd's copy, one directory per day: each day of the archive replayed as
# NetFlow v5 to its own nfcapd run (LZ4: the whole month uncompressed, 118
# bytes a flow, would not fit in this machine's page cache), kept only when
# nfdump counts every flow the replay sent.
nfdump_flows() {
    nfdump -R "$1" -I 2> /dev/null | awk '/^Flows:/ {print $2; exit}'
}
# What the flows are made from: a copy made from another archive of the same
# flows (REPLAY_FROM, e.g. one written with --block-records 0 --no-index) is
# as good as one made from this archive, and so is one from an archive whose
# files hold the same flows in another order.
flows_identity() {
    sed -E 's/ (level|block_records|index)=[0-9]+//g; s/ client_networks=[^ ]*//' \
        "$1/bench_index_data.done"
}
replay_from=${REPLAY_FROM:-$archive}
if [ $have_nfdump = 1 ] && [ "$(flows_identity "$replay_from")" != "$(flows_identity "$archive")" ]; then
    echo "bench_index: REPLAY_FROM=$replay_from holds other flows than $archive" >&2
    exit 2
fi
flows_identity "$archive" > "$work/flows-identity"
# On a busy machine nfcapd, descheduled for a moment, loses datagrams: as
# root it runs at a higher priority (the same work, done in time).
nfcapd_nice=""
[ "$(id -u)" = 0 ] && nfcapd_nice="nice -n -10"
# Beside the copy, not in it: nfdump -R reads every file below the directory.
marks=$nfdir.from-archive
if [ $have_nfdump = 1 ]; then
    mkdir -p "$nfdir" "$marks"
    for ((d = 0; d < DAYS; d++)); do
        day=$(day_of $((START + d * 86400)))
        src=$replay_from/$(day_dir "$day")
        dst=$nfdir/$day
        if [ -f "$marks/$day" ] &&
            cmp -s "$marks/$day" "$work/flows-identity"; then
            continue
        fi
        attempt_rate=$rate
        for attempt in 1 2 3; do
            rm -rf "$dst"
            mkdir -p "$dst"
            $nfcapd_nice nfcapd -w "$dst" -p "$port" -b 127.0.0.1 -B 8388608 -y > "$work/nfcapd.log" 2>&1 &
            nfcapd_pid=$!
            sleep 1
            sent=$("$replay" replay "$src" "127.0.0.1:$port" --rate "$attempt_rate" |
                awk '/^SUMMARY/ {sub("flows=", "", $4); print $4}')
            sleep 2
            kill -TERM $nfcapd_pid
            wait $nfcapd_pid
            stored=$(nfdump_flows "$dst")
            if [ -n "$sent" ] && [ "$stored" = "$sent" ]; then
                cp "$work/flows-identity" "$marks/$day"
                break
            fi
            echo "nfcapd stored ${stored:-0} of ${sent:-?} flows of $day at $attempt_rate flows/s; again slower"
            attempt_rate=$((attempt_rate / 2))
        done
        [ -f "$marks/$day" ] || { echo "nfcapd did not store $day: nfdump column left out"; have_nfdump=0; break; }
    done
fi

sum_bytes() { find "$@" -type f -printf '%s\n' 2> /dev/null | awk '{s += $1} END {printf "%.0f", s}'; }
data_bytes=$(sum_bytes "$archive" -name 'ft-*')
index_bytes=$(sum_bytes "$archive" -name 'ix-*')
flows=$((DAYS * FLOWS_PER_DAY))
echo
awk -v f="$flows" -v a="$data_bytes" -v i="$index_bytes" 'BEGIN {
    printf "archive: %d files of data, %.0f bytes (%.2f bytes/flow)\n", 96 * '"$DAYS"', a, a / f
    printf "index:   %.0f bytes (%.2f bytes/flow, %.2f%% of the data; target at most 8%%)\n", i, i / f, 100 * i / a }'
if [ $have_nfdump = 1 ]; then
    nf_bytes=$(sum_bytes "$nfdir" -name 'nfcapd.*')
    awk -v f="$flows" -v a="$nf_bytes" -v z="$data_bytes" 'BEGIN {
        printf "nfdump:  %.0f bytes (%.2f bytes/flow, LZ4; %.2fx the archive)\n", a, a / f, a / z }'
fi
echo "client $CLIENT: rank $CLIENT_RANK of $CLIENTS by flows (the median of the busiest tenth), $CLIENT_DAY_FLOWS flows on $first_day, $CLIENT_FLOWS in the window (busiest client: $BUSIEST_CLIENT_FLOWS)"
echo "account $ACCOUNT: $ACCOUNT_FIRST until $(date -u -d "@$ACCOUNT_MOVE" '+%F %R'), then $ACCOUNT_SECOND (clients.csv)"
echo "rare remote $RARE: $RARE_FLOWS flows in the window (the fewest of 198.18.0.0/15)"

# CPU seconds (user + system) of every child process the shell has waited
# for so far: the second line of bash's `times`.
# (Not in a subshell: it would count its own children, none.)
children_cpu() {
    times > "$work/times"
    tail -n 1 "$work/times" | awk '{
        n = 0
        for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); n += p[1] * 60 + p[2] }
        printf "%.3f", n }'
}
# measure COMMAND...: runs it once unmeasured, then RUNS times; sets $best
# (wall seconds, the shell's clock) and $best_cpu (that run's CPU seconds,
# every process it started), and leaves the output in $work/out and its
# stderr in $work/err.  $prepare, when set, runs before each run, untimed.
# With $warmup 0 there is no unmeasured run and a failure shows as "failed".
prepare=""
warmup=1
measure() {
    best=""
    best_cpu=""
    if [ "$warmup" = 1 ]; then
        [ -n "$prepare" ] && eval "$prepare"
        if ! "$@" > "$work/out" 2> "$work/err"; then
            best="failed"
            echo "  failed: $* : $(tail -n 1 "$work/err")" >&2
            return
        fi
    fi
    for _ in $(seq "$runs"); do
        local t0 t1 t c0 c1
        [ -n "$prepare" ] && eval "$prepare"
        children_cpu > "$work/cpu0"
        t0=$(date +%s.%N)
        if ! "$@" > "$work/out" 2> "$work/err"; then
            best="failed"
            echo "  failed: $* : $(tail -n 1 "$work/err")" >&2
            return
        fi
        t1=$(date +%s.%N)
        children_cpu > "$work/cpu1"
        c0=$(cat "$work/cpu0")
        c1=$(cat "$work/cpu1")
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}')
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN {exit !(a < b)}'; then
            best=$t
            best_cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", b - a}')
        fi
    done
}
# Lines of flows in a CSV answer (both tools start a flow's line with a digit).
flow_lines() { grep -c '^[0-9]' "$1"; }
warm() { find "$@" -type f -exec cat {} + > /dev/null 2>&1; }

window_day=(-w "$archive" --from "$first_day" --to "$second_day")
window_month=(-w "$archive" --from "$first_day" --to "$last_day")
nf_day=(-R "$nfdir/$first_day" -t "$(nf_time "$START")-$(nf_time $((START + 86400)))")
nf_month=(-R "$nfdir" -t "$(nf_time "$START")-$(nf_time "$END")")
account_nfdump() {
    nfdump -R "$nfdir" -t "$(nf_time "$START")-$(nf_time "$ACCOUNT_MOVE")" -q -o csv "host $ACCOUNT_FIRST" &&
        nfdump -R "$nfdir" -t "$(nf_time "$ACCOUNT_MOVE")-$(nf_time "$END")" -q -o csv "host $ACCOUNT_SECOND"
}

# question LABEL TARGET KIND FLOWKEEP-COMMAND... -- NFDUMP-COMMAND...
# KIND: csv (flows counted) or report (answers printed).
printf '\n%-32s %8s %7s %16s %16s %16s %8s %7s %s\n' "question" "flows" "blocks" "index s (CPU)" \
    "no-index s (CPU)" "nfdump s (CPU)" "no-ix/ix" "nf/ix" "target"
printf '%-32s %8s %7s %16s %16s %16s %8s %7s %s\n' "--------------------------------" "--------" \
    "-------" "----------------" "----------------" "----------------" "--------" "-------" "------"
: > "$work/answers"
question() {
    local label=$1 target=$2 kind=$3
    shift 3
    local ours=() theirs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do ours+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    theirs=("$@")
    measure "${ours[@]}"
    local with=$best with_cpu=$best_cpu
    cp "$work/out" "$work/with"
    cp "$work/err" "$work/with-err"
    # The blocks the index let it read, from one more run, unmeasured:
    # "TOOL: index: B of T blocks read in N files indexed (S not opened), F
    # files scanned whole" (nothing, or "not used", when it gives none).
    local stats blocks="-"
    stats=$("${ours[@]}" --index-stats 2>&1 > /dev/null | grep -m1 ': index: ' | sed 's/^[^:]*: //')
    if [[ $stats =~ ^index:\ ([0-9]+)\ of\ ([0-9]+)\ blocks ]] && [ "${BASH_REMATCH[2]}" -gt 0 ]; then
        blocks=$(awk -v b="${BASH_REMATCH[1]}" -v t="${BASH_REMATCH[2]}" 'BEGIN {printf "%.1f%%", 100 * b / t}')
    fi
    measure "${ours[@]}" --no-index
    local without=$best without_cpu=$best_cpu
    cp "$work/out" "$work/without"
    local nf="-" nf_cpu="" nf_count=""
    if [ $have_nfdump = 1 ]; then
        measure "${theirs[@]}"
        nf=$best
        nf_cpu=$best_cpu
        cp "$work/out" "$work/nfdump"
    fi
    local count same
    if [ "$kind" = csv ]; then
        count=$(flow_lines "$work/with")
        [ $have_nfdump = 1 ] && nf_count=$(flow_lines "$work/nfdump")
    else
        count="-"
    fi
    if cmp -s "$work/with" "$work/without"; then same=""; else same="  ANSWERS DIFFER with and without index"; fi
    awk -v l="$label" -v c="$count" -v b="$blocks" -v w="$with" -v n="$without" -v f="$nf" -v t="$target" -v s="$same" \
        -v wc="$with_cpu" -v nc="$without_cpu" -v fc="$nf_cpu" 'BEGIN {
        r1 = (w > 0 && n != "failed") ? sprintf("%.1fx", n / w) : "-"
        r2 = (w > 0 && f != "-" && f != "failed") ? sprintf("%.1fx", f / w) : "-"
        printf "%-32s %8s %7s %16s %16s %16s %8s %7s %s%s\n", l, c, b, w " (" wc ")", n " (" nc ")",
               (f == "-" ? "-" : f " (" fc ")"), r1, r2, t, s }'
    {
        echo "== $label"
        [ "$kind" = csv ] && echo "flowkeep: $count flows (identical with --no-index: $([ -z "$same" ] && echo yes || echo NO)); nfdump: ${nf_count:--} flows"
        echo "flowkeep --index-stats: ${stats:-(no figures)}"
        # A stale or damaged index is ignored with one line: the timing
        # would then be a scan's.
        [ -s "$work/with-err" ] && echo "flowkeep's stderr: $(head -n 2 "$work/with-err")"
        if [ "$kind" = report ]; then
            echo "-- flowkeep"; head -n 16 "$work/with"
            [ $have_nfdump = 1 ] && { echo "-- nfdump"; head -n 16 "$work/nfdump"; }
        fi
    } >> "$work/answers"
}

warm "$archive"
[ $have_nfdump = 1 ] && warm "$nfdir"
question "one client's day" "< 0.05 s" csv "$csv" "${window_day[@]}" --ip "$CLIENT" -- \
    nfdump "${nf_day[@]}" -q -o csv "host $CLIENT"
question "one client's month" "< 1 s" csv "$csv" "${window_month[@]}" --ip "$CLIENT" -- \
    nfdump "${nf_month[@]}" -q -o csv "host $CLIENT"
question "one customer's month (--account)" "" csv "$csv" "${window_month[@]}" \
    --clients "$archive/clients.csv" --account "$ACCOUNT" -- account_nfdump
question "a rare remote's month" "< 0.1 s" csv "$csv" "${window_month[@]}" --ip "$RARE" -- \
    nfdump "${nf_month[@]}" -q -o csv "host $RARE"
question "port $port_query, one day" "" csv "$csv" "${window_day[@]}" --port "$port_query" -- \
    nfdump "${nf_day[@]}" -q -o csv "port $port_query"
question "the day's totals" "" report "$stat" "${window_day[@]}" -- \
    nfdump "${nf_day[@]}" -s proto -q
question "top-10 dst ports of a day" "" report "$stat" "${window_day[@]}" --by dst-port --top 10 -- \
    nfdump "${nf_day[@]}" -s dstport/bytes -n 10 -q

# flow-index on a day that has no index, against a full scan of the same
# day (flow-stat --no-index): the archive's first day as flow-capture wrote
# it (block points) with its ix- files removed, and the same day as
# flow-tools writes it (no block points), indexed as it is (one block a file)
# and with --rewrite (full flushes added, each file copied and exchanged).
echo
echo "flow-index on one day without indexes, against a full scan of the same day"
day_path=$(day_dir "$first_day")
copy=$data/day-without-index
rm -rf "$copy"
mkdir -p "$copy/$day_path"
cp "$archive/$day_path"/ft-* "$copy/$day_path/"
# flow-tools wrote its files in arrival order.
"$gen" archive "$plain" --days 1 --flows-per-day "$flows_per_day" --block-records 0 --no-index \
    --client-networks '' | grep -v '^SUMMARY' || exit 1
rewritten=$data/day-rewritten
printf '%-60s %9s %7s %9s\n' "command (one day, $flows_per_day flows, 96 files)" "wall s" "CPU s" "scan/this"
row() {
    awk -v l="$1" -v a="$2" -v s="$3" -v c="$best_cpu" 'BEGIN {
        r = (a != "failed" && a > 0 && s != "failed") ? sprintf("%.2fx", s / a) : "-"
        printf "%-60s %9s %7s %9s\n", l, a, c, r }'
}
warm "$copy" "$plain"
measure "$stat" -w "$copy" --from "$first_day" --to "$second_day" --no-index
scan=$best
row "  flow-stat --no-index (the full scan)" "$scan" "$scan"
# Writing work, not reading: the page cache is warm from the scan, and one
# run of each (INDEX_RUNS) is enough.
runs_before=$runs
runs=${INDEX_RUNS:-1}
warmup=0
prepare="find '$copy' -name 'ix-*' -delete"
measure "$indexer" -q -w "$copy"
row "  flow-index, flow-capture's day (block points)" "$best" "$scan"
prepare="find '$plain' -name 'ix-*' -delete"
measure "$indexer" -q -w "$plain"
row "  flow-index, flow-tools' day (one block a file)" "$best" "$scan"
prepare="rm -rf '$rewritten' && cp -r '$plain' '$rewritten' && find '$rewritten' -name 'ix-*' -delete"
measure "$indexer" -q --rewrite -w "$rewritten"
row "  flow-index --rewrite, flow-tools' day (full flushes added)" "$best" "$scan"
prepare=""
warmup=1
runs=$runs_before
rm -rf "$copy" "$rewritten"
echo "  (target: flow-index on an existing day at least as fast as the full scan, scan/this >= 1)"

echo
echo "answers (flow counts, and the reports' first lines):"
cat "$work/answers"
echo
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "blocks: the share of the blocks of the indexed files the query read (--index-stats);"
echo "index s: the query tool as it is run (with the ix- files); no-index s: the same with"
echo "--no-index (every file of the window inflated); nfdump s: nfdump on its copy of the flows."
echo "no-ix/ix and nf/ix: how many times longer the scan and nfdump take than the indexed query."
echo "(CPU): user + system seconds of that run, every process and thread; on a busy machine the"
echo "wall times stretch, the CPU times much less."
