#include "index_job.hpp"

#include <system_error>

#include "block_rewrite.hpp"
#include "data_file.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "index_build.hpp"
#include "index_problem_text.hpp"
#include "index_verify.hpp"

namespace flowindex {

namespace {

std::string naming(const std::filesystem::path& file, const std::string& message) {
    if (message.find(file.string()) != std::string::npos) return message;
    return file.string() + ": " + message;
}

bool still_named(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::symlink_status(p, ec));
}

JobResult verify(const DataFile& file) {
    JobResult r;
    const Verification v = verify_index(file);
    r.flows = v.flows;
    r.bytes_read = v.bytes_read;
    if (!v.has_index) {
        r.outcome = Outcome::no_index;
    } else if (v.problem) {
        r.outcome = Outcome::index_bad;
        r.line = *v.problem;
    } else {
        r.outcome = Outcome::index_good;
    }
    return r;
}

// Whether --rewrite has something to add: a compressed file with more
// records than one block holds, indexed (if at all) as one block.
bool worth_rewriting(const DataFile& file, const flowfile::BlockIndex::Opened& index,
                     std::size_t block_records) {
    const flowfile::Header& h = file.header();
    if (!h.compressed()) return false;
    if (index.index)
        return index.index->block_records() == 0 && index.index->flows() > block_records;
    // No usable index: the header's count says whether one block would do.
    return !h.flow_count || *h.flow_count > block_records;
}

std::string why_indexed(const flowfile::BlockIndex::Opened& index) {
    if (index.problem == flowfile::IndexProblem::missing) return "no index";
    return index_problem_text(index.message);
}

// Writes the index, unless expiry took the file meanwhile: an index beside
// nothing would only wait for the next expiry of its own.
Outcome put_index(const DataFile& file, const std::vector<std::uint8_t>& bytes) {
    if (!file.still_in_place()) return Outcome::gone;
    flowfile::write_index_file(file.path(), bytes);
    if (!still_named(file.path())) {
        std::error_code ec;
        std::filesystem::remove(flowfile::index_path_of(file.path()), ec);
        return Outcome::gone;
    }
    return Outcome::indexed;
}

JobResult index(const DataFile& file, const JobSettings& settings) {
    JobResult r;
    const auto& path = file.path();
    if (!settings.dry_run) remove_abandoned_rewrite(path);
    auto current = flowfile::BlockIndex::open(path);
    // Opening checks what a query needs first; a block filter that fails its
    // checksum would make every query of the file scan it.
    if (current.index) {
        if (auto bad = current.index->verify_sections()) {
            current.index.reset();
            current.problem = flowfile::IndexProblem::damaged;
            current.message = *bad;
        }
    }

    bool rewrite = false;
    if (settings.rewrite && worth_rewriting(file, current, settings.block_records)) {
        std::error_code ec;
        if (const auto why_not = why_not_rewritable(file.header()))
            r.note = path.string() + ": not rewritten: " + *why_not;
        else if (std::filesystem::is_symlink(path, ec))
            // The rename would replace the link, not the file it names.
            r.note = path.string() + ": not rewritten: a symbolic link (name the file itself)";
        else
            rewrite = true;
    }
    if (current.index && !rewrite) {
        r.outcome = Outcome::up_to_date;
        return r;
    }

    if (settings.dry_run) {
        if (rewrite) {
            r.outcome = Outcome::would_rewrite;
            r.line =
                "would rewrite " + path.string() + " with blocks of " +
                std::to_string(settings.block_records) + " records, then index it (" +
                (current.index ? std::string("its index has one block") : why_indexed(current)) +
                ")";
        } else {
            r.outcome = Outcome::would_index;
            r.line = "would index " + path.string() + " (" + why_indexed(current) + ")";
        }
        return r;
    }

    BuiltIndex built;
    if (rewrite) {
        Rewrite done = rewrite_with_block_points(file, settings.block_records);
        if (done.result == RewriteResult::busy) {
            r.outcome = Outcome::being_written;
            return r;
        }
        if (done.result == RewriteResult::gone) {
            r.outcome = Outcome::gone;
            return r;
        }
        built = std::move(done.index);
        // The file in place is the new one now: only its disappearance
        // stops the index.
        flowfile::write_index_file(path, built.bytes);
        r.outcome = still_named(path) ? Outcome::rewritten : Outcome::gone;
    } else {
        built = build_index(file, settings.block_records);
        r.outcome = put_index(file, built.bytes);
    }
    if (r.outcome == Outcome::gone) return r;
    r.flows = built.flows;
    r.bytes_read = built.bytes_read;
    r.index_bytes = built.bytes.size();
    return r;
}

}  // namespace

JobResult run_job(const std::filesystem::path& path, const JobSettings& settings) {
    JobResult r;
    try {
        DataFile::Opening opening = DataFile::open(path);
        if (opening.state == FileState::gone) {
            r.outcome = Outcome::gone;
            return r;
        }
        if (opening.state == FileState::being_written) {
            r.outcome = Outcome::being_written;
            r.line = path.string() + ": " + opening.why;
            return r;
        }
        return settings.verify ? verify(*opening.file) : index(*opening.file, settings);
    } catch (const std::bad_alloc&) {
        r.line = path.string() + ": out of memory";
    } catch (const std::exception& e) {
        if (!still_named(path)) {
            r.outcome = Outcome::gone;
            return r;
        }
        r.line = naming(path, e.what());
    }
    r.outcome = Outcome::failed;
    return r;
}

}  // namespace flowindex
