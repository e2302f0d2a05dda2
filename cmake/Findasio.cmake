# Findasio.cmake -- standalone Asio as the imported target asio::asio, for mcast's own build (tests,
# examples, in-tree mcast::asio). Not installed: the installed package finds Asio itself
# (mcastConfig.cmake.in), so that it ships no Find module for another project's package.
#
# Uses Asio's own CMake config when there is one (vcpkg ships asio-config.cmake with asio::asio),
# otherwise finds the headers (Debian's libasio-dev ships only headers) and makes the target.
# Result: asio_FOUND, asio_VERSION, ASIO_INCLUDE_DIR, and the target asio::asio.
if(TARGET asio::asio)
  set(asio_FOUND TRUE)
  return()
endif()

find_package(asio CONFIG QUIET)
if(TARGET asio::asio)
  set(asio_FOUND TRUE)
  return()
endif()

find_path(ASIO_INCLUDE_DIR asio.hpp PATH_SUFFIXES asio/include)
if(ASIO_INCLUDE_DIR AND EXISTS "${ASIO_INCLUDE_DIR}/asio/version.hpp")
  file(STRINGS "${ASIO_INCLUDE_DIR}/asio/version.hpp" _asio_version_line REGEX "#define ASIO_VERSION ")
  string(REGEX MATCH "([0-9]+)" _asio_v "${_asio_version_line}")
  math(EXPR _asio_major "${_asio_v} / 100000")
  math(EXPR _asio_minor "${_asio_v} / 100 % 1000")
  math(EXPR _asio_patch "${_asio_v} % 100")
  set(asio_VERSION "${_asio_major}.${_asio_minor}.${_asio_patch}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(asio REQUIRED_VARS ASIO_INCLUDE_DIR VERSION_VAR asio_VERSION)

if(asio_FOUND AND NOT TARGET asio::asio)
  find_package(Threads QUIET)
  add_library(asio::asio INTERFACE IMPORTED)
  set_target_properties(asio::asio PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${ASIO_INCLUDE_DIR}")
  target_compile_definitions(asio::asio INTERFACE ASIO_STANDALONE)
  if(TARGET Threads::Threads)
    target_link_libraries(asio::asio INTERFACE Threads::Threads)
  endif()
  if(WIN32)
    target_link_libraries(asio::asio INTERFACE ws2_32 mswsock)
  endif()
endif()
mark_as_advanced(ASIO_INCLUDE_DIR)
