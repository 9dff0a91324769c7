# Part "summary": flow-stat's --by / --interval / --top reports.
target_sources(flowquery PRIVATE
  common/summary_spec.cpp
  common/summary_key.cpp
  common/service_port.cpp
  common/summary_table.cpp
  common/summary_interval.cpp
  common/summary.cpp
  common/summary_report.cpp
  common/summary_render.cpp
)
