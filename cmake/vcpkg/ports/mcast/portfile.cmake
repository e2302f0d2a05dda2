# vcpkg port for mcast (header-only), installed from the checkout this file sits in: an overlay port
# that downloads nothing.
#   vcpkg install mcast mcast[asio] --overlay-ports=<mcast>/cmake/vcpkg/ports
# The release form (a tagged tarball with its computed SHA512) is made by
# cmake/vcpkg/release-port.cmake from cmake/vcpkg/release/portfile.cmake.in.
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
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/mcast)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib" "${CURRENT_PACKAGES_DIR}/share/doc")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
