#include "client_order_rewrite.hpp"

#include <exception>
#include <memory>
#include <system_error>

#include "client_ordered_copy.hpp"
#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "series_index.hpp"

namespace capture {

namespace fs = std::filesystem;

fs::path client_order_staging_path(const fs::path& file) {
    // Appended, not "." + string: gcc 12 warns falsely (-Wrestrict) on that.
    std::string name = ".";
    name += file.filename().string();
    name += ".ordering";
    return file.parent_path() / name;
}

std::optional<std::string> client_order_staging_source(std::string_view filename) {
    constexpr std::string_view prefix = ".";
    constexpr std::string_view suffix = ".ordering";
    if (filename.size() <= prefix.size() + suffix.size() || !filename.starts_with(prefix) ||
        !filename.ends_with(suffix))
        return std::nullopt;
    return std::string(
        filename.substr(prefix.size(), filename.size() - prefix.size() - suffix.size()));
}

namespace {

ClientOrdered write_copy(const fs::path& path, const fs::path& staging, std::uint64_t records,
                         const flowfile::ClientNetworks& networks, flowfile::WriterOptions options,
                         const flowfile::CloseCounters& counters) {
    // Whole streams and no pipe: the source is read with zlib's streaming
    // inflate or libdeflate alike, and memory is the run, not the file.
    const flowfile::AnyReader reader = flowfile::open_any(path);
    const flowfile::Header& header = reader.ipv4 ? reader.ipv4->header() : reader.ipv6->header();
    // One durable write at the end instead of timed flushes: the original
    // stays in place until the copy is complete.
    options.flush_interval = std::chrono::milliseconds(0);
    options.sync_on_flush = true;
    options.exclusive_lock = true;
    auto writer = flowfile::Writer::create(staging, header, options);
    ClientOrdered result;
    std::unique_ptr<SeriesIndex> index =
        optional_index(header, options.block_records, result.index_problem);
    const flowfile::ReadStatus status =
        copy_in_client_order(reader, *writer, index, result.index_problem, networks);
    // The file was finished a moment ago by this process: anything but all
    // of its records, cleanly, means the copy would lose or invent flows.
    if (!status.ok())
        throw flowfile::Error(path.string() +
                              ": reading it back for the client order: " + status.message);
    if (status.records != records)
        throw flowfile::Error(path.string() + ": read back " + std::to_string(status.records) +
                              " of its " + std::to_string(records) + " flows for the client order");
    writer->finish(counters);
    result.size = writer->bytes_written();
    if (index) {
        try {
            result.index = index->encode(staging, writer->block_points(), result.size);
        } catch (const std::exception& e) {
            result.index_problem = e.what();
        }
    }
    return result;
}

}  // namespace

ClientOrdered rewrite_in_client_order(const fs::path& path, std::uint64_t records,
                                      const flowfile::ClientNetworks& networks,
                                      const flowfile::WriterOptions& options,
                                      const flowfile::CloseCounters& counters) {
    const fs::path staging = client_order_staging_path(path);
    try {
        ClientOrdered result = write_copy(path, staging, records, networks, options, counters);
        std::error_code ec;
        fs::rename(staging, path, ec);
        if (ec)
            throw flowfile::Error(staging.string() + ": cannot rename it over " + path.string() +
                                  ": " + ec.message());
        return result;
    } catch (const std::exception& e) {
        std::error_code ec;
        fs::remove(staging, ec);
        throw flowfile::Error(e.what());
    }
}

}  // namespace capture
