# vcpkg port for mcast (header-only). Use as an overlay port until it is in the registry:
#   vcpkg install mcast[asio] --overlay-ports=<mcast>/cmake/vcpkg/ports
set(VCPKG_BUILD_TYPE release) # header-only

vcpkg_from_github(
  OUT_SOURCE_PATH SOURCE_PATH
  REPO mcast-cpp/mcast
  REF "v${VERSION}"
  SHA512 0 # before the first release: vcpkg prints the real hash when this does not match
  HEAD_REF main
)

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  FEATURES
    asio MCAST_WITH_ASIO
)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    ${FEATURE_OPTIONS}
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
