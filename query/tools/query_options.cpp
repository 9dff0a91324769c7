#include "tools/query_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <type_traits>

#include "inputs/progress_policy.hpp"
#include "inputs/read_completeness.hpp"
#include "time/floor_div.hpp"
#include "time/time_spec.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

namespace {

std::optional<FlowWindow> parse_window(const QueryOptionText& text) {
    if (text.from.empty() && text.to.empty()) return std::nullopt;
    FlowWindow w{0, (max_time_point + 1) * 1000};  // open ends: all of time
    if (!text.from.empty()) w.from_ms = parse_time_point_ms(text.from, "--from");
    if (!text.to.empty()) w.to_ms = parse_time_point_ms(text.to, "--to");
    if (w.from_ms >= w.to_ms)
        throw UsageError("--from " + text.from + " is not before --to " + text.to +
                         ": the time window is empty");
    return w;
}

// The archive is listed by whole seconds: the ones that hold the window.
flowfile::TimeWindow whole_seconds(const FlowWindow& w) {
    return {floor_div(w.from_ms, 1000), floor_div(w.to_ms + 999, 1000)};
}

}  // namespace

void add_query_options(CLI::App& app, QueryOptionText& text) {
    app.add_option("inputs", text.paths,
                   "Flow files or directories (a directory is read recursively); '-' or nothing "
                   "reads a flow-tools stream on standard input")
        ->type_name("FILE|DIR");
    app.add_option("-w,--archive", text.archive_root,
                   "flow-capture's -w directory: only the files that can hold --from/--to are "
                   "opened")
        ->type_name("DIR")
        ->group("Inputs");
    app.add_option("--from", text.from,
                   "Keep flows active at or after this time: 2026-03-14, '2026-03-14 20:00', "
                   "2026-03-14T20:00:05.123+01:00 as the tools print it (local time unless a "
                   "zone is given) or epoch seconds")
        ->type_name("TIME")
        ->group("Inputs");
    app.add_option("--to", text.to, "Keep flows that started before this time (exclusive)")
        ->type_name("TIME")
        ->group("Inputs");
    app.add_option("--threads", text.threads, "Files read at once (default: one per core)")
        ->type_name("N")
        ->group("Inputs");
    add_filter_options(app, text.filters);
    app.add_option("--clients", text.clients_file,
                   "Client records: CSV of prefix,account,device,valid_from,valid_until[,"
                   "connection] (IPv4 or IPv6 prefixes); adds the account and device of each "
                   "flow's client")
        ->type_name("FILE")
        ->group("Client records");
    app.add_option("--account", text.accounts,
                   "Only flows of this account (at the flow's time, either side); repeatable")
        ->type_name("ID")
        ->group("Client records");
    app.add_option("--connection", text.connections,
                   "Only flows of clients on this connection type (the clients file's "
                   "connection column: FTTH, xDSL, LTE...; at the flow's time, either side); "
                   "repeatable")
        ->type_name("TYPE")
        ->group("Client records");
    app.add_flag("--utc", text.utc, "Print times in UTC instead of the local time zone");
    app.add_flag("--no-index", text.no_index,
                 "Scan every file whole, as if no file had a block index (flow-index(8)); the "
                 "answer is the same")
        ->group("Inputs");
    app.add_flag("--index-stats", text.index_stats,
                 "Say on stderr how many blocks of the indexed files were read")
        ->group("Inputs");
}

Query build_query(const QueryOptionText& text) {
    Query q;
    q.names = ServiceNames::load();
    FilterSpec spec = build_filter_spec(text.filters, q.names);
    spec.window = parse_window(text);
    if (!text.clients_file.empty()) q.clients = ClientMap::load(text.clients_file);
    if (!text.accounts.empty() && !q.clients)
        throw UsageError("--account needs --clients FILE (the client records to look it up in)");
    for (const auto& a : text.accounts) {
        if (!q.clients->has_account(a))
            throw UsageError("--account " + a + ": no such account in " + text.clients_file);
    }
    q.accounts = text.accounts;
    if (!text.connections.empty() && !q.clients)
        throw UsageError("--connection needs --clients FILE (the client records to look it up in)");
    for (const auto& c : text.connections) {
        if (!q.clients->has_connection(c))
            throw UsageError("--connection " + c + ": no client has this connection type in " +
                             text.clients_file);
    }
    q.connections = text.connections;

    q.use_index = !text.no_index;
    if (q.use_index)
        q.scan.pruning =
            BlockPruning::plan(spec, q.clients ? &*q.clients : nullptr, q.accounts, q.connections);
    q.scan.index_stats = text.index_stats;

    InputSpec input;
    input.paths = text.paths;
    if (!text.archive_root.empty()) input.archive_root = text.archive_root;
    if (spec.window) input.window = whole_seconds(*spec.window);
    q.window = spec.window;
    q.filter = std::make_unique<FlowFilter>(std::move(spec));
    input.ipv4_files = q.filter->accepts_ipv4();
    input.ipv6_files = q.filter->accepts_ipv6();
    q.inputs = select_inputs(input);
    // Waiting for a stream an operator will never type is worse than saying so.
    for (const auto& source : q.inputs.sources) {
        if (source.is_stdin() && ::isatty(STDIN_FILENO) == 1)
            throw UsageError(
                "no input: give flow files or directories, -w DIR, or a flow-tools stream on "
                "standard input");
    }

    q.scan.threads = text.threads;
    q.scan.progress = draw_progress(OutputTiming::after_scan);
    q.zone = text.utc ? TimeZoneStyle::utc : TimeZoneStyle::local;
    return q;
}

namespace {

bool wanted(const std::vector<std::string>& list, std::string_view value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

// A flow between two clients belongs to both, so both sides are looked up,
// each with the mapping valid when the flow started; one side must have a
// wanted account and a wanted connection type (an empty list wants all).
template <typename R>
void keep_clients(const ClientMap& map, const std::vector<std::string>& accounts,
                  const std::vector<std::string>& connections, std::vector<R>& out,
                  std::size_t from) {
    auto not_wanted = [&](const R& r) {
        std::int64_t start_ms = 0;
        if constexpr (std::is_same_v<R, flowfile::Record6>)
            start_ms = r.start_ms;
        else
            start_ms = flowfile::flow_times(r).start_ms;
        const std::int64_t t = start_ms / 1000;
        for (const auto& addr : {r.srcaddr, r.dstaddr}) {
            const auto id = map.find(addr, t);
            if (id && wanted(accounts, id->account) && wanted(connections, id->connection))
                return false;
        }
        return true;
    };
    out.erase(
        std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(), not_wanted),
        out.end());
}

}  // namespace

RecordSelector Query::selector() const {
    const FlowFilter* f = filter.get();
    if (accounts.empty() && connections.empty()) {
        if (f->accepts_everything()) return {};
        return {
            .ipv4 = [f](std::span<const flowfile::Record> in,
                        std::vector<flowfile::Record>& out) { f->select(in, out); },
            .ipv6 = [f](std::span<const flowfile::Record6> in,
                        std::vector<flowfile::Record6>& out) { f->select(in, out); },
        };
    }
    const ClientMap* map = &*clients;
    const std::vector<std::string>* a = &accounts;
    const std::vector<std::string>* c = &connections;
    return {
        .ipv4 =
            [f, map, a, c](std::span<const flowfile::Record> in,
                           std::vector<flowfile::Record>& out) {
                const std::size_t before = out.size();
                f->select(in, out);
                keep_clients(*map, *a, *c, out, before);
            },
        .ipv6 =
            [f, map, a, c](std::span<const flowfile::Record6> in,
                           std::vector<flowfile::Record6>& out) {
                const std::size_t before = out.size();
                f->select(in, out);
                keep_clients(*map, *a, *c, out, before);
            },
    };
}

namespace {

std::string files_text(std::uint64_t n) {
    return std::to_string(n) + (n == 1 ? " file" : " files");
}

void report_index_use(std::string_view program, const IndexUse& index) {
    for (const auto& note : index.notes) std::cerr << program << ": " << note << '\n';
    if (const std::uint64_t n = index.files_without_index; n > 0)
        std::cerr << program << ": " << files_text(n)
                  << (n == 1 ? " has no index and was scanned (flow-index builds it)\n"
                             : " have no index and were scanned (flow-index builds them)\n");
    if (index.reported && !index.planned)
        std::cerr << program << ": index: not used (--no-index, or no criterion it narrows)\n";
    else if (index.reported)
        std::cerr << program << ": index: " << index.blocks_read << " of " << index.blocks
                  << " blocks read in " << files_text(index.files_indexed) << " indexed ("
                  << index.files_skipped << " not opened), " << files_text(index.files_scanned)
                  << " scanned whole\n";
}

}  // namespace

int report_scan_problems(std::string_view program, const InputSelection& inputs,
                         const ScanReport& report) {
    report_index_use(program, report.index);
    for (const auto& p : inputs.problems) std::cerr << program << ": " << p << '\n';
    for (const auto& p : report.problems) std::cerr << program << ": " << p << '\n';
    if (read_completeness(inputs, report).nothing_read)
        std::cerr << program << ": no input could be read, so there is no answer\n";
    return inputs.problems.empty() && report.problems.empty() ? 0 : 1;
}

}  // namespace flowquery
