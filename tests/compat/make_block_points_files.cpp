// make_block_points_files ROOT: writes the files of tests/data/block_points/
// (block_points_files.hpp) into ROOT/without/ and ROOT/with/ and prints each
// path.  Run by hand when the writer's output changes, before
// tests/data/block_points/record.sh records flow-tools' readings again.

#include <cstdio>
#include <exception>

#include "block_points_files.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_block_points_files ROOT\n");
        return 2;
    }
    try {
        for (const auto& path : flowkeep_compat::write_block_points_files(argv[1]))
            std::printf("%s\n", path.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_block_points_files: %s\n", e.what());
        return 1;
    }
    return 0;
}
