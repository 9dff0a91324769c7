#!/bin/sh
# Checks the manual pages in man/:
#   (a) groff -t -man -ww -z prints nothing for every page (-t: the tables
#       are checked as man(1) renders them);
#   (b) mandoc -Tlint -W warning prints nothing (skipped with a note when
#       mandoc is not installed);
#   (c) for each PROGRAM=BINARY given, every option that `BINARY --help`
#       lists (short -x and long --name, in the usage synopsis and the option
#       table) appears in PROGRAM's page as \-x / \-\-name, and has an item
#       of its own (the tag of a .TP or .IP);
#   (d) the other way round, every long option the page offers as PROGRAM's
#       own (in an item tag or in the SYNOPSIS, ENVIRONMENT and FILES
#       sections) is one that `BINARY --help` lists; other sections may name
#       other programs' options.
# Prints each problem and exits 1 when there is one.
#
# usage: check_man_pages.sh MAN_DIR [PROGRAM=BINARY ...]
#        check_man_pages.sh --self-test MAN_DIR PROGRAM=BINARY
#   --self-test removes the items of one short and one long option from a
#   copy of PROGRAM's page and checks that (c) then fails naming both.
set -u
LC_ALL=C
export LC_ALL

me=$(basename "$0")
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# The options BINARY --help lists, one a line: "-x" or "--name".
help_options() {
    awk '
        # The synopsis: from "Usage:" to the first blank line; the first
        # word in each [...] (grouped flags "[-hu]" are -h and -u).
        /^[Uu]sage:/ { in_usage = 1 }
        in_usage && /^[[:space:]]*$/ { in_usage = 0 }
        in_usage {
            line = $0
            while (match(line, /\[-[-A-Za-z0-9]+/)) {
                word = substr(line, RSTART + 1, RLENGTH - 1)
                line = substr(line, RSTART + RLENGTH)
                if (word ~ /^-[A-Za-z]+$/ && length(word) > 2 && substr(line, 1, 1) == "]") {
                    for (i = 2; i <= length(word); ++i) print "-" substr(word, i, 1)
                } else {
                    print word
                }
            }
            next
        }
        # The option table: a line indented a little that starts with an
        # option; "-x, --name" and "-x,--name" name two.  Deeper indented
        # lines continue a description ("-3 as 3") and are not options.
        # (No {m,n} in the patterns: mawk, the awk of Debian, lacks them.)
        match($0, /^ +-/) && RLENGTH <= 7 {
            n = split($0, words, /[ \t]+/)
            for (i = 2; i <= n; ++i) {
                w = words[i]
                more = (w ~ /,$/)
                m = split(w, parts, ",")
                for (j = 1; j <= m; ++j) {
                    p = parts[j]
                    sub(/[=[].*$/, "", p)
                    if (p ~ /^-[A-Za-z?]$/ || p ~ /^--[A-Za-z0-9][-A-Za-z0-9]*$/) print p
                }
                if (!more) break
            }
        }
    ' | sort -u
}

# The tag lines of the page's items: the line after .TP, the argument of .IP.
item_tags() {
    awk '
        tag_next { print; tag_next = 0; next }
        /^\.TP([ \t]|$)/ { tag_next = 1; next }
        /^\.IP[ \t]/ { sub(/^\.IP[ \t]+/, ""); print }
    ' "$1"
}

# The long options a page offers as its program's own (see (d)), one a line.
own_page_options() {
    awk '
        /^\.SH/ { own = ($0 ~ /^\.SH +"?(SYNOPSIS|ENVIRONMENT|FILES)"?[ \t]*$/) }
        tag_next { print; tag_next = 0; next }
        /^\.TP([ \t]|$)/ { tag_next = 1; next }
        /^\.IP[ \t]/ { print; next }
        own { print }
    ' "$1" | grep -oE '\\-\\-[A-Za-z0-9]([A-Za-z0-9]|\\-)*' | sed 's/\\-/-/g' | sort -u
}

# "--flush-interval" -> the ERE for \-\-flush\-interval in roff source,
# not followed by more of a name.
roff_pattern() {
    printf '%s' "$1" | sed 's/-/\\\\-/g'
    printf '%s' '([^-A-Za-z0-9\\]|\\[^-]|$)'
}

check_options() {  # PROGRAM BINARY MAN_DIR
    program=$1
    binary=$2
    dir=$3
    page=""
    # A program's page is in section 1 or 8; a file format of the same name
    # (flow-index.5) is not where its options are documented.
    for candidate in "$dir/$program".1 "$dir/$program".8 "$dir/$program".[2-7]; do
        [ -f "$candidate" ] && page=$candidate && break
    done
    if [ -z "$page" ]; then
        fail "$program: no manual page $dir/$program.[1-8]"
        return
    fi
    if [ ! -x "$binary" ]; then
        fail "$program: $binary is not an executable (build it first)"
        return
    fi
    help=$("$binary" --help 2>&1)
    status=$?
    if [ "$status" -ne 0 ] || [ -z "$help" ]; then
        fail "$program: '$binary --help' exited $status with output:"
        printf '%s\n' "$help" | sed 's/^/    /'
        return
    fi
    options=$(printf '%s\n' "$help" | help_options)
    if [ -z "$options" ]; then
        fail "$program: found no options in '$binary --help'"
        return
    fi
    tags=$(item_tags "$page")
    count=0
    before=$failures
    for option in $options; do
        count=$((count + 1))
        pattern=$(roff_pattern "$option")
        roff=$(printf '%s' "$option" | sed 's/-/\\-/g')
        if ! grep -Eq -- "$pattern" "$page"; then
            fail "$(basename "$page"): option $option (in '$program --help') is missing: no $roff in the page"
        elif ! printf '%s\n' "$tags" | grep -Eq -- "$pattern"; then
            fail "$(basename "$page"): option $option (in '$program --help') has no item of its own: no .TP/.IP tag with $roff"
        fi
    done
    for option in $(own_page_options "$page"); do
        if ! printf '%s\n' "$options" | grep -Fxq -- "$option"; then
            fail "$(basename "$page"): option $option is offered in the page but '$program --help' has no such option"
        fi
    done
    if [ "$failures" -eq "$before" ]; then
        echo "ok: $(basename "$page") documents all $count options of '$program --help'"
    else
        echo "$(basename "$page") lacks $((failures - before)) of the $count options of '$program --help'"
    fi
}

check_pages() {  # MAN_DIR
    dir=$1
    pages=$(ls "$dir"/*.[1-8] 2>/dev/null)
    if [ -z "$pages" ]; then
        fail "no manual pages in $dir"
        return
    fi
    if command -v groff >/dev/null 2>&1; then
        for page in $pages; do
            out=$(groff -t -man -ww -z "$page" 2>&1)
            if [ -n "$out" ]; then
                fail "groff -t -man -ww -z $(basename "$page"):"
                printf '%s\n' "$out" | sed 's/^/    /'
            else
                echo "ok: groff -t -man -ww -z $(basename "$page")"
            fi
        done
    else
        fail "groff is not installed (Debian package groff-base); cannot check the pages"
    fi
    if command -v mandoc >/dev/null 2>&1; then
        for page in $pages; do
            out=$(mandoc -Tlint -W warning "$page" 2>&1)
            if [ -n "$out" ]; then
                fail "mandoc -Tlint -W warning $(basename "$page"):"
                printf '%s\n' "$out" | sed 's/^/    /'
            else
                echo "ok: mandoc -Tlint -W warning $(basename "$page")"
            fi
        done
    else
        echo "SKIP: mandoc is not installed (Debian package mandoc); pages not linted with mandoc -Tlint"
    fi
}

self_test() {  # MAN_DIR PROGRAM=BINARY
    dir=$1
    program=${2%%=*}
    binary=${2#*=}
    page=""
    # A program's page is in section 1 or 8; a file format of the same name
    # (flow-index.5) is not where its options are documented.
    for candidate in "$dir/$program".1 "$dir/$program".8 "$dir/$program".[2-7]; do
        [ -f "$candidate" ] && page=$candidate && break
    done
    [ -n "$page" ] || { echo "FAIL: no manual page for $program in $dir"; exit 1; }
    options=$("$binary" --help 2>&1 | help_options)
    short=$(printf '%s\n' "$options" | grep -E '^-[^-]' | tail -n 1)
    long=$(printf '%s\n' "$options" | grep -E '^--' | head -n 1)
    [ -n "$short" ] && [ -n "$long" ] || { echo "FAIL: $binary --help lists no short or no long option"; exit 1; }
    work=$(mktemp -d) || exit 1
    trap 'rm -rf "$work"' EXIT
    # Drop the .TP line and the tag line of the two options' items.
    # Through the environment: awk -v would take the backslashes as escapes.
    SHORT_RE=$(roff_pattern "$short") LONG_RE=$(roff_pattern "$long") awk '
        BEGIN { s = ENVIRON["SHORT_RE"]; l = ENVIRON["LONG_RE"] }
        held != "" { if ($0 ~ s || $0 ~ l) { held = ""; next } print held; held = "" }
        /^\.TP([ \t]|$)/ { held = $0; next }
        { print }
        END { if (held != "") print held }
    ' "$page" >"$work/$(basename "$page")"
    if cmp -s "$page" "$work/$(basename "$page")"; then
        echo "FAIL: self-test could not remove the items of $short and $long"
        exit 1
    fi
    out=$(sh "$0" "$work" "$program=$binary" 2>&1)
    status=$?
    printf '%s\n' "$out" | sed 's/^/    | /'
    if [ "$status" -eq 0 ]; then
        echo "FAIL: $me passed a page without the items of $short and $long"
        exit 1
    fi
    for option in "$short" "$long"; do
        if ! printf '%s\n' "$out" | grep -F -- "option $option " >/dev/null; then
            echo "FAIL: $me did not name $option as missing"
            exit 1
        fi
    done
    echo "ok: $me fails (status $status) when the items of $short and $long are removed"
    # (d): an item for an option the program does not have.
    { cat "$page"; printf '.SH FILES\n.TP\n.B /etc/x\nRead with\n.BR \\-\\-no\\-such\\-option .\n'; } \
        >"$work/$(basename "$page")"
    out=$(sh "$0" "$work" "$program=$binary" 2>&1)
    status=$?
    if [ "$status" -eq 0 ] || ! printf '%s\n' "$out" | grep -F -- "option --no-such-option " >/dev/null; then
        printf '%s\n' "$out" | sed 's/^/    | /'
        echo "FAIL: $me did not name --no-such-option, offered by the page only"
        exit 1
    fi
    echo "ok: $me fails (status $status) when the page offers an option $program lacks"
    exit 0
}

if [ "${1:-}" = "--self-test" ]; then
    [ $# -eq 3 ] || { echo "usage: $me --self-test MAN_DIR PROGRAM=BINARY" >&2; exit 2; }
    self_test "$2" "$3"
fi
if [ $# -lt 1 ]; then
    echo "usage: $me MAN_DIR [PROGRAM=BINARY ...]" >&2
    exit 2
fi
man_dir=$1
shift
check_pages "$man_dir"
for pair in "$@"; do
    case $pair in
        *=*) check_options "${pair%%=*}" "${pair#*=}" "$man_dir" ;;
        *) fail "argument '$pair' is not PROGRAM=BINARY" ;;
    esac
done
if [ "$failures" -ne 0 ]; then
    echo "$failures problem(s) in the manual pages"
    exit 1
fi
echo "manual pages ok"
