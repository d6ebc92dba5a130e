# SPDX-License-Identifier: Apache-2.0
#
# Runs hvsim on one workload (cmake -P, with HVSIM, WORKLOAD, SVG, STATUS
# and EXPECT set) and checks its exit status and, unless EXPECT is empty,
# that its output matches the regex EXPECT; when it ran the checks (status
# 0 or 1), also that it drew an SVG with one row per domain line.
file(REMOVE ${SVG})
execute_process(COMMAND ${HVSIM} -o ${SVG} ${WORKLOAD}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc STREQUAL STATUS)
  message(FATAL_ERROR "hvsim exited with ${rc}, expected ${STATUS}")
endif()
if(NOT EXPECT STREQUAL "" AND NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "hvsim's output does not match '${EXPECT}'")
endif()
if(STATUS EQUAL 2)
  return()
endif()
if(NOT EXISTS ${SVG})
  message(FATAL_ERROR "no SVG written to ${SVG}")
endif()
file(READ ${SVG} svg)
if(NOT svg MATCHES "<svg")
  message(FATAL_ERROR "${SVG} has no <svg element")
endif()
file(STRINGS ${WORKLOAD} domains REGEX "^[ \t]*domain[ \t]")
string(REGEX MATCHALL "class=\"row\"" rows "${svg}")
list(LENGTH domains want)
list(LENGTH rows got)
if(NOT got EQUAL want)
  message(FATAL_ERROR "${SVG}: ${got} rows, expected ${want} (one per domain)")
endif()
