# Makes the release form of the vcpkg port from a release tarball, with the SHA512 computed from
# the tarball (never typed):
#   cmake -DARCHIVE=<mcast-X.Y.Z.tar.gz, as GitHub serves .../archive/vX.Y.Z.tar.gz> -DOUT=<dir>
#         -P cmake/vcpkg/release-port.cmake
# writes <dir>/mcast/{portfile.cmake,vcpkg.json,usage}. Without a release at hand, a tarball of a
# commit does for a check: git archive --format=tar.gz --prefix=mcast-X.Y.Z/ HEAD > mcast.tar.gz
cmake_minimum_required(VERSION 3.19)
if(NOT ARCHIVE OR NOT EXISTS "${ARCHIVE}" OR NOT OUT)
  message(FATAL_ERROR "usage: cmake -DARCHIVE=<release tarball> -DOUT=<dir> -P release-port.cmake")
endif()
set(here "${CMAKE_CURRENT_LIST_DIR}")
file(READ "${here}/ports/mcast/vcpkg.json" manifest)
string(JSON MCAST_PORT_VERSION GET "${manifest}" version)
file(SHA512 "${ARCHIVE}" MCAST_PORT_SHA512)
configure_file("${here}/release/portfile.cmake.in" "${OUT}/mcast/portfile.cmake" @ONLY)
file(COPY "${here}/ports/mcast/vcpkg.json" "${here}/ports/mcast/usage" DESTINATION "${OUT}/mcast")
message(STATUS "release port for mcast ${MCAST_PORT_VERSION}: ${OUT}/mcast (SHA512 ${MCAST_PORT_SHA512})")
