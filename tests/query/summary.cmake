query_test(query_summary_tests
  summary/test_summary_spec.cpp
  summary/test_summary_keys.cpp
  summary/test_summary_render.cpp
  summary/test_summary_interval.cpp
  summary/test_summary_merge.cpp
)
