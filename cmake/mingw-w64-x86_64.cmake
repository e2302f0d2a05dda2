# Cross-compiling for 64-bit Windows with Debian's MinGW-w64 (posix threads), tests run under Wine.
#   cmake --preset windows   (or -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake)
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(MCAST_MINGW_PREFIX x86_64-w64-mingw32 CACHE STRING "MinGW-w64 target triplet")
set(CMAKE_C_COMPILER ${MCAST_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${MCAST_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${MCAST_MINGW_PREFIX}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${MCAST_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# A static runtime: the .exe runs under Wine without MinGW's DLLs.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
# Vista is the floor for MCAST_*, GROUP_REQ and GROUP_FILTER; Asio wants it defined.
add_compile_definitions(_WIN32_WINNT=0x0A00)
# Header-only packages of the build machine (Asio, Catch2's single header) reach the cross
# compiler through a folder of links, never by putting the host's include directory on its path.
set(MCAST_HOST_INCLUDE_DIR /usr/include CACHE PATH "Where the build machine's Asio and Catch2 headers are")
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/wine-run.sh)
