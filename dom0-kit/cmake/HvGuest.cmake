# SPDX-License-Identifier: Apache-2.0
#
# Building guest images (ring-3 domains) with the dom0-kit runtime.
#
#   hv_add_guest(<name> SOURCES <src>... [LINK_LIBRARIES <lib>...])
#       Builds <name>.elf, a static x86-64 executable linked at 0x400000
#       with the runtime's linker script (guest.ld) and the runtime library
#       hv::guest, which supplies _start, the hypercall wrappers, console
#       printf, exception and event handling, time and the test runner.
#       The image is a boot module for hv_appliance_module().
#
# The runtime's compiler and linker flags travel with hv::guest (its
# interface target hv::guest_freestanding, see dom0-kit/runtime); this file
# only adds the linker script. It serves the source tree and the installed
# SDK alike: it names only hv::guest, and finds guest.ld next to itself
# when installed, or in dom0-kit/runtime in the source tree.

include_guard(GLOBAL)

if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/guest.ld)
  set(HV_GUEST_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/guest.ld)
else()
  get_filename_component(HV_GUEST_LINKER_SCRIPT
    ${CMAKE_CURRENT_LIST_DIR}/../runtime/guest.ld ABSOLUTE)
endif()

function(hv_add_guest name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;LINK_LIBRARIES")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "hv_add_guest(${name}): SOURCES is required")
  endif()
  if(NOT TARGET hv::guest)
    message(FATAL_ERROR "hv_add_guest(${name}): the guest runtime hv::guest is missing")
  endif()
  add_executable(${name} ${arg_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf")
  target_link_libraries(${name} PRIVATE ${arg_LINK_LIBRARIES} hv::guest)
  # The start-up code sits in the runtime archive, and only the linker
  # script's ENTRY() names it: -u _start says so on the command line too.
  target_link_options(${name} PRIVATE -T ${HV_GUEST_LINKER_SCRIPT} -Wl,-u,_start)
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${HV_GUEST_LINKER_SCRIPT})
endfunction()
