query_test(query_clients_tests
  clients/test_csv_line.cpp
  clients/test_client_map_errors.cpp
  clients/test_client_map_lookup.cpp
  clients/test_flow_client.cpp
  clients/test_connection_event.cpp
)
