# SPDX-License-Identifier: Apache-2.0
#
# Installing the SDK: libhv.a, libhv-x86.a, the public headers, the linker
# script, the CMake package (find_package(hv CONFIG) with hv::core,
# hv::port_x86, hv::freestanding and the appliance functions) and hv.pc.
include(CMakePackageConfigHelpers)

install(TARGETS hv_core hv_port_x86 hv_freestanding hv_warnings hv_guest hv_guest_freestanding
  EXPORT hvTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/hv ${PROJECT_SOURCE_DIR}/dom0-kit/include/hv
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
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
