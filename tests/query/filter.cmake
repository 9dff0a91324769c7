query_test(query_filter_tests
  filter/test_time_spec.cpp
  filter/test_service_names.cpp
)
