// Writes the files of this directory (README.md) with the current
// libflowfile; run by hand when the IPv6 series' header or layout changes
// on purpose, then commit the files with the change:
//   g++ -std=c++20 -I libflowfile/include -I tests/unit \
//       tests/data/ipv6_files/write_files.cpp BUILD/libflowfile/libflowfile.a \
//       -lz -ldeflate -lisal -o /tmp/write_ipv6_files && /tmp/write_ipv6_files
//       tests/data/ipv6_files

#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "flowfile/writer.hpp"
#include "ipv6_fixture_flows.hpp"

namespace {

using namespace flowfile;
using namespace std::chrono_literals;

constexpr const char* name_done = "ip6.2025-12-03.193000+0000";
constexpr const char* name_open = "tmp-ip6.2025-12-03.193000+0000";

std::unique_ptr<Writer> start(const std::filesystem::path& p, bool compressed, ByteOrder order) {
    return Writer::create(p,
                          Header::for_capture(ipv6_export_version, 1764790200, "flowbox-a",
                                              compressed, std::nullopt, order),
                          {.compression_level = compressed ? 6 : 0,
                           .flush_interval = 0ms,
                           .sync_on_flush = false,
                           .checksum_blocks = 4});
}

// A flush (and so a checksum point) every 20 flows.
void write_in_twenties(Writer& w, std::span<const Record6> flows) {
    for (std::size_t i = 0; i < flows.size(); i += 20) {
        w.write(flows.subspan(i, std::min<std::size_t>(20, flows.size() - i)));
        w.flush();
    }
}

std::vector<char> slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const std::filesystem::path& p, const std::vector<char>& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const std::filesystem::path dir = argv[1];
    const auto flows = flowkeep_test::ipv6_fixture_flows(60);
    const std::span<const Record6> all(flows);

    auto z6 = start(dir / "ip6_z6" / name_done, true, ByteOrder::little);
    write_in_twenties(*z6, all);
    z6->finish({.cap_end = 1764790500});

    auto z0 = start(dir / "ip6_z0_big" / name_done, false, ByteOrder::big);
    write_in_twenties(*z0, all.first(40));
    z0->finish({.cap_end = 1764790500});

    // Copied while their writers are still open: no end of stream.
    const std::filesystem::path scratch = std::filesystem::temp_directory_path() / "ip6_open";
    auto open6 = start(scratch, true, ByteOrder::little);
    write_in_twenties(*open6, all.first(40));
    spit(dir / "tmp_z6" / name_open, slurp(scratch));
    auto open0 = start(scratch.string() + "0", false, ByteOrder::little);
    write_in_twenties(*open0, all.first(40));
    auto cut = slurp(scratch.string() + "0");
    cut.resize(cut.size() - 50);  // inside the 40th record
    spit(dir / "tmp_z0" / name_open, cut);
    std::filesystem::remove(scratch);
    std::filesystem::remove(scratch.string() + "0");
    return 0;
}
