// --sort start beyond --sort-memory, as an operator meets it: the listing
// of flow-select and flow-export-csv is byte for byte the one made in
// memory (both series mixed), TMPDIR is left as it was, and a TMPDIR too
// small or missing ends the tool with one line naming it, exit 1 and
// nothing on standard output.  The tmpfs needs root (CI runs as root).
#include <catch2/catch.hpp>

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "flowfile/archive.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"
#include "tools/archive_builder.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t evening = 1796326200;  // 2026-12-03T19:30:00Z

void add_ipv6_series_file(const fs::path& root, std::int64_t created,
                          const std::vector<flowfile::Record6>& flows) {
    const auto name =
        flowfile::file_name_at(created, flowfile::ipv6_export_version, std::nullopt, false);
    const fs::path path = root / flowfile::nest_path(name, 3);
    fs::create_directories(path.parent_path());
    auto writer = flowfile::Writer::create(
        path,
        flowfile::Header::for_capture(flowfile::ipv6_export_version,
                                      static_cast<std::uint32_t>(created), "flowbox-test", true));
    writer->write(std::span<const flowfile::Record6>(flows));
    flowfile::CloseCounters counters;
    counters.cap_end = static_cast<std::uint32_t>(created + 300);
    writer->finish(counters);
}

// Six five-minute files of each series, 12 000 flows each, that started up
// to ten minutes before their file (so the files overlap), on whole seconds
// (so flows of different files and series share start times): about 7 MB
// packed, several times --sort-memory 1.
void write_busy_evening(const fs::path& root) {
    std::mt19937 rng(14);
    ArchiveBuilder archive(root);
    for (std::int64_t f = 0; f < 6; ++f) {
        const std::int64_t created = evening + f * 300;
        std::vector<flowfile::Record> flows;
        std::vector<flowfile::Record6> flows6;
        for (int i = 0; i < 12000; ++i) {
            const std::int64_t start_ms = (created + 300 - rng() % 600) * 1000;
            flows.push_back(flow_at(start_ms, start_ms + 1000 * (rng() % 60),
                                    ip(10, 0, static_cast<unsigned>(rng() % 8), rng() % 256),
                                    ip(203, 0, 113, rng() % 256), 6,
                                    static_cast<std::uint16_t>(rng()), 443));
            flowfile::Record6 r;
            r.srcaddr = flowfile::parse_ipv6_prefix("2001:db8:3:700::").value().address;
            r.srcaddr[15] = static_cast<std::uint8_t>(rng());
            r.dstaddr = flowfile::parse_ipv6_prefix("2001:db8:99::").value().address;
            r.dstaddr[14] = static_cast<std::uint8_t>(rng());
            r.exaddr = flowfile::ipv4_mapped(ip(198, 51, 100, 1));
            r.start_ms = (created + 300 - rng() % 600) * 1000;
            r.end_ms = r.start_ms + 1000 * (rng() % 60);
            r.prot = 17;
            r.srcport = static_cast<std::uint16_t>(rng());
            r.dstport = 53;
            r.dpkts = 1 + rng() % 9;
            r.doctets = 80 + rng() % 1400;
            flows6.push_back(r);
        }
        archive.add_file(created, flows);
        add_ipv6_series_file(root, created, flows6);
    }
}

std::string listing(const char* bin, const fs::path& archive, const std::string& tmpdir,
                    const std::string& args) {
    return "TMPDIR=" + tmpdir + " " + std::string(bin) + " --utc --sort start " + args + " " +
           shell_arg(archive);
}

// A tmpfs of `bytes` on `target`, unmounted at the end of the test.
class SmallTmpfs {
  public:
    SmallTmpfs(const fs::path& target, std::size_t bytes) : target_(target) {
        fs::create_directories(target);
        const std::string options = "size=" + std::to_string(bytes);
        mounted_ = ::mount("tmpfs", target.c_str(), "tmpfs", 0, options.c_str()) == 0;
        if (!mounted_) error_ = std::strerror(errno);
    }
    ~SmallTmpfs() {
        if (mounted_ && ::umount(target_.c_str()) != 0) ::umount2(target_.c_str(), MNT_DETACH);
    }
    SmallTmpfs(const SmallTmpfs&) = delete;
    SmallTmpfs& operator=(const SmallTmpfs&) = delete;
    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }

  private:
    fs::path target_;
    bool mounted_ = false;
    std::string error_;
};

// The tool's error line: the last of stderr, after any notes on its inputs
// (a missing index, for one).
std::string last_line(const std::string& err) {
    const std::size_t end = err.size() > 0 && err.back() == '\n' ? err.size() - 1 : err.size();
    const std::size_t begin = err.rfind('\n', end == 0 ? 0 : end - 1);
    return err.substr(begin == std::string::npos || begin >= end ? 0 : begin + 1);
}

std::size_t lines_naming(const std::string& err, const std::string& word) {
    std::size_t n = 0;
    std::size_t at = 0;
    while (at < err.size()) {
        std::size_t end = err.find('\n', at);
        if (end == std::string::npos) end = err.size();
        if (err.substr(at, end - at).find(word) != std::string::npos) ++n;
        at = end + 1;
    }
    return n;
}

}  // namespace

TEST_CASE("a listing in start order through temporary files is the one made in memory") {
    TempDir dir;
    write_busy_evening(dir / "archive");
    TempDir tmp;
    const std::string tmpdir = shell_arg(tmp.path());
    for (const char* bin : {FLOW_SELECT_BIN, FLOW_EXPORT_CSV_BIN}) {
        INFO(bin);
        const std::string fields = "--fields start,src_ip,src_port,dst_ip,dst_port,bytes";
        const ToolRun held = run_shell(listing(bin, dir / "archive", tmpdir, fields));
        const ToolRun spilled =
            run_shell(listing(bin, dir / "archive", tmpdir, "--sort-memory 1 " + fields));
        CHECK(held.status == 0);
        CHECK(spilled.status == 0);
        CHECK(spilled.err == held.err);  // notes on the inputs only, if any
        CHECK(held.err.find("sort") == std::string::npos);
        CHECK(std::count(held.out.begin(), held.out.end(), '\n') == 1 + 6 * 2 * 12000);
        CHECK(spilled.out == held.out);
        CHECK(fs::is_empty(tmp.path()));
    }
    // The stream of flow-select carries the IPv4 flows in the same order.
    const ToolRun held = run_shell(listing(FLOW_SELECT_BIN, dir / "archive", tmpdir, "-o stream"));
    const ToolRun spilled =
        run_shell(listing(FLOW_SELECT_BIN, dir / "archive", tmpdir, "-o stream --sort-memory 1"));
    CHECK(held.status == 0);
    CHECK(spilled.status == 0);
    CHECK(spilled.err == held.err);  // the IPv6 flows it left out, counted
    // Only the capture end time (now) may differ in the stream header.
    REQUIRE(held.out.size() == spilled.out.size());
    CHECK(held.out.size() > 6 * 12000 * 48);
    CHECK(held.out.substr(held.out.size() - 6 * 12000 * 48) ==
          spilled.out.substr(spilled.out.size() - 6 * 12000 * 48));
}

TEST_CASE("start order needs TMPDIR only beyond its memory") {
    TempDir dir;
    write_busy_evening(dir / "archive");
    const std::string missing = shell_arg(dir / "no-such-dir");
    const ToolRun held = run_shell(listing(FLOW_SELECT_BIN, dir / "archive", missing, ""));
    CHECK(held.status == 0);
    CHECK(held.err.find("TMPDIR") == std::string::npos);
    for (const char* bin : {FLOW_SELECT_BIN, FLOW_EXPORT_CSV_BIN}) {
        INFO(bin);
        const ToolRun run = run_shell(listing(bin, dir / "archive", missing, "--sort-memory 1"));
        const std::string program = fs::path(bin).filename().string();
        CHECK(run.status == 1);
        CHECK(run.out.empty());
        CHECK(last_line(run.err) == program + ": --sort start: cannot create a temporary file in " +
                                        (dir / "no-such-dir").string() +
                                        " (TMPDIR): No such file or directory\n");
        CHECK(lines_naming(run.err, "TMPDIR") == 1);
    }
}

TEST_CASE("a full TMPDIR ends a listing in start order with one line and nothing printed") {
    if (!running_as_root("the full TMPDIR test mounts a tmpfs and")) return;
    TempDir dir;
    write_busy_evening(dir / "archive");
    const fs::path small = dir / "small-tmp";
    SmallTmpfs tmpfs(small, 256 * 1024);
    if (!precondition(tmpfs.mounted(), "cannot mount a tmpfs on " + small.string() + ": " +
                                           tmpfs.error() + " (a container without CAP_SYS_ADMIN?)"))
        return;
    for (const char* bin : {FLOW_SELECT_BIN, FLOW_EXPORT_CSV_BIN}) {
        INFO(bin);
        const ToolRun run =
            run_shell(listing(bin, dir / "archive", shell_arg(small), "--sort-memory 1"));
        const std::string program = fs::path(bin).filename().string();
        CHECK(run.status == 1);
        CHECK(run.out.empty());
        CHECK(last_line(run.err) == program + ": --sort start: cannot write temporary data in " +
                                        small.string() + " (TMPDIR): No space left on device\n");
        CHECK(lines_naming(run.err, "TMPDIR") == 1);
        CHECK(fs::is_empty(small));
    }
    const ToolRun stream = run_shell(
        listing(FLOW_SELECT_BIN, dir / "archive", shell_arg(small), "-o stream --sort-memory 1"));
    CHECK(stream.status == 1);
    CHECK(stream.out.empty());
    CHECK(last_line(stream.err) == "flow-select: --sort start: cannot write temporary data in " +
                                       small.string() + " (TMPDIR): No space left on device\n");
}

TEST_CASE("the sort memory is a whole number of MiB and needs sort by start") {
    TempDir dir;
    write_busy_evening(dir / "archive");
    const std::string archive = shell_arg(dir / "archive");
    const ToolRun alone = run_shell(std::string(FLOW_SELECT_BIN) + " --sort-memory 64 " + archive);
    CHECK(alone.status == 2);
    CHECK(alone.out.empty());
    CHECK(alone.err.find("--sort-memory requires --sort") != std::string::npos);
    const ToolRun zero =
        run_shell(std::string(FLOW_EXPORT_CSV_BIN) + " --sort start --sort-memory 0 " + archive);
    CHECK(zero.status == 2);
    CHECK(zero.out.empty());
    CHECK(zero.err.find("--sort-memory") != std::string::npos);
}
