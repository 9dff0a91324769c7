#!/bin/sh
# Records what the ORIGINAL flow-tools print for archive/ without its IPv6
# series files and with them (README.md): run by hand, never by the tests,
# which read the goldens this writes.
#
# usage: record.sh FLOW_TOOLS_BIN [GOLDENS_DIR]
#   FLOW_TOOLS_BIN  directory of flow-tools 0.68.5's flow-cat, flow-print,
#                   flow-stat, flow-header, flow-expire (e.g. /tmp/ft/bin)
#   GOLDENS_DIR     default: goldens/ beside this script (replaced)
#
# Each case NAME leaves NAME.stdout (NAME.stdout.sha256 for flow-cat's
# binary stream), NAME.stderr and NAME.status; in a pipe the first tool's
# stderr and status are NAME.cat.stderr and NAME.cat.status.  The tools run
# by name in a scratch copy, on the relative path "archive", so that both
# runs name the same paths.
set -eu
[ $# -ge 1 ] || { echo "usage: record.sh FLOW_TOOLS_BIN [GOLDENS_DIR]" >&2; exit 2; }
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
goldens=${2:-$here/goldens}
for tool in flow-cat flow-print flow-stat flow-header flow-expire; do
    [ -x "$bin/$tool" ] || { echo "record.sh: no $bin/$tool" >&2; exit 2; }
done
PATH="$bin:$PATH"
TZ=UTC
LC_ALL=C
export PATH TZ LC_ALL

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$goldens"

# run DIR OUT NAME COMMAND...: COMMAND in DIR, stdout/stderr/status to OUT/NAME.*
run() {
    dir=$1 out=$2 name=$3
    shift 3
    status=0
    (cd "$dir" && "$@") > "$out/$name.stdout" 2> "$out/$name.stderr" || status=$?
    echo "$status" > "$out/$name.status"
}

# run_binary: as run, flow-cat's stream kept as its sha256 and size only.
run_binary() {
    run "$@"
    f="$2/$3.stdout"
    printf '%s %s\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "$(wc -c < "$f" | tr -d ' ')" \
        > "$f.sha256"
    rm "$f"
}

# run_pipe DIR OUT NAME "FIRST" "SECOND": FIRST | SECOND, each tool's
# stderr and status kept apart.
run_pipe() {
    dir=$1 out=$2 name=$3 first=$4 second=$5
    (
        cd "$dir"
        { s=0; $first 2> "$out/$name.cat.stderr" || s=$?; echo "$s" > "$out/$name.cat.status"; } |
            { s=0; $second > "$out/$name.stdout" 2> "$out/$name.stderr" || s=$?
              echo "$s" > "$out/$name.status"; }
    )
}

for variant in without with; do
    dir=$work/$variant
    out=$goldens/$variant
    mkdir -p "$dir" "$out"
    cp -R "$here/archive" "$dir/archive"
    if [ "$variant" = without ]; then
        find "$dir/archive" -name '*ip6.*' -exec rm {} +
    fi
    (cd "$dir" && find archive -type f | sort) > "$out/files.txt"

    run_binary "$dir" "$out" cat flow-cat archive
    run_pipe "$dir" "$out" cat_print "flow-cat archive" "flow-print"
    run_pipe "$dir" "$out" cat_stat_f0 "flow-cat archive" "flow-stat -f 0"
    run_pipe "$dir" "$out" cat_stat_f5 "flow-cat archive" "flow-stat -f 5"
    run_pipe "$dir" "$out" cat_stat_f10 "flow-cat archive" "flow-stat -f 10"
    # -a: tmp- files too (a crash leftover of each series).
    run_binary "$dir" "$out" cat_a flow-cat -a archive
    run_pipe "$dir" "$out" cat_a_print "flow-cat -a archive" "flow-print"
    run_pipe "$dir" "$out" cat_a_stat_f0 "flow-cat -a archive" "flow-stat -f 0"
    # -d: a dry run (nothing removed), its listing and removals on stderr.
    run "$dir" "$out" expire_e3 flow-expire -d 1 -e 3 -w archive
    run "$dir" "$out" expire_E8K flow-expire -d 1 -E 8K -w archive
done

# Our files given by name to flow-tools' readers: each must refuse them.
dir=$work/with
out=$goldens/by_name
mkdir -p "$out"
ip6=archive/2009/2009-10/2009-10-15/ip6.2009-10-15.234101+0000
tmp_ip6=archive/2009/2009-10/2009-10-15/tmp-ip6.2009-10-15.163611+0000
run "$dir" "$out" print_ip6 sh -c "flow-print < $ip6"
run "$dir" "$out" stat_ip6 sh -c "flow-stat -f 0 < $ip6"
run "$dir" "$out" header_ip6 sh -c "flow-header < $ip6"
run_binary "$dir" "$out" cat_ip6 flow-cat "$ip6"
run "$dir" "$out" print_tmp_ip6 sh -c "flow-print < $tmp_ip6"
run_binary "$dir" "$out" cat_tmp_ip6 flow-cat "$tmp_ip6"
echo "record.sh: goldens in $goldens"
