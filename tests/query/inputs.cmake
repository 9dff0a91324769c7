# Which inputs a query reads (each file once), and what its answer says
# when some or all of them could not be read; the progress line; the
# chronological listing's memory.
query_test(query_inputs_tests
  inputs/test_input_identity.cpp
  inputs/test_read_completeness.cpp
  inputs/test_progress_policy.cpp
  inputs/test_start_ordered_flows.cpp
)
# The same, as an operator sees it from the three programs.
query_test(query_tool_inputs_tests
  tools/test_tools_unreadable.cpp
  tools/test_tools_repeated_inputs.cpp
  tools/test_tools_output_failures.cpp
  tools/test_tools_progress.cpp
)
target_compile_definitions(query_tool_inputs_tests PRIVATE
  FLOW_SELECT_BIN="$<TARGET_FILE:flow-select>"
  FLOW_EXPORT_CSV_BIN="$<TARGET_FILE:flow-export-csv>"
  FLOW_STAT_BIN="$<TARGET_FILE:flow-stat>")
add_dependencies(query_tool_inputs_tests flow-select flow-export-csv flow-stat)
