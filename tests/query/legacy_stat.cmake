query_test(query_legacy_stat_tests
  legacy_stat/test_goldens.cpp
  legacy_stat/test_gen20_samples.cpp
  legacy_stat/test_options.cpp
  legacy_stat/test_orders.cpp
  legacy_stat/test_summary.cpp
  legacy_stat/test_other_reports.cpp
)
