# Part "filter": option values (times, services, address/port/protocol sets)
# and the compiled per-record flow filter.
target_sources(flowquery PRIVATE
  common/time_spec.cpp
  common/service_names.cpp
)
