# The three programs: thin mains over flowquery.
foreach(tool flow-select flow-export-csv flow-stat)
  add_executable(${tool} ${tool}.cpp)
  target_link_libraries(${tool} PRIVATE flowquery)
  target_compile_definitions(${tool} PRIVATE FLOWKEEP_VERSION="${PROJECT_VERSION}")
  install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endforeach()
