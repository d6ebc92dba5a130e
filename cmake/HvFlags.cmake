# SPDX-License-Identifier: Apache-2.0
#
# Compiler and linker flags, each said once. The lists feed both the
# interface targets below and the pkg-config file (cmake/hv.pc.in), so that
# integrators get exactly what libhv itself is built with.
#
#   hv_warnings      the project's warning set; libhv's own targets only.
#   hv_freestanding  what every object linked into the hypervisor needs;
#                    exported as hv::freestanding.

set(HV_WARNING_FLAGS
  -Wall -Wextra -Werror          # every warning is a defect
  -Wstrict-prototypes            # f() must be f(void)
  -Wmissing-prototypes           # non-static functions need a declaration in a header
  -Wshadow -Wundef               # shadowed names and undefined macros in #if are bugs
)

set(HV_FREESTANDING_CFLAGS
  -std=gnu11                     # C11 plus inline assembly
  -ffreestanding                 # no hosted C library; main() is not special
  -fno-pic -fno-pie              # the hypervisor is linked at a fixed address
  -mno-red-zone                  # interrupts arrive on the current stack
  -mcmodel=kernel                # code and data live in the top 2 GiB
  -mgeneral-regs-only            # no SSE/x87: guest FPU state is never touched
  -fno-stack-protector           # no canary runtime
  -fno-asynchronous-unwind-tables # no .eh_frame: nothing unwinds
  -fno-common                    # one definition per global
  -fno-strict-aliasing           # page tables and frames are type-punned memory
  -fno-tree-loop-distribute-patterns # a copy loop must not become a call to memcpy()
)

set(HV_FREESTANDING_LDFLAGS
  -nostdlib -static -no-pie      # nothing from the host: libhv provides all
  -Wl,-z,max-page-size=0x1000    # 4 KiB segment alignment, not 2 MiB
  -Wl,--build-id=none            # no stray note before the boot headers
)

add_library(hv_warnings INTERFACE)
target_compile_options(hv_warnings INTERFACE ${HV_WARNING_FLAGS})

add_library(hv_freestanding INTERFACE)
target_compile_options(hv_freestanding INTERFACE ${HV_FREESTANDING_CFLAGS})
target_link_options(hv_freestanding INTERFACE ${HV_FREESTANDING_LDFLAGS})
target_include_directories(hv_freestanding INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(hv_freestanding PROPERTIES EXPORT_NAME freestanding)
add_library(hv::freestanding ALIAS hv_freestanding)
