#!/bin/sh
# Records what the ORIGINAL flow-tools print for files/without/ and
# files/with/ (README.md): the same flows written without and with block
# points.  Run by hand, never by the tests, which read the goldens this
# writes.  Refuses to record when the original answers differently for the
# two: that is the bug the goldens are there to rule out.
#
# usage: record.sh FLOW_TOOLS_BIN [GOLDENS_DIR]
#   FLOW_TOOLS_BIN  directory of flow-tools 0.68.5's flow-cat, flow-print,
#                   flow-stat, flow-export, flow-header (e.g. /tmp/ft/bin)
#   GOLDENS_DIR     default: goldens/ beside this script (replaced)
#
# For each file F and case NAME: F.NAME.stdout, F.NAME.stderr and
# F.NAME.status, in goldens/without/ and goldens/with/; for flow-cat's binary
# stream and flow-print's text, which no test compares with flowkeep's
# output, F.NAME.stdout.sha256 (sha256 and size) instead of the stdout.  The tools run by
# name in the variant's directory on the relative name F, so that both runs
# print the same names.
set -eu
[ $# -ge 1 ] || { echo "usage: record.sh FLOW_TOOLS_BIN [GOLDENS_DIR]" >&2; exit 2; }
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
goldens=${2:-$here/goldens}
for tool in flow-cat flow-print flow-stat flow-export flow-header; do
    [ -x "$bin/$tool" ] || { echo "record.sh: no $bin/$tool" >&2; exit 2; }
done
PATH="$bin:$PATH"
TZ=UTC
LC_ALL=C
export PATH TZ LC_ALL
rm -rf "$goldens"

# run DIR OUT NAME COMMAND: COMMAND (a shell line) in DIR, its stdout,
# stderr and status to OUT/NAME.*
run() {
    dir=$1 out=$2 name=$3 command=$4
    status=0
    (cd "$dir" && sh -c "$command") > "$out/$name.stdout" 2> "$out/$name.stderr" || status=$?
    echo "$status" > "$out/$name.status"
}

# run_hashed: as run, the stdout kept as its sha256 and size only.
run_hashed() {
    run "$@"
    s="$2/$3.stdout"
    printf '%s %s\n' "$(sha256sum < "$s" | cut -d' ' -f1)" "$(wc -c < "$s" | tr -d ' ')" \
        > "$s.sha256"
    rm "$s"
}

for variant in without with; do
    dir=$here/files/$variant
    out=$goldens/$variant
    mkdir -p "$out"
    for f in ft-v05.z6 ft-v05.z0 ft-v1005.z6 ft-v1005.z0; do
        [ -f "$dir/$f" ] || { echo "record.sh: no $dir/$f" >&2; exit 2; }
        run "$dir" "$out" "$f.header" "flow-header < $f"
        run_hashed "$dir" "$out" "$f.print_f5" "flow-print -f 5 < $f"
        run "$dir" "$out" "$f.stat_f0" "flow-stat -f 0 < $f"
        run "$dir" "$out" "$f.stat_f5" "flow-stat -f 5 < $f"
        run "$dir" "$out" "$f.export_f2" "flow-export -f 2 < $f"
        run_hashed "$dir" "$out" "$f.cat" "flow-cat $f"
    done
done

if ! diff -r "$goldens/without" "$goldens/with"; then
    echo "record.sh: flow-tools read the files with block points differently" >&2
    exit 1
fi
echo "record.sh: goldens in $goldens (the same for both variants)"
