#!/bin/bash
# bench_query.sh: flows/s, wall time and peak memory of the three daily
# questions (full scan, one address, top-10 destination ports) over one day of
# ISP traffic, for flowkeep's tools and for nfdump on the same flows, next to
# the raw inflate speed of the same files.  The same flows are also written as
# IPv6 records (the IPv6 series, issue 13) and read by the same tools: flows/s
# and MB/s of records inflated side by side.  Prints figures; never fails on
# speed.  See README.md ("bench_query") for what each row means.
#
#   tests/bench/bench_query.sh BUILD_DIR [DATA_DIR]
#
# BUILD_DIR holds tests/bench/bench_query_data and query/flow-stat, ...
# (a Release build).  DATA_DIR (default /tmp/flowkeep-bench-query) receives
# the flow-capture archive (~250 MB), the IPv6 series of the same flows and
# nfcapd's copy (~1.2 GB); all are reused by later runs.  Environment: FLOWS (default 10000000), RUNS (best
# of, default 3), ADDRESS (default 10.0.3.7), RATE (replay, flows/s, default
# 1000000), PORT (nfcapd's UDP port, default 29995).
set -u
export TZ=UTC LC_ALL=C

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 BUILD_DIR [DATA_DIR]" >&2
    exit 2
fi
build=$(cd "$1" && pwd) || { echo "bench_query: build directory $1 not found" >&2; exit 2; }
data=${2:-/tmp/flowkeep-bench-query}
flows=${FLOWS:-10000000}
runs=${RUNS:-3}
address=${ADDRESS:-10.0.3.7}
rate=${RATE:-1000000}
port=${PORT:-29995}
day=2026-01-01        # the traffic model's first day
next_day=2026-01-02
nf_window=2026/01/01.00:00:00-2026/01/02.00:00:00

gen=$build/tests/bench/bench_query_data
if [ ! -x "$gen" ]; then
    echo "bench_query: $gen missing (cmake --build $1 --target bench_query_data)" >&2
    exit 2
fi

# GNU time for peak RSS; nfdump for its rows.  Installed when missing and
# allowed (root); otherwise their rows are left out with a message.
install_package() {
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        echo "installing $1 ..."
        apt-get install -y "$1" > /dev/null 2>&1 || { apt-get update > /dev/null 2>&1 &&
            apt-get install -y "$1" > /dev/null 2>&1; }
    fi
}
[ -x /usr/bin/time ] || install_package time
command -v nfdump > /dev/null || install_package nfdump
if [ ! -x /usr/bin/time ]; then
    echo "bench_query: /usr/bin/time missing (Debian package time)" >&2
    exit 2
fi
have_nfdump=1
if ! command -v nfdump > /dev/null || ! command -v nfcapd > /dev/null; then
    have_nfdump=0
    echo "nfdump/nfcapd not found: its rows are left out (Debian: apt-get install nfdump)"
fi

mkdir -p "$data"
archive=$data/flow-tools
archive6=$data/ipv6-series
nfdir=$data/nfdump
work=$(mktemp -d "${TMPDIR:-/tmp}/bench_query.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "bench_query: $flows flows, one day ($day, UTC), best of $runs runs"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs"
echo
"$gen" archive "$archive" --flows "$flows" --ipv6-dir "$archive6" | grep -v '^SUMMARY' || exit 1
archive_bytes=$(find "$archive" -type f -name 'ft-*' -printf '%s\n' | awk '{s+=$1} END {print s}')
archive6_bytes=$(find "$archive6" -type f -name 'ip6.*' -printf '%s\n' | awk '{s+=$1} END {print s}')
# The generator's IPv6 twin of an IPv4 address: its 32 bits as the third and
# fourth groups of 2001:db8::/32.
address6=$(echo "$address" | awk -F. '{printf "2001:db8:%x:%x::", $1 * 256 + $2, $3 * 256 + $4}')

nfdump_flows() {
    nfdump -R "$nfdir" -I 2> /dev/null | awk '/^Flows:/ {print $2; exit}'
}

# nfcapd's copy: the archive's flows replayed as NetFlow v5 (same records,
# same exporters and export times), checked complete by nfdump's own count.
if [ $have_nfdump = 1 ]; then
    if [ -f "$nfdir.from-archive" ] && cmp -s "$nfdir.from-archive" "$archive/bench_query_data.done" &&
        [ "$(nfdump_flows)" = "$flows" ]; then
        echo "nfdump copy $nfdir: reused"
    else
        attempt_rate=$rate
        for attempt in 1 2 3; do
            rm -rf "$nfdir" "$nfdir.from-archive"
            mkdir -p "$nfdir"
            nfcapd -w "$nfdir" -p "$port" -b 127.0.0.1 -B 8388608 > "$work/nfcapd.log" 2>&1 &
            nfcapd_pid=$!
            sleep 1
            "$gen" replay "$archive" "127.0.0.1:$port" --rate "$attempt_rate" | grep -v '^SUMMARY'
            sleep 2
            kill -TERM $nfcapd_pid
            wait $nfcapd_pid
            stored=$(nfdump_flows)
            if [ "$stored" = "$flows" ]; then
                # Beside the directory: nfdump -R reads every file in it.
                cp "$archive/bench_query_data.done" "$nfdir.from-archive"
                break
            fi
            echo "nfcapd stored ${stored:-0} of $flows flows at $attempt_rate flows/s; again slower"
            attempt_rate=$((attempt_rate / 2))
        done
        if [ "$(nfdump_flows)" != "$flows" ]; then
            echo "nfcapd did not store every flow: nfdump rows left out"
            have_nfdump=0
        fi
    fi
fi
if [ $have_nfdump = 1 ]; then
    nf_bytes=$(find "$nfdir" -type f -name 'nfcapd.*' -printf '%s\n' | awk '{s+=$1} END {print s}')
fi
echo
awk -v f="$flows" -v a="$archive_bytes" 'BEGIN {
    printf "flow-tools archive: %d bytes, %.2f bytes/flow (zlib level 6, 96 files)\n", a, a / f }'
awk -v f="$flows" -v a="$archive6_bytes" -v z="$archive_bytes" 'BEGIN {
    printf "IPv6 series:        %d bytes, %.2f bytes/flow (zlib level 6, 96 files; %.1fx)\n",
           a, a / f, a / z }'
if [ $have_nfdump = 1 ]; then
    awk -v f="$flows" -v a="$nf_bytes" -v z="$archive_bytes" 'BEGIN {
        printf "nfdump files:       %d bytes, %.2f bytes/flow (uncompressed, its default; %.1fx)\n",
               a, a / f, a / z }'
fi

# Page cache: every figure is CPU work, not the disk.
cat $(find "$archive" "$archive6" -type f) > /dev/null
[ $have_nfdump = 1 ] && cat $(find "$nfdir" -type f) > /dev/null

# measure LABEL COMMAND...: best wall time of $runs runs (output in
# $work/out, overwritten), with that run's peak RSS and CPU time.  $record
# is the bytes of one record inflated (64 for v5, 132 for the IPv6 series),
# for the side-by-side figures at the end.
record=64
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows the wall times, not the CPU times)"
printf '\n%-50s %8s %9s %8s %10s %7s\n' "question / program" "wall s" "Mflows/s" "CPU s" "Mflows/CPUs" "RSS MB"
printf '%-50s %8s %9s %8s %10s %7s\n' "$(printf '%.0s-' {1..50})" "--------" "---------" "--------" "----------" "-------"
measure() {
    local label=$1
    shift
    local best="" line
    for _ in $(seq "$runs"); do
        local t0 t1
        t0=$(date +%s.%N)
        if ! /usr/bin/time -f '%U %S %M' -o "$work/time" "$@" > "$work/out" 2> "$work/err"; then
            printf '%-50s failed: %s\n' "$label" "$(tail -n 1 "$work/err")"
            return
        fi
        t1=$(date +%s.%N)
        # GNU time's wall clock has 10 ms steps: the shell's is finer.
        line="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}') $(tail -n 1 "$work/time")"
        if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN {exit !(a < b)}'; then
            best=$line
            cp "$work/out" "$work/best"
        fi
    done
    echo "$best" | awk -v l="$label" -v f="$flows" '{
        cpu = $2 + $3
        printf "%-50s %8.3f %9.2f %8.2f %10.2f %7.1f\n", l, $1, f / $1 / 1e6, cpu,
               (cpu > 0 ? f / cpu / 1e6 : 0), $4 / 1024 }'
    echo "$label|$best|$record" >> "$work/summary"
}

# tool NAME: the query tool in the build, or nothing (with a message once).
tool() {
    if [ -x "$build/query/$1" ]; then
        echo "$build/query/$1"
    fi
}
skip() {
    printf '%-50s skipped: %s not built yet\n' "$1" "$2"
}

echo "floor: the same files inflated, nothing else"
measure "  zlib inflate, 1 thread" "$gen" inflate "$archive" --engine zlib --threads 1
measure "  zlib inflate, 2 threads" "$gen" inflate "$archive" --engine zlib --threads 2
measure "  libdeflate inflate, 1 thread" "$gen" inflate "$archive" --engine libdeflate --threads 1
measure "  libdeflate inflate, 2 threads" "$gen" inflate "$archive" --engine libdeflate --threads 2
measure "  flowfile::Reader (zlib streaming), 2 threads" "$gen" inflate "$archive" \
    --engine reader-streaming --threads 2
measure "  flowfile::Reader, 2 threads" "$gen" inflate "$archive" --engine reader --threads 2
record=132
measure "  IPv6 series: libdeflate inflate, 1 thread" "$gen" inflate "$archive6" \
    --engine libdeflate --threads 1
measure "  IPv6 series: flowfile::Reader6, 2 threads" "$gen" inflate "$archive6" --engine reader \
    --threads 2
record=64

stat=$(tool flow-stat)
csv=$(tool flow-export-csv)
window=(-w "$archive" --from "$day" --to "$next_day")
window6=(-w "$archive6" --from "$day" --to "$next_day")

echo
echo "full scan: totals of the day"
if [ -n "$stat" ]; then
    measure "  flow-stat (totals)" "$stat" "${window[@]}"
    sed 's/^/      /' "$work/best" | head -n 12
    record=132
    measure "  IPv6 series: flow-stat (totals)" "$stat" "${window6[@]}"
    sed 's/^/      /' "$work/best" | head -n 12
    record=64
else
    skip "  flow-stat (totals)" flow-stat
fi
if [ $have_nfdump = 1 ]; then
    measure "  nfdump -s proto" nfdump -R "$nfdir" -t "$nf_window" -s proto -q
    sed 's/^/      /' "$work/best" | head -n 6
fi

echo
echo "address: every flow of $address as CSV"
if [ -n "$csv" ]; then
    measure "  flow-export-csv --ip $address" "$csv" "${window[@]}" --ip "$address"
    echo "      $(($(wc -l < "$work/best") - 1)) flows"
    record=132
    measure "  IPv6 series: flow-export-csv --ip $address6" "$csv" "${window6[@]}" \
        --ip "$address6"
    echo "      $(($(wc -l < "$work/best") - 1)) flows"
    record=64
else
    skip "  flow-export-csv --ip $address" flow-export-csv
fi
if [ $have_nfdump = 1 ]; then
    measure "  nfdump 'host $address' -o csv" nfdump -R "$nfdir" -t "$nf_window" -q -o csv \
        "host $address"
    echo "      $(grep -c "$address" "$work/best") flows"
fi

echo
echo "top-10 destination ports by bytes"
if [ -n "$stat" ]; then
    measure "  flow-stat --by dst-port --top 10" "$stat" "${window[@]}" --by dst-port --top 10
    sed 's/^/      /' "$work/best" | head -n 14
    record=132
    measure "  IPv6 series: flow-stat --by dst-port --top 10" "$stat" "${window6[@]}" \
        --by dst-port --top 10
    sed 's/^/      /' "$work/best" | head -n 14
    record=64
else
    skip "  flow-stat --by dst-port --top 10" flow-stat
fi
if [ $have_nfdump = 1 ]; then
    measure "  nfdump -s dstport/bytes -n 10" nfdump -R "$nfdir" -t "$nf_window" \
        -s dstport/bytes -n 10 -q
    sed 's/^/      /' "$work/best" | head -n 12
fi

# v5 files and the IPv6 series of the same flows, row by row: the issue's
# target is the same MB/s of records inflated.
if [ -f "$work/summary" ]; then
    echo
    echo "v5 files and the IPv6 series of the same $flows flows (MB: records inflated, 64 and 132 bytes each;"
    echo "per wall second, and per CPU second, the figure to read on a busy machine)"
    printf '%-44s %9s %8s %9s %9s %8s %9s %7s\n' "question / program" "v5 Mfl/s" "v5 MB/s" \
        "v5 MB/CPUs" "v6 Mfl/s" "v6 MB/s" "v6 MB/CPUs" "v6/v5 CPU"
    grep '^  IPv6 series: ' "$work/summary" | while IFS='|' read -r label6 t6 r6; do
        name=${label6#  IPv6 series: }
        case $name in
            "libdeflate inflate, 1 thread") v5label="  libdeflate inflate, 1 thread" ;;
            "flowfile::Reader6, 2 threads") v5label="  flowfile::Reader, 2 threads" ;;
            "flow-export-csv --ip $address6") v5label="  flow-export-csv --ip $address" ;;
            *) v5label="  $name" ;;
        esac
        line5=$(grep -F "$v5label|" "$work/summary" | head -n 1)
        [ -n "$line5" ] || continue
        IFS='|' read -r _ t5 r5 <<< "$line5"
        awk -v l="$name" -v f="$flows" -v t5="$t5" -v t6="$t6" -v ra="$r5" -v rb="$r6" 'BEGIN {
            split(t5, x, " "); split(t6, y, " ")
            ca = x[2] + x[3]; cb = y[2] + y[3]
            if (ca <= 0) ca = 0.01; if (cb <= 0) cb = 0.01  # GNU time counts in 10 ms steps
            printf "%-44s %9.2f %8.1f %9.1f %9.2f %8.1f %9.1f %7.2f\n", l, f / x[1] / 1e6,
                   f * ra / x[1] / 1e6, f * ra / ca / 1e6, f / y[1] / 1e6, f * rb / y[1] / 1e6,
                   f * rb / cb / 1e6, (f * rb / cb) / (f * ra / ca) }'
    done
fi

echo
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Mflows/s: the day's $flows flows over the wall time, whatever the question matched."
echo "CPU s: user + system of every thread; Mflows/CPUs: flows per CPU second (per core)."
echo "RSS MB: peak resident set (GNU time %M)."
printf 'SUMMARY bench_query flows=%s archive_bytes=%s ipv6_series_bytes=%s nfdump_bytes=%s' \
    "$flows" "$archive_bytes" "$archive6_bytes" "${nf_bytes:-0}"
if [ -f "$work/summary" ]; then
    while IFS='|' read -r label t _; do
        key=$(echo "$label" | sed 's/^ *//; s/[^A-Za-z0-9]\+/_/g; s/_$//')
        printf ' %s=%s' "$key" "$(echo "$t" | awk -v f="$flows" '{printf "%.0f/s,%.3fs,%.0fKB", f / $1, $1, $4}')"
    done < "$work/summary"
fi
echo
