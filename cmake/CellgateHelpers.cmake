# cellgate_cc_library(NAME n [HDRS ...] SRCS ... [DEPS ...] [PUBLIC_DEPS ...] [TESTONLY])
#   Creates target cellgate_<n> with alias cellgate::<n>. Sources are listed
#   explicitly. DEPS are linked PRIVATE, PUBLIC_DEPS PUBLIC (use them only when
#   a public header needs the dependency). Include root is the repository root,
#   so headers are included as "server/store/store.h".
function(cellgate_cc_library)
  cmake_parse_arguments(CC "TESTONLY" "NAME" "HDRS;SRCS;DEPS;PUBLIC_DEPS" ${ARGN})
  set(_target cellgate_${CC_NAME})
  if(CC_SRCS)
    add_library(${_target} STATIC ${CC_SRCS} ${CC_HDRS})
    target_include_directories(${_target} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${_target} PRIVATE ${CC_DEPS} PUBLIC ${CC_PUBLIC_DEPS})
  else()
    add_library(${_target} INTERFACE ${CC_HDRS})
    target_include_directories(${_target} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${_target} INTERFACE ${CC_DEPS} ${CC_PUBLIC_DEPS})
  endif()
  add_library(cellgate::${CC_NAME} ALIAS ${_target})
endfunction()

# cellgate_cc_test(NAME n SRCS ... DEPS ...)
#   One test executable per module folder, registered test by test with
#   gtest_discover_tests so that ctest reports each test on its own.
function(cellgate_cc_test)
  cmake_parse_arguments(CC "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${CC_NAME} ${CC_SRCS})
  target_include_directories(${CC_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${CC_NAME} PRIVATE ${CC_DEPS} GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${CC_NAME} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "CELLGATE_BUILD_DIR=${PROJECT_BINARY_DIR}")
endfunction()

# cellgate_cc_binary(NAME n OUTPUT_NAME o SRCS ... DEPS ...)
function(cellgate_cc_binary)
  cmake_parse_arguments(CC "" "NAME;OUTPUT_NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${CC_NAME} ${CC_SRCS})
  target_include_directories(${CC_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${CC_NAME} PRIVATE ${CC_DEPS})
  if(CC_OUTPUT_NAME)
    set_target_properties(${CC_NAME} PROPERTIES OUTPUT_NAME ${CC_OUTPUT_NAME})
  endif()
  set_target_properties(${CC_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()
