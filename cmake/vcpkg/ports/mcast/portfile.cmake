# Overlay port: installs the mcast checkout it sits in (no download), for trying the port before
# a release; the registry's form is cmake/vcpkg/release/portfile.cmake.in (see ../../PR.md).
#   vcpkg install mcast mcast[asio] --overlay-ports=<mcast>/cmake/vcpkg/ports
set(VCPKG_BUILD_TYPE release) # header-only

get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)
if(NOT EXISTS "${SOURCE_PATH}/include/mcast/mcast.hpp")
  message(FATAL_ERROR "mcast: this overlay port installs the checkout it sits in; ${SOURCE_PATH} is not one")
endif()

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DMCAST_BUILD_TESTS=OFF
    -DMCAST_BUILD_EXAMPLES=OFF
    -DMCAST_INSTALL=ON
    -DMCAST_PACKAGE_MANAGER=vcpkg
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/mcast)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc") # the licence, installed as copyright below
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
