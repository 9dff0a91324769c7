// make_ipv6_archive ARCHIVE_ROOT: writes the IPv6 series files of
// tests/data/ipv6_series/archive/ (ipv6_series_archive.hpp) below
// ARCHIVE_ROOT at their -N 3 paths and prints each path.  Run by hand when
// the IPv6 file format changes, before tests/data/ipv6_series/record.sh
// records flow-tools' readings again.

#include <cstdio>
#include <exception>

#include "ipv6_series_archive.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_ipv6_archive ARCHIVE_ROOT\n");
        return 2;
    }
    try {
        for (const auto& path : flowkeep_compat::write_ipv6_series(argv[1]))
            std::printf("%s\n", path.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_ipv6_archive: %s\n", e.what());
        return 1;
    }
    return 0;
}
