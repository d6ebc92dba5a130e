# SPDX-License-Identifier: Apache-2.0
#
# Toolchain for the freestanding x86-64 hypervisor, built by the host GCC.
# The compiler is the ordinary host compiler; what makes the output
# freestanding is the hv_freestanding interface target (cmake/HvTargets.cmake),
# which carries the flags so that integrators get the same ones through the
# installed package.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(CMAKE_C_COMPILER gcc)
set(CMAKE_ASM_COMPILER gcc)

# Try-compiles would try to link a hosted program; build a static library
# instead so that compiler detection never needs a C library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# A Generic system loses CMake's WHOLE_ARCHIVE link feature (FACTS.md).
set(CMAKE_LINK_LIBRARY_USING_WHOLE_ARCHIVE
    "LINKER:--whole-archive" "<LINK_ITEM>" "LINKER:--no-whole-archive")
set(CMAKE_LINK_LIBRARY_USING_WHOLE_ARCHIVE_SUPPORTED TRUE)
