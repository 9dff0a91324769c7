# The three programs as an operator runs them, on archives the tests write.
query_test(query_tools_tests
  tools/test_tools_window.cpp
  tools/test_tools_filters.cpp
  tools/test_tools_clients.cpp
  tools/test_tools_compat.cpp
  tools/test_tools_errors.cpp
  tools/test_tools_stat.cpp
  tools/test_tools_ports.cpp
  tools/test_tools_times.cpp
)
target_compile_definitions(query_tools_tests PRIVATE
  FLOW_SELECT_BIN="$<TARGET_FILE:flow-select>"
  FLOW_EXPORT_CSV_BIN="$<TARGET_FILE:flow-export-csv>"
  FLOW_STAT_BIN="$<TARGET_FILE:flow-stat>")
add_dependencies(query_tools_tests flow-select flow-export-csv flow-stat)
