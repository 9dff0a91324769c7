# Part "clients": the --clients file (address -> account and device over
# time) and the `event` column (was the TCP connection established?).
target_sources(flowquery PRIVATE
  common/csv_line.cpp
  common/client_map.cpp
  common/connection_event.cpp
)
