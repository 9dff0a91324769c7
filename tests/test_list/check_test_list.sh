#!/bin/sh
# No test can vanish: every test source that declares Catch2 test cases is
# compiled into a test program, and every test case it declares is
# registered with CTest.  A test file left out of its CMakeLists.txt, or a
# program whose test discovery lost cases, fails here instead of passing
# by not running.
#
# usage: check_test_list.sh SOURCES PROGRAMS TESTS_DIR CTEST BUILD_DIR BENCH(ON|OFF)
set -eu
sources=$1 programs=$2 tests=$3 ctest=$4 build=$5 bench=$6
status=0

for f in $(grep -rl '^TEST_CASE(' "$tests" --include='*.cpp' | sort); do
    case "$f" in "$tests"/fuzz/*) continue ;; esac
    if [ "$bench" != ON ]; then
        case "$f" in "$tests"/bench/*) continue ;; esac
    fi
    if ! grep -qxF "$f" "$sources"; then
        echo "${f#"$tests"/} declares test cases, but no test program compiles it"
        status=1
    fi
done

declared=$(sort -u "$sources" | tr '\n' '\0' | xargs -0 cat | grep -c '^TEST_CASE(' || true)
pattern=$(sed 's/.*/&:/' "$programs" | paste -sd'|' -)
registered=$("$ctest" --test-dir "$build" -N | grep -cE "Test +#[0-9]+: ($pattern)" || true)
echo "test cases declared: $declared, registered with CTest: $registered"
if [ "$declared" -ne "$registered" ]; then
    echo "CTest registers $registered of the $declared test cases the test programs declare"
    status=1
fi
exit $status
