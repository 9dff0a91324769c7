#include "crash_recovery.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <memory>
#include <optional>

#include "client_order_rewrite.hpp"
#include "client_ordered_copy.hpp"
#include "flowfile/archive.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "series_index.hpp"

namespace capture {

namespace {

namespace fs = std::filesystem;

// True when a live writer holds the file (flowkeep's Writer locks it).
bool in_use(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return locked;
}

std::uint32_t modification_time(const fs::path& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 ? static_cast<std::uint32_t>(st.st_mtime) : 0;
}

RecoveredFile recover_one(const fs::path& tmp, const flowfile::FileName& name,
                          std::size_t block_records, const flowfile::ClientNetworks& networks) {
    RecoveredFile result;
    result.tmp_path = tmp.string();
    const fs::path final_path = tmp.parent_path() / name.closed().str();
    // Dot-named while incomplete: no tool takes it for a flow file.
    const fs::path staging =
        tmp.parent_path() / std::string(".").append(name.closed().str()).append(".recovering");
    if (fs::exists(final_path)) {
        result.problem = final_path.string() + " already exists; leftover kept";
        return result;
    }
    const std::uint32_t end_time = modification_time(tmp);
    try {
        // Either series: a tmp-ip6. leftover is read by the IPv6 reader.
        const flowfile::AnyReader reader = flowfile::open_any(tmp);
        flowfile::Header header = reader.ipv4 ? reader.ipv4->header() : reader.ipv6->header();
        const int level = header.compressed() ? 6 : 0;
        auto writer = flowfile::Writer::create(staging, header,
                                               {.compression_level = level,
                                                .flush_interval = std::chrono::milliseconds(0),
                                                .checksum_blocks = 1,
                                                .block_records = block_records});
        std::unique_ptr<SeriesIndex> index =
            optional_index(header, block_records, result.index_problem);
        const flowfile::ReadStatus status =
            copy_in_client_order(reader, *writer, index, result.index_problem, networks);
        result.flows = status.records;
        if (!status.ok()) result.problem = status.message;
        writer->finish({.cap_end = end_time,
                        .lost_flows = header.lost_flows.value_or(0),
                        .corrupt_packets = header.corrupt_packets.value_or(0),
                        .seq_resets = header.seq_resets.value_or(0)});
        // From the staging file, whose header is now the final one.
        std::vector<std::uint8_t> index_bytes;
        if (index) {
            try {
                index_bytes =
                    index->encode(staging, writer->block_points(), writer->bytes_written());
            } catch (const std::exception& e) {
                result.index_problem = e.what();
            }
        }
        fs::rename(staging, final_path);
        fs::remove(tmp);
        result.final_path = final_path.string();
        result.recovered = true;
        if (!index_bytes.empty()) {
            try {
                flowfile::write_index_file(final_path, index_bytes);
            } catch (const std::exception& e) {
                result.index_problem = e.what();
            }
        }
    } catch (const std::exception& e) {
        std::error_code ec;
        fs::remove(staging, ec);
        result.problem = e.what();
    }
    return result;
}

}  // namespace

std::vector<RecoveredFile> recover_leftovers(const fs::path& work_dir, int nesting,
                                             const std::function<void(const std::string&)>& log,
                                             std::size_t block_records,
                                             const flowfile::ClientNetworks& client_networks) {
    std::vector<RecoveredFile> results;
    std::error_code ec;
    fs::recursive_directory_iterator it(work_dir, fs::directory_options::skip_permission_denied,
                                        ec);
    if (ec) {
        log("crash recovery: " + work_dir.string() + ": " + ec.message());
        return results;
    }
    std::vector<std::pair<fs::path, flowfile::FileName>> leftovers;
    std::vector<fs::path> unfinished_orderings;
    // A tmp- file named `filename` in the directory of `path`, at exactly
    // the place this capture's nesting puts it.
    const auto ours = [&](const fs::path& path,
                          const std::string& filename) -> std::optional<flowfile::FileName> {
        const auto name = flowfile::parse_file_name(filename);
        if (!name || !name->in_progress ||
            fs::relative(path.parent_path() / filename, work_dir, ec).generic_string() !=
                flowfile::nest_path(*name, nesting))
            return std::nullopt;
        return name;
    };
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
        const std::string filename = it->path().filename().string();
        // A client-order copy is ours only beside the tmp- file it copied.
        if (const auto source = client_order_staging_source(filename)) {
            if (ours(it->path(), *source)) unfinished_orderings.push_back(it->path());
        } else if (const auto name = ours(it->path(), filename)) {
            leftovers.emplace_back(it->path(), *name);
        }
    }
    for (const auto& path : unfinished_orderings) {
        if (in_use(path)) continue;
        std::error_code remove_ec;
        if (fs::remove(path, remove_ec))
            log("removed " + path.string() +
                ": an unfinished client-order copy (its file was recovered in its place)");
        else if (remove_ec)
            log("cannot remove " + path.string() + ": " + remove_ec.message());
    }
    for (const auto& [path, name] : leftovers) {
        if (in_use(path)) continue;
        RecoveredFile r = recover_one(path, name, block_records, client_networks);
        if (!r.recovered) {
            log("cannot recover " + r.tmp_path + ": " + r.problem);
        } else {
            log("recovered " + r.tmp_path + " as " + r.final_path + ": " + std::to_string(r.flows) +
                " flows" + (r.problem.empty() ? "" : " (" + r.problem + ")"));
            if (!r.index_problem.empty())
                log(r.final_path + ": no index written (" + r.index_problem +
                    "); the file is complete, flow-index can build its index later");
        }
        results.push_back(std::move(r));
    }
    return results;
}

}  // namespace capture
