# Included by the mcast-config.cmake that Conan's CMakeDeps makes, which itself ignores the
# components asked for: find_package(mcast COMPONENTS asio) fails with the reason when the package
# was made without with_asio (mcast takes no Asio from outside Conan), and so does a component
# mcast does not have.
foreach(_mcast_component IN LISTS mcast_FIND_COMPONENTS)
  set(_mcast_missing "")
  if(NOT _mcast_component STREQUAL "asio")
    set(_mcast_missing "mcast has no component '${_mcast_component}' (its only component is asio)")
  elseif(NOT TARGET mcast::asio)
    set(_mcast_missing "mcast: the asio component needs the package's with_asio option: -o \"mcast/*:with_asio=True\" (in a conanfile: default_options = {\"mcast/*:with_asio\": True}); mcast does not use an Asio from outside Conan")
  endif()
  if(_mcast_missing STREQUAL "")
    set(mcast_${_mcast_component}_FOUND TRUE)
  else()
    set(mcast_${_mcast_component}_FOUND FALSE)
    if(mcast_FIND_REQUIRED_${_mcast_component})
      set(mcast_FOUND FALSE)
      set(mcast_NOT_FOUND_MESSAGE "${_mcast_missing}")
    endif()
  endif()
endforeach()
unset(_mcast_component)
unset(_mcast_missing)
