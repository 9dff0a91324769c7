#include "output/flow_sinks.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <utility>
#include <vector>

#include "flowfile/error.hpp"
#include "inputs/read_completeness.hpp"
#include "output/csv_text.hpp"
#include "output/flow_export_text.hpp"

namespace flowquery {

namespace {

using flowfile::Header;
using flowfile::Record;
using flowfile::Record6;

class TableSink final : public FlowSink {
  public:
    TableSink(OutputBuffer& out, FlowRenderer renderer)
        : out_(out), renderer_(std::move(renderer)) {
        for (FlowColumn c : renderer_.columns()) widths_.push_back(column_info(c).width);
    }

    void write(const Header&, std::span<const Record> flows) override { write_rows(flows); }

    void write6(const Header&, std::span<const Record6> flows) override {
        // A listing whose first flows are IPv6 needs the wide columns even
        // when nobody said so beforehand (a file named on the command line).
        if (!title_written_) expect_ipv6();
        write_rows(flows);
    }

    void expect_ipv6() override {
        if (title_written_) return;
        const auto& cols = renderer_.columns();
        for (std::size_t i = 0; i < cols.size(); ++i)
            if (is_address_column(cols[i])) widths_[i] = std::max(widths_[i], ipv6_address_width);
    }

    void note_incomplete(std::size_t failed_inputs) override {
        write_title();
        out_.text() += "# " + incomplete_note(failed_inputs) + '\n';
    }

    void finish() override {
        write_title();
        out_.flush();
    }

  private:
    template <typename R>
    void write_rows(std::span<const R> flows) {
        write_title();
        const std::size_t last = renderer_.columns().size() - 1;
        for (const R& r : flows) {
            std::string& line = out_.text();
            std::size_t i = 0;
            renderer_.render(r, [&](FlowColumn c, std::string_view value) {
                add_cell(line, column_info(c), widths_[i], value, i == last);
                ++i;
            });
            // An empty last cell (no TCP flags) must not leave blanks behind.
            while (!line.empty() && line.back() == ' ') line.pop_back();
            line += '\n';
            out_.maybe_flush();
        }
    }

    void write_title() {
        if (std::exchange(title_written_, true)) return;
        std::string& line = out_.text();
        const auto& cols = renderer_.columns();
        for (std::size_t i = 0; i < cols.size(); ++i)
            add_cell(line, column_info(cols[i]), widths_[i], column_info(cols[i]).title,
                     i + 1 == cols.size());
        line += '\n';
    }

    // Two spaces between columns; the last one is not padded, so lines carry
    // no trailing blanks.
    static void add_cell(std::string& line, const ColumnInfo& info, int column_width,
                         std::string_view value, bool last) {
        const std::size_t width = static_cast<std::size_t>(column_width);
        const std::size_t pad = value.size() < width ? width - value.size() : 0;
        if (info.numeric) line.append(pad, ' ');
        line += value;
        if (last) return;
        if (!info.numeric) line.append(pad, ' ');
        line += "  ";
    }

    OutputBuffer& out_;
    FlowRenderer renderer_;
    std::vector<int> widths_;  // per column: the ColumnInfo width, or wider for IPv6
    bool title_written_ = false;
};

class CsvSink final : public FlowSink {
  public:
    CsvSink(OutputBuffer& out, FlowRenderer renderer) : out_(out), renderer_(std::move(renderer)) {}

    void write(const Header&, std::span<const Record> flows) override { write_rows(flows); }
    void write6(const Header&, std::span<const Record6> flows) override { write_rows(flows); }

    void finish() override {
        write_header_row();
        out_.flush();
    }

  private:
    template <typename R>
    void write_rows(std::span<const R> flows) {
        write_header_row();
        for (const R& r : flows) {
            std::string& line = out_.text();
            bool first = true;
            renderer_.render(r, [&](FlowColumn, std::string_view value) {
                if (!first) line += ',';
                first = false;
                append_csv_field(line, value);
            });
            line += csv_line_end;
            out_.maybe_flush();
        }
    }

    void write_header_row() {
        if (std::exchange(header_written_, true)) return;
        std::string& line = out_.text();
        bool first = true;
        for (FlowColumn c : renderer_.columns()) {
            if (!first) line += ',';
            first = false;
            line += column_info(c).name;
        }
        line += csv_line_end;
    }

    OutputBuffer& out_;
    FlowRenderer renderer_;
    bool header_written_ = false;
};

class FlowExportSink final : public FlowSink {
  public:
    explicit FlowExportSink(OutputBuffer& out) : out_(out) {}

    void write(const Header& source, std::span<const Record> flows) override {
        const std::uint16_t version = source.export_version.value_or(5);
        if (!version_) {
            version_ = version;
            std::string& line = out_.text();
            line += "#:";
            bool first = true;
            for (const auto& name : export_f2_columns(version)) {
                if (!first) line += ',';
                first = false;
                line += name;
            }
            line += '\n';
        }
        for (const Record& r : flows) {
            out_.text() += render_export_f2_row(*version_, r);
            out_.text() += '\n';
            out_.maybe_flush();
        }
    }

    void write6(const Header&, std::span<const Record6> flows) override {
        left_out6_ += flows.size();
    }
    std::uint64_t ipv6_left_out() const override { return left_out6_; }

    void finish() override { out_.flush(); }

  private:
    OutputBuffer& out_;
    std::optional<std::uint16_t> version_;
    std::uint64_t left_out6_ = 0;
};

// libflowfile reports write failures as flowfile::Error; for a tool they
// are output failures.  Its message is the only trace of the errno, and
// it ends a write failure with strerror's text.
template <typename F>
auto as_output_error(F f) {
    try {
        return f();
    } catch (const flowfile::Error& e) {
        const std::string message = e.what();
        throw OutputError(
            message, message.find(std::string(": ") + std::strerror(EPIPE)) != std::string::npos);
    }
}

class StreamSink final : public FlowSink {
  public:
    explicit StreamSink(int fd) : fd_(fd) {}

    void write(const Header& source, std::span<const Record> flows) override {
        const std::uint16_t version = source.export_version.value_or(5);
        if (!writer_) {
            Header h;
            h.flags = flowfile::header_flag::streaming;
            h.export_version = version;
            // Reserved so that a stream redirected into a regular file gets
            // its flow count and end time written at the end (flow-cat -o).
            h.cap_start = source.cap_start.value_or(0);
            h.cap_end = 0;
            h.flow_count = 0;
            h.lost_flows = 0;
            h.corrupt_packets = 0;
            h.seq_resets = 0;
            flowfile::WriterOptions options;
            options.compression_level = 0;
            options.flush_interval = std::chrono::milliseconds(0);
            options.sync_on_flush = false;
            writer_ = as_output_error(
                [&] { return flowfile::Writer::to_fd(fd_, "standard output", h, options); });
        } else if (version != *writer_->header().export_version) {
            throw OutputError("cannot write export version " + std::to_string(version) +
                              " flows into a stream of version " +
                              std::to_string(*writer_->header().export_version) +
                              ": select the files of one version");
        }
        as_output_error([&] {
            writer_->write(flows);
            return 0;
        });
    }

    void write6(const Header&, std::span<const Record6> flows) override {
        left_out6_ += flows.size();
    }
    std::uint64_t ipv6_left_out() const override { return left_out6_; }

    void finish() override {
        if (!writer_) return;  // nothing matched: an empty output, as flow-cat
        as_output_error([&] {
            flowfile::CloseCounters counters;
            counters.cap_end = static_cast<std::uint32_t>(std::time(nullptr));
            writer_->finish(counters);
            return 0;
        });
    }

  private:
    int fd_;
    std::unique_ptr<flowfile::Writer> writer_;
    std::uint64_t left_out6_ = 0;
};

}  // namespace

std::unique_ptr<FlowSink> make_table_sink(OutputBuffer& out, FlowRenderer renderer) {
    return std::make_unique<TableSink>(out, std::move(renderer));
}
std::unique_ptr<FlowSink> make_csv_sink(OutputBuffer& out, FlowRenderer renderer) {
    return std::make_unique<CsvSink>(out, std::move(renderer));
}
std::unique_ptr<FlowSink> make_flow_export_sink(OutputBuffer& out) {
    return std::make_unique<FlowExportSink>(out);
}
std::unique_ptr<FlowSink> make_stream_sink(int fd) {
    return std::make_unique<StreamSink>(fd);
}

}  // namespace flowquery
