# flow-stat -f N, compatible with flow-tools 0.68.5 (query-tools.md §5).
target_sources(flowquery PRIVATE
  common/legacy_stat.cpp
  common/legacy_stat_options.cpp
  common/legacy_stat_reports.cpp
  common/legacy_stat_summary.cpp
  common/legacy_stat_tables.cpp
  common/legacy_stat_table_text.cpp
  common/legacy_stat_text.cpp
)
