target_sources(flowquery PRIVATE
  common/input_selection.cpp
  common/flow_scan.cpp
  common/scan_progress.cpp
)
