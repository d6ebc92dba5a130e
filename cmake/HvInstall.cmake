# SPDX-License-Identifier: Apache-2.0
#
# Installing the SDK: libhv.a, libhv-x86.a, the public headers, the linker
# script, the CMake package (find_package(hv CONFIG) with hv::core,
# hv::port_x86, hv::freestanding and the appliance functions) and hv.pc;
# and its host part, the scheduler simulator: bin/hvsim, libhvsim.a
# (hv::hvsim), hvsim.h, hvsim_add_simulator() and hvsim.pc.
include(CMakePackageConfigHelpers)
include(ExternalProject)

install(TARGETS hv_core hv_port_x86 hv_freestanding hv_warnings hv_guest hv_guest_freestanding hv_ctl
  hv_shell
  EXPORT hvTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/hv ${PROJECT_SOURCE_DIR}/dom0-kit/include/hv
  ${PROJECT_SOURCE_DIR}/dom0-kit/shell/include/hv DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The ready-to-use domain 0 image, imported as hv::dom0-shell: a boot module
# for hv_appliance_module() (docs/shell.md).
set_target_properties(hv-dom0-shell PROPERTIES EXPORT_NAME dom0-shell)
install(TARGETS hv-dom0-shell EXPORT hvTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_DATADIR}/hv/dom0)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/hv)

set(HV_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/hv)
install(EXPORT hvTargets NAMESPACE hv:: DESTINATION ${HV_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hvConfig.cmake.in
  ${PROJECT_BINARY_DIR}/hvConfig.cmake INSTALL_DESTINATION ${HV_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hvConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hvConfig.cmake ${PROJECT_BINARY_DIR}/hvConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/HvAppliance.cmake ${PROJECT_SOURCE_DIR}/dom0-kit/cmake/HvGuest.cmake
  ${PROJECT_SOURCE_DIR}/dom0-kit/runtime/guest.ld DESTINATION ${HV_CMAKE_DIR})

# pkg-config: the same flags as hv::freestanding (cmake/HvFlags.cmake).
list(JOIN HV_FREESTANDING_CFLAGS " " HV_PC_CFLAGS)
list(JOIN HV_FREESTANDING_LDFLAGS " " HV_PC_LDFLAGS)
configure_file(${PROJECT_SOURCE_DIR}/cmake/hv.pc.in ${PROJECT_BINARY_DIR}/hv.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/hv.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The simulator is a host program, and this build's compiler settings are
# the freestanding ones, so dom0-kit/hvsim is built as a project of its own
# with the host's compiler (docs/design/0012-hvsim-in-the-sdk.md). It keeps
# this build's install layout, so that its files land next to the ones
# above, and it is rebuilt whenever this build is: ExternalProject cannot
# see a change to its sources, and Ninja makes an up-to-date check cheap.
ExternalProject_Add(hvsim_host
  SOURCE_DIR ${PROJECT_SOURCE_DIR}/dom0-kit/hvsim
  BINARY_DIR ${PROJECT_BINARY_DIR}/hvsim-host
  CMAKE_ARGS -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE} -DHV_VERSION=${PROJECT_VERSION}
    -DCMAKE_INSTALL_BINDIR=${CMAKE_INSTALL_BINDIR}
    -DCMAKE_INSTALL_LIBDIR=${CMAKE_INSTALL_LIBDIR}
    -DCMAKE_INSTALL_INCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR}
  BUILD_ALWAYS ON
  INSTALL_COMMAND "")
# Installed by its own install script, into the prefix this install is
# given (--prefix, and DESTDIR through the environment).
install(CODE "
  execute_process(COMMAND \"${CMAKE_COMMAND}\" --install \"${PROJECT_BINARY_DIR}/hvsim-host\"
    --prefix \"\${CMAKE_INSTALL_PREFIX}\" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR \"installing hvsim from ${PROJECT_BINARY_DIR}/hvsim-host failed\")
  endif()")

# hv-mkimage: assembles an appliance's ISO from a short description;
# hv-qemu-run: boots an image under QEMU and judges the run (the harness of
# the project's own boot tests).
install(PROGRAMS ${PROJECT_SOURCE_DIR}/dom0-kit/tools/hv-mkimage
  ${PROJECT_SOURCE_DIR}/tests/boot/hv-qemu-run DESTINATION ${CMAKE_INSTALL_BINDIR})
