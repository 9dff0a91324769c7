target_sources(flowquery PRIVATE
  common/flow_columns.cpp
  common/flow_sinks.cpp
  common/output_buffer.cpp
  common/summary_answer.cpp
)
target_sources(flowquery PRIVATE
  common/query_options.cpp
  common/tool_main.cpp
  common/flow_listing.cpp
  common/start_ordered_flows.cpp
  common/listing_options.cpp
)
