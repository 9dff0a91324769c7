#pragma once

// The copy of a flow file's records into a new file that both the client
// order at finish (client_order_rewrite) and crash recovery make: in client
// order (flowfile::order_by_client) when the capture has --client-networks,
// in runs of at most flowfile::client_order_run_records so that memory stays
// bounded whatever the file's size; as read otherwise.

#include <memory>
#include <string>

#include "flowfile/client_order.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "series_index.hpp"

namespace capture {

// Copies every record `reader` delivers into `writer`, and into `index`
// while it takes them; the reader's status then says how the source ended.
// The index is optional: when it fails, `index_problem` says why, `index` is
// reset and the copy goes on without it.  Throws flowfile::Error as
// Writer::write.
template <typename R>
void copy_in_client_order(flowfile::BasicReader<R>& reader, flowfile::Writer& writer,
                          std::unique_ptr<SeriesIndex>& index, std::string& index_problem,
                          const flowfile::ClientNetworks& networks);

// The same for the file `reader` opened, of either series; returns how the
// source ended.
flowfile::ReadStatus copy_in_client_order(const flowfile::AnyReader& reader,
                                          flowfile::Writer& writer,
                                          std::unique_ptr<SeriesIndex>& index,
                                          std::string& index_problem,
                                          const flowfile::ClientNetworks& networks);

}  // namespace capture
