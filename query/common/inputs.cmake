target_sources(flowquery PRIVATE
  common/input_selection.cpp
  common/input_identity.cpp
  common/read_completeness.cpp
  common/progress_policy.cpp
  common/flow_scan.cpp
  common/scan_progress.cpp
)
