#include "client_ordered_copy.hpp"

#include <exception>
#include <span>
#include <vector>

namespace capture {

namespace {

template <typename R>
void write_run(std::span<const R> records, flowfile::Writer& writer,
               std::unique_ptr<SeriesIndex>& index, std::string& index_problem) {
    writer.write(records);
    if (!index) return;
    try {
        index->add(records);
    } catch (const std::exception& e) {
        index_problem = e.what();
        index.reset();
    }
}

}  // namespace

template <typename R>
void copy_in_client_order(flowfile::BasicReader<R>& reader, flowfile::Writer& writer,
                          std::unique_ptr<SeriesIndex>& index, std::string& index_problem,
                          const flowfile::ClientNetworks& networks) {
    if (networks.empty()) {
        for (auto batch = reader.next_batch(); !batch.empty(); batch = reader.next_batch())
            write_run(batch, writer, index, index_problem);
        return;
    }
    std::vector<R> run;
    const auto write_ordered = [&] {
        flowfile::order_by_client(std::span<R>(run), networks);
        write_run(std::span<const R>(run), writer, index, index_problem);
        run.clear();
    };
    for (auto batch = reader.next_batch(); !batch.empty(); batch = reader.next_batch()) {
        // A batch may straddle the end of a run: the run is cut exactly at
        // its limit, so that every run but the last holds the same number.
        while (!batch.empty()) {
            const std::size_t room = flowfile::client_order_run_records - run.size();
            const auto taken = batch.first(std::min(room, batch.size()));
            run.insert(run.end(), taken.begin(), taken.end());
            batch = batch.subspan(taken.size());
            if (run.size() == flowfile::client_order_run_records) write_ordered();
        }
    }
    if (!run.empty()) write_ordered();
}

flowfile::ReadStatus copy_in_client_order(const flowfile::AnyReader& reader,
                                          flowfile::Writer& writer,
                                          std::unique_ptr<SeriesIndex>& index,
                                          std::string& index_problem,
                                          const flowfile::ClientNetworks& networks) {
    if (reader.ipv4) {
        copy_in_client_order(*reader.ipv4, writer, index, index_problem, networks);
        return reader.ipv4->status();
    }
    copy_in_client_order(*reader.ipv6, writer, index, index_problem, networks);
    return reader.ipv6->status();
}

template void copy_in_client_order(flowfile::BasicReader<flowfile::Record>&, flowfile::Writer&,
                                   std::unique_ptr<SeriesIndex>&, std::string&,
                                   const flowfile::ClientNetworks&);
template void copy_in_client_order(flowfile::BasicReader<flowfile::Record6>&, flowfile::Writer&,
                                   std::unique_ptr<SeriesIndex>&, std::string&,
                                   const flowfile::ClientNetworks&);

}  // namespace capture
