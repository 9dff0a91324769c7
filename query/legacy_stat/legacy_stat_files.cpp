#include "legacy_stat/legacy_stat_files.hpp"

#include <ostream>

#include "flowfile/error.hpp"

namespace flowquery {

LegacyStatFiles::LegacyStatFiles(std::vector<InputSource> sources, int stdin_fd,
                                 std::string program, std::ostream& err)
    : sources_(std::move(sources)), stdin_fd_(stdin_fd), program_(std::move(program)), err_(err) {}

void LegacyStatFiles::add_problem(const std::string& line) {
    err_ << program_ << ": " << line << '\n';
    ++problems_;
}

bool LegacyStatFiles::open_next() {
    while (next_ < sources_.size()) {
        const InputSource& source = sources_[next_++];
        flowfile::AnyReader any;
        try {
            if (source.is_stdin())
                any.ipv4 = flowfile::Reader::from_fd(stdin_fd_, source.display_name());
            else
                any = flowfile::open_any(source.path);
        } catch (const flowfile::Error& e) {
            add_problem(e.what());
            continue;
        }
        ++files_opened_;
        if (any.ipv6) {
            for (auto batch = any.ipv6->next_batch(); !batch.empty();
                 batch = any.ipv6->next_batch())
                ipv6_flows_ += batch.size();
            if (!any.ipv6->status().ok()) add_problem(any.ipv6->status().message);
            continue;
        }
        current_ = std::move(any.ipv4);
        if (!first_header_) first_header_ = current_->header();
        return true;
    }
    return false;
}

const std::optional<flowfile::Header>& LegacyStatFiles::first_header() {
    while (!first_header_ && open_next()) {
    }
    return first_header_;
}

std::span<const flowfile::Record> LegacyStatFiles::next_batch() {
    for (;;) {
        if (!current_ && !open_next()) return {};
        const auto batch = current_->next_batch();
        if (!batch.empty()) return batch;
        if (!current_->status().ok()) add_problem(current_->status().message);
        current_.reset();
    }
}

void LegacyStatFiles::finish() {
    while (!next_batch().empty()) {
    }
}

std::string ipv6_left_out_line(std::string_view program, std::uint64_t flows) {
    return std::string(program) + ": " + std::to_string(flows) +
           " IPv6 flows left out of the -f report (flow-tools' reports hold IPv4 only)\n";
}

}  // namespace flowquery
