# Part "filter": option values (times, services, address/port/protocol sets)
# and the compiled per-record flow filter.
target_sources(flowquery PRIVATE
  common/time_spec.cpp
  common/service_names.cpp
  common/ipv4_prefix.cpp
  common/address_set.cpp
  common/port_set.cpp
  common/protocol_set.cpp
  common/flow_filter.cpp
  common/filter_options.cpp
)
target_link_libraries(flowquery PUBLIC CLI11::CLI11)
