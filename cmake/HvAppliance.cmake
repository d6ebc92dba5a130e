# SPDX-License-Identifier: Apache-2.0
#
# Building a bootable appliance from an integrator's firmware sources.
#
#   hv_add_appliance(<name> SOURCES <src>... [PORT x86] [LINK_LIBRARIES <lib>...])
#       Links the sources with libhv and the board port into <name>.elf, a
#       multiboot2 hypervisor image (checked with grub-file when it is found).
#
#   hv_appliance_module(<name> <module-name> <file-or-target> [CMDLINE <words>...])
#       Adds a boot module (a domain image) to the appliance. On the boot
#       loader's command line it becomes "<module-name> <words>".
#
#   hv_appliance_iso(<name> [CMDLINE <words>...] [OUTPUT <file>])
#       Assembles <name>.iso (or OUTPUT) with GRUB, the hypervisor and every
#       module added before this call; target <iso-name>-iso builds it (part
#       of ALL). One appliance can have several ISOs with other command lines.
#
# The same file serves the source tree and the installed SDK: it uses only
# the namespaced targets hv::core, hv::port_<port> and hv::freestanding.

include_guard(GLOBAL)

find_program(HV_GRUB_FILE NAMES grub-file)
find_program(HV_GRUB_MKRESCUE NAMES grub-mkrescue)

function(hv_add_appliance name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PORT" "SOURCES;LINK_LIBRARIES")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "hv_add_appliance(${name}): SOURCES is required")
  endif()
  if(NOT arg_PORT)
    set(arg_PORT x86)
  endif()
  if(NOT TARGET hv::port_${arg_PORT})
    message(FATAL_ERROR "hv_add_appliance(${name}): no port '${arg_PORT}' (hv::port_${arg_PORT})")
  endif()
  add_executable(${name} ${arg_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" HV_MODULES "")
  # The port calls the core and the core calls the port: link them as a group.
  target_link_libraries(${name} PRIVATE ${arg_LINK_LIBRARIES} hv::freestanding
    -Wl,--start-group hv::port_${arg_PORT} hv::core -Wl,--end-group)
  if(HV_GRUB_FILE)
    add_custom_command(TARGET ${name} POST_BUILD
      COMMAND ${HV_GRUB_FILE} --is-x86-multiboot2 $<TARGET_FILE:${name}>
      COMMENT "Checking that ${name}.elf is a multiboot2 image"
      VERBATIM)
  endif()
endfunction()

function(hv_appliance_module name module file)
  cmake_parse_arguments(PARSE_ARGV 3 arg "" "" "CMDLINE")
  string(LENGTH "${module}" len)
  if(NOT module MATCHES "^[A-Za-z0-9_.-]+$" OR len GREATER 31)
    message(FATAL_ERROR "hv_appliance_module(${name}): bad module name '${module}': "
                        "1 to 31 characters of [A-Za-z0-9_.-]")
  endif()
  if(TARGET ${file})
    set(path "$<TARGET_FILE:${file}>")
    set(dep ${file})
  else()
    get_filename_component(path "${file}" ABSOLUTE)
    set(dep "${path}")
  endif()
  list(JOIN arg_CMDLINE " " cmdline)
  set_property(TARGET ${name} APPEND PROPERTY HV_MODULES "${module}")
  set_property(TARGET ${name} PROPERTY HV_MODULE_${module}_PATH "${path}")
  set_property(TARGET ${name} PROPERTY HV_MODULE_${module}_DEP "${dep}")
  set_property(TARGET ${name} PROPERTY HV_MODULE_${module}_CMDLINE "${cmdline}")
endfunction()

function(hv_appliance_iso name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT" "CMDLINE")
  if(NOT HV_GRUB_MKRESCUE)
    message(FATAL_ERROR "hv_appliance_iso(${name}): grub-mkrescue not found "
                        "(install grub-common, grub-pc-bin and xorriso)")
  endif()
  if(NOT arg_OUTPUT)
    set(arg_OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/${name}.iso)
  endif()
  get_filename_component(iso_name ${arg_OUTPUT} NAME_WE)
  set(stage ${CMAKE_CURRENT_BINARY_DIR}/${iso_name}.isodir)
  list(JOIN arg_CMDLINE " " hv_cmdline)

  get_target_property(modules ${name} HV_MODULES)
  set(cfg "set timeout=0\nset default=0\nmenuentry \"${name}\" {\n")
  string(APPEND cfg "  multiboot2 /boot/hv.elf ${hv_cmdline}\n")
  set(copy_cmds)
  set(deps ${name})
  foreach(m ${modules})
    get_target_property(path ${name} HV_MODULE_${m}_PATH)
    get_target_property(dep ${name} HV_MODULE_${m}_DEP)
    get_target_property(cmdline ${name} HV_MODULE_${m}_CMDLINE)
    string(APPEND cfg "  module2 /boot/mod/${m} ${m} ${cmdline}\n")
    list(APPEND copy_cmds COMMAND ${CMAKE_COMMAND} -E copy ${path} ${stage}/boot/mod/${m})
    list(APPEND deps ${dep})
  endforeach()
  string(APPEND cfg "  boot\n}\n")
  file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/${iso_name}.grub.cfg CONTENT "${cfg}")

  add_custom_command(OUTPUT ${arg_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${stage}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${stage}/boot/grub ${stage}/boot/mod
    COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:${name}> ${stage}/boot/hv.elf
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_BINARY_DIR}/${iso_name}.grub.cfg
            ${stage}/boot/grub/grub.cfg
    ${copy_cmds}
    COMMAND ${HV_GRUB_MKRESCUE} --output=${arg_OUTPUT} ${stage} 2> ${stage}.log
    DEPENDS ${deps} ${CMAKE_CURRENT_BINARY_DIR}/${iso_name}.grub.cfg
    COMMENT "Assembling ${iso_name}.iso with GRUB"
    VERBATIM)
  add_custom_target(${iso_name}-iso ALL DEPENDS ${arg_OUTPUT})
  set_target_properties(${name} PROPERTIES HV_ISO ${arg_OUTPUT})
endfunction()
