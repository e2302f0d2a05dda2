# Install rules: headers, the CMake package (share/cmake/mcast), pkg-config file, license.
include(CMakePackageConfigHelpers)

set(MCAST_CONFIG_DIR "${CMAKE_INSTALL_DATADIR}/cmake/mcast")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/mcast" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

set(_mcast_targets mcast)
set(MCAST_EXPORTS_ASIO OFF)
if(MCAST_WITH_ASIO AND TARGET mcast_asio)
  list(APPEND _mcast_targets mcast_asio)
  set(MCAST_EXPORTS_ASIO ON)
endif()
install(TARGETS ${_mcast_targets} EXPORT mcastTargets)
install(EXPORT mcastTargets NAMESPACE mcast:: DESTINATION "${MCAST_CONFIG_DIR}")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/mcastConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/mcastConfig.cmake" INSTALL_DESTINATION "${MCAST_CONFIG_DIR}")
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/mcastConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/mcastConfig.cmake" "${PROJECT_BINARY_DIR}/mcastConfigVersion.cmake"
  DESTINATION "${MCAST_CONFIG_DIR}")
if(MCAST_EXPORTS_ASIO)
  install(FILES "${PROJECT_SOURCE_DIR}/cmake/Findasio.cmake" DESTINATION "${MCAST_CONFIG_DIR}")
endif()

configure_file("${PROJECT_SOURCE_DIR}/cmake/mcast.pc.in" "${PROJECT_BINARY_DIR}/mcast.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/mcast.pc" DESTINATION "${CMAKE_INSTALL_DATADIR}/pkgconfig")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/mcast")
