#!/bin/sh
# Remakes this folder's inputs and the real flow-stat's outputs for them.
# Usage: ./generate.sh [FLOW_TOOLS_BIN]   (default /tmp/ft/bin: flow-tools
# 0.68.5 installed there, see README.md).  Run from anywhere; writes beside
# itself.  The programs are run by name so that argv[0], which flow-stat
# prints in its "# Args:" line, is plain "flow-stat".
set -eu

bin=${1:-/tmp/ft/bin}
here=$(cd "$(dirname "$0")" && pwd)
files="$here/../files"
PATH="$bin:$PATH"
TZ=UTC
LC_ALL=C
export PATH TZ LC_ALL
cd "$here"

# -n makes the original read <sysconfdir>/sym/{ip-prot,ip-type,tcp-port,asn,
# tag}.sym, a path built in at configure time (/tmp/ft/etc/sym for
# --prefix=/tmp/ft); `make SUBDIRS="lib src"` leaves them out, so install them
# as flow-tools' `make install` does:
#     mkdir -p /tmp/ft/etc/sym && cp /tmp/ft-src/configs/*.sym /tmp/ft/etc/sym/
if [ ! -f "$bin/../etc/sym/tag.sym" ]; then
    echo "generate.sh: no $bin/../etc/sym/*.sym for the -n runs (see README.md)" >&2
    exit 1
fi

# flow-gen's synthetic streams: record i has key fields i (or 0xFF00 + i,
# 0xFFFF0000 + i) and i + 1 packets and octets; uncompressed, streaming.
flow-gen -V1 -n 50 > input_v1.ft
flow-gen -V5 -n 50 > input_v5.ft
flow-gen -V5 -n 50 -b big > input_v5_big.ft
flow-gen -V6 -n 50 > input_v6.ft
flow-gen -V7 -n 50 > input_v7.ft
flow-gen -V1005 -n 50 > input_v1005.ft

rm -rf out
mkdir out
: > cases.tsv

# One run: flow-stat ARGS < INPUT into out/NAME.txt (and out/NAME.stderr when
# it says anything); cases.tsv gets the input, exit status, files and args.
run() {
    run_input=$1 run_name=$2
    shift 2
    status=0
    flow-stat "$@" < "$run_input" > "out/$run_name.txt" 2> "out/$run_name.stderr" || status=$?
    stderr=-
    if [ -s "out/$run_name.stderr" ]; then
        stderr="out/$run_name.stderr"
    else
        rm "out/$run_name.stderr"
    fi
    printf '%s\t%s\tout/%s.txt\t%s\t%s\n' "$run_input" "$status" "$run_name" "$stderr" "$*" >> cases.tsv
}

# Every report with default options on every input, the synthetic ones and
# the real captures of ../files (flow-capture 0.68.5, v1, v5 and v7).
for input in input_v1 input_v5 input_v5_big input_v6 input_v7 input_v1005; do
    f=0
    while [ $f -le 32 ]; do
        run "$input.ft" "${input}_f$f" -f $f
        f=$((f + 1))
    done
done
for capture in v1/ft-v01.2009-10-15.154110+0000 v5_zdefault/ft-v05.2009-10-15.153110+0000 \
               v7/ft-v07.2009-10-15.155110+0000; do
    tag=capture_$(dirname "$capture")
    f=0
    while [ $f -le 32 ]; do
        run "../files/$capture" "${tag}_f$f" -f $f
        f=$((f + 1))
    done
done

# Every report with each option set on the synthetic v5 input, and the
# sorted and the percent ones on the real v5 capture too (ties and tallies).
capture=../files/v5_zdefault/ft-v05.2009-10-15.153110+0000
f=0
while [ $f -le 32 ]; do
    run input_v5.ft "input_v5_f${f}_P" -f $f -P
    run input_v5.ft "input_v5_f${f}_w" -f $f -w
    run input_v5.ft "input_v5_f${f}_S2" -f $f -S 2
    run input_v5.ft "input_v5_f${f}_s1" -f $f -s 1
    run input_v5.ft "input_v5_f${f}_Pt5" -f $f -P -t 5
    run "$capture" "capture_v5_zdefault_f${f}_S2" -f $f -S 2
    run "$capture" "capture_v5_zdefault_f${f}_Pt5" -f $f -P -t 5
    f=$((f + 1))
done

# -n (symbol names) on every report whose output the original's names leave
# alone but for "Symbols: Enabled": 17 and 18 turn -n off, the others print
# no port, protocol, AS or tag.  The reports that name keys (1 to 3 and 30 to
# 32 from tag.sym, 5 to 7 from tcp-port.sym, 12 from ip-prot.sym, 19 to 21
# from asn.sym) are left out: flowkeep takes port and protocol names from
# services(5) and protocols(5) and prints AS numbers and tags, see README.md.
for f in 0 4 8 9 10 11 13 14 15 16 17 18 22 23 24 25 26 27 28 29; do
    run input_v5.ft "input_v5_f${f}_n" -f $f -n
    run input_v1005.ft "input_v1005_f${f}_n" -f $f -n
    run "$capture" "capture_v5_zdefault_f${f}_n" -f $f -n
done
for f in 17 18; do
    run "$capture" "capture_v5_zdefault_f${f}_nw" -f $f -n -w
    run "$capture" "capture_v5_zdefault_f${f}_nP" -f $f -n -P
done
