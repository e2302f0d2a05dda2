# Install rules: headers, the CMake package (share/cmake/mcast), pkg-config file, license.
include(CMakePackageConfigHelpers)

set(MCAST_CONFIG_DIR "${CMAKE_INSTALL_DATADIR}/cmake/mcast")

# Who installs: a package manager's port says so, and the package then takes Asio from that
# manager's tree only (mcastConfig.cmake.in).
set(MCAST_PACKAGE_MANAGER "" CACHE STRING "Set by a package manager's port: vcpkg (the installed package takes Asio only from vcpkg's tree), or empty")
set_property(CACHE MCAST_PACKAGE_MANAGER PROPERTY STRINGS ";vcpkg")
if(NOT MCAST_PACKAGE_MANAGER MATCHES "^(vcpkg)?$")
  message(FATAL_ERROR "MCAST_PACKAGE_MANAGER must be vcpkg or empty, not '${MCAST_PACKAGE_MANAGER}'")
endif()

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/mcast" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

# mcast::asio is not exported: the package config makes it where the consumer has Asio (see
# mcastConfig.cmake.in), so the same install serves users with and without Asio.
install(TARGETS mcast EXPORT mcastTargets)
install(EXPORT mcastTargets NAMESPACE mcast:: DESTINATION "${MCAST_CONFIG_DIR}")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/mcastConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/mcastConfig.cmake" INSTALL_DESTINATION "${MCAST_CONFIG_DIR}")
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/mcastConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/mcastConfig.cmake" "${PROJECT_BINARY_DIR}/mcastConfigVersion.cmake"
  DESTINATION "${MCAST_CONFIG_DIR}")

# The .pc file names no language standard (a consumer chooses its own, C++17 or later); on
# Windows it links what the headers call.
if(WIN32)
  set(MCAST_PC_LIBS "Libs: -lws2_32 -liphlpapi")
else()
  set(MCAST_PC_LIBS "")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/mcast.pc.in" "${PROJECT_BINARY_DIR}/mcast.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/mcast.pc" DESTINATION "${CMAKE_INSTALL_DATADIR}/pkgconfig")
# The licence goes where the platform keeps the package's documentation (GNUInstallDirs:
# share/doc/mcast by default; a distribution's packaging sets its own DOCDIR).
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
