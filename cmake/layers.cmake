# cmake -P cmake/layers.cmake [-DDOT=file.dot]
#
# mcast's headers in layers, bottom up; an #include may name a header of its own layer or of a
# lower one, never of a higher one. This list is the one place the layers are written; a header
# not in it fails the check (a new header must be given its layer). With -DDOT=... it also writes
# the include graph for Graphviz, one cluster per layer.
cmake_minimum_required(VERSION 3.16)

set(layer_names
  "platform"               # 0: the only headers with system includes and #ifs per system
  "values and options"     # 1: addresses, interfaces, option values, receive, errors
  "rule table"             # 2: the ordering rules, each with its errc and its raw codes
  "kernel requests"        # 3: one checked system call, judged by the rule table
  "final state, sequences" # 4: set/get_source_filter, is_valid_sequence / apply_sequence
  "handle machinery"       # 5: what the RAII handles share
  "handles"                # 6: join_group, join_source_group, join_with_filter
  "integration")           # 7: the umbrella header, Asio
set(layer_0 config.hpp detail/platform/compiler.hpp detail/platform/common.hpp detail/platform/posix.hpp
            detail/platform/windows.hpp detail/platform/linux.hpp detail/platform/bsd.hpp
            detail/platform/platform.hpp detail/platform/system.hpp detail/platform/change_source.hpp
            detail/platform/change_source_bsd.hpp detail/platform/change_source_windows.hpp)
set(layer_1 error.hpp address.hpp network_interface.hpp option.hpp socket_options.hpp receive.hpp batch.hpp
            interfaces.hpp winsock_session.hpp membership_event.hpp)
set(layer_2 detail/rule_table.hpp)
set(layer_3 detail/kernel_request.hpp detail/socket_facts.hpp)
set(layer_4 source_filter.hpp ordering.hpp)
set(layer_5 detail/handles/child_list.hpp detail/handles/membership_base.hpp detail/keeper_core.hpp)
set(layer_6 any_source_membership.hpp source_membership.hpp filtered_membership.hpp membership.hpp keeper.hpp)
set(layer_7 mcast.hpp asio.hpp)

get_filename_component(root "${CMAKE_CURRENT_LIST_DIR}/../include/mcast" ABSOLUTE)
foreach(l RANGE 0 7)
  foreach(h IN LISTS layer_${l})
    set(layer_of_${h} ${l})
  endforeach()
endforeach()

file(GLOB_RECURSE headers RELATIVE "${root}" "${root}/*.hpp")
list(SORT headers)
set(errors "")
set(edges "")
foreach(h IN LISTS headers)
  if(NOT DEFINED layer_of_${h})
    string(APPEND errors "  ${h}: in no layer (give it one in cmake/layers.cmake)\n")
    continue()
  endif()
  file(STRINGS "${root}/${h}" lines REGEX "^#include \"")
  get_filename_component(dir "${h}" DIRECTORY)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" inc "${line}")
    if(dir STREQUAL "")
      set(target "${inc}")
    else()
      set(target "${dir}/${inc}")
    endif()
    # Resolve ../ by hand: the paths are relative, and the file must exist.
    get_filename_component(target "${root}/${target}" ABSOLUTE)
    file(RELATIVE_PATH target "${root}" "${target}")
    if(NOT EXISTS "${root}/${target}")
      string(APPEND errors "  ${h}: includes ${inc}, which does not exist\n")
    elseif(NOT DEFINED layer_of_${target})
      string(APPEND errors "  ${h}: includes ${target}, which is in no layer\n")
    elseif(layer_of_${target} GREATER layer_of_${h})
      list(GET layer_names ${layer_of_${h}} from)
      list(GET layer_names ${layer_of_${target}} to)
      string(APPEND errors "  ${h} (${from}) includes ${target} (${to}): a higher layer\n")
    endif()
    string(APPEND edges "  \"${h}\" -> \"${target}\";\n")
  endforeach()
endforeach()

if(DOT)
  set(dot "digraph mcast_includes {\n  rankdir=BT;\n  node [shape=box, fontsize=10];\n")
  foreach(l RANGE 0 7)
    list(GET layer_names ${l} name)
    string(APPEND dot "  subgraph cluster_${l} {\n    label=\"${l}: ${name}\";\n")
    foreach(h IN LISTS layer_${l})
      string(APPEND dot "    \"${h}\";\n")
    endforeach()
    string(APPEND dot "  }\n")
  endforeach()
  string(APPEND dot "${edges}}\n")
  file(WRITE "${DOT}" "${dot}")
endif()

if(errors)
  message(FATAL_ERROR "mcast: an include runs against the layers (bottom up: platform, values and options, rule table, kernel requests, final state and sequences, handle machinery, handles, integration):\n${errors}")
endif()
list(LENGTH headers n)
message(STATUS "layers: ${n} headers, every include runs to the same or a lower layer")
