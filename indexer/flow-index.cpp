// flow-index: builds the block indexes (flow-index(5)) of an archive that
// exists, and checks them (--verify).  Safe from cron on a live archive:
// files being written are left alone.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "flowfile/block_index.hpp"
#include "index_job.hpp"
#include "index_report.hpp"
#include "index_run.hpp"
#include "inputs/input_selection.hpp"
#include "orphan_sweep.hpp"
#include "tools/tool_main.hpp"
#include "tools/usage_error.hpp"

namespace {

constexpr const char* program = "flow-index";
// As flow-capture's --index-block: smaller blocks cost more index than they
// save, larger ones make a query inflate more than it needs.
constexpr std::size_t min_block_records = 64;
constexpr std::size_t max_block_records = std::size_t{1} << 20;

struct IndexOptions {
    std::vector<std::string> paths;
    std::string archive_root;
    std::size_t block_records = flowfile::default_block_records;
    bool rewrite = false;
    bool verify = false;
    bool dry_run = false;
    unsigned threads = 0;
    bool quiet = false;
    bool nice = false;
};

void add_options(CLI::App& app, IndexOptions& o) {
    app.add_option("inputs", o.paths,
                   "Flow files or directories (read recursively: ft-, tmp- and ip6. names)")
        ->type_name("FILE|DIR");
    app.add_option("-w,--archive", o.archive_root, "flow-capture's -w directory: every file below")
        ->type_name("DIR");
    app.add_option("--block", o.block_records,
                   "Records per block of an uncompressed or rewritten file, 64 to 1048576 "
                   "(default " +
                       std::to_string(flowfile::default_block_records) + ")")
        ->type_name("N")
        ->check(CLI::Range(min_block_records, max_block_records));
    auto* rewrite = app.add_flag("--rewrite", o.rewrite,
                                 "Rewrite a compressed file without block points with a full "
                                 "flush every N records (header and records kept byte for "
                                 "byte), so that its index has blocks; opt-in");
    auto* dry_run = app.add_flag("--dry-run", o.dry_run, "Say what would be done; write nothing");
    app.add_flag("--verify", o.verify,
                 "Check every index found against its data file (writes nothing); exit 1 if "
                 "one is bad")
        ->excludes(rewrite)
        ->excludes(dry_run);
    app.add_option("--threads", o.threads, "Files indexed at once (default: one per core)")
        ->type_name("N");
    app.add_flag("-q,--quiet", o.quiet, "No summary line: only failures (for cron)");
    app.add_flag("--nice", o.nice, "Run at the lowest CPU and idle I/O priority");
}

// nice 19 and the idle I/O class, before any thread starts (both are
// per thread on Linux, and new threads inherit them).
void lower_priority() {
    ::setpriority(PRIO_PROCESS, 0, 19);
    constexpr int ioprio_who_process = 1;
    constexpr int ioprio_class_idle = 3;
    constexpr int ioprio_class_shift = 13;
    ::syscall(SYS_ioprio_set, ioprio_who_process, 0, ioprio_class_idle << ioprio_class_shift);
}

// Files the walk would never take but a shell glob may: indexes and the
// temporary copies of --rewrite are not flow files.
bool is_flow_file_candidate(const std::string& path) {
    const std::string name = std::filesystem::path(path).filename().string();
    return !flowfile::is_index_file_name(name) && !name.starts_with(".rewrite-");
}

std::vector<std::string> files_to_index(const IndexOptions& o, std::vector<std::string>& problems) {
    if (o.paths.empty() && o.archive_root.empty())
        throw flowquery::UsageError("no input: give flow files or directories, or -w DIR");
    flowquery::InputSpec spec;
    spec.paths = o.paths;
    if (!o.archive_root.empty()) spec.archive_root = o.archive_root;
    const flowquery::InputSelection selection = flowquery::select_inputs(spec);
    problems = selection.problems;
    std::vector<std::string> files;
    for (const auto& source : selection.sources) {
        if (source.is_stdin())
            throw flowquery::UsageError("-: flow-index indexes files, not standard input");
        if (is_flow_file_candidate(source.path)) files.push_back(source.path);
    }
    return files;
}

int run(const IndexOptions& o) {
    std::vector<std::string> problems;
    const std::vector<std::string> files = files_to_index(o, problems);
    for (const auto& p : problems) std::cerr << program << ": " << p << '\n';
    if (o.nice) lower_priority();

    const flowindex::JobSettings settings{.block_records = o.block_records,
                                          .rewrite = o.rewrite,
                                          .dry_run = o.dry_run,
                                          .verify = o.verify};
    const auto results = flowindex::run_jobs(files, settings, o.threads);
    flowindex::Sweep sweep;
    if (!o.verify) {
        std::vector<std::filesystem::path> roots(o.paths.begin(), o.paths.end());
        if (!o.archive_root.empty()) roots.emplace_back(o.archive_root);
        sweep = flowindex::sweep_orphans(roots, o.dry_run);
        for (const auto& p : sweep.removed)
            if (o.dry_run)
                std::cout << "would remove " << p.string() << " (its data file is gone)\n";
        for (const auto& p : sweep.problems) std::cerr << program << ": " << p << '\n';
    }
    for (const auto& r : results) {
        switch (r.outcome) {
            case flowindex::Outcome::failed:
            case flowindex::Outcome::index_bad:
                std::cerr << program << ": " << r.line << '\n';
                break;
            case flowindex::Outcome::would_index:
            case flowindex::Outcome::would_rewrite:
                std::cout << r.line << '\n';
                break;
            case flowindex::Outcome::being_written:
                if (o.dry_run && !r.line.empty())
                    std::cout << "would skip " << r.line << " (being written)\n";
                break;
            default:
                break;
        }
        if (!r.note.empty() && !o.quiet) std::cout << r.note << '\n';
    }
    flowindex::Tally tally = flowindex::Tally::of(results);
    tally.orphans = sweep.removed.size();
    if (!o.quiet) std::cout << flowindex::summary_line(tally, settings) << '\n';
    std::cout.flush();
    return problems.empty() && sweep.problems.empty() && tally.failed == 0 && tally.index_bad == 0
               ? 0
               : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "flow-index: builds the block index (ix-NAME, flow-index(5)) of every finished flow "
        "file that has none or a stale or damaged one, or checks them (--verify) (flowkeep).",
        program};
    app.set_version_flag("--version", flowquery::version_text(program, FLOWKEEP_VERSION));
    IndexOptions options;
    add_options(app, options);
    return flowquery::run_query_tool(program, app, argc, argv, [&] { return run(options); });
}
