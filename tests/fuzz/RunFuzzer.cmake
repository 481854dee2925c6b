# SPDX-License-Identifier: MIT
# ctest's bounded smoke run of one harness (tests/fuzz/CMakeLists.txt):
#   cmake -DHARNESS=<exe> -DSEEDS=<committed corpus> -DWORK=<scratch dir> -DRUNS=<n>
#         -DMAX_SECONDS=<s> [-DDICT=<file>] [-DMAX_LEN=<bytes>] [-DFORK=<workers>] -P RunFuzzer.cmake
# FORK runs libFuzzer's fork mode (the long runs): that many worker processes share the corpus,
# RUNS counts their executions together, and the first finding stops the run.
# New inputs go to WORK, emptied first, so the committed corpus never changes; crashes are
# written to WORK/../ as <harness>-crash-<sha1>. Fails on any finding, and when the harness
# stopped short of RUNS executions (so a slow harness cannot pass with a token run).
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
get_filename_component(name "${HARNESS}" NAME)
get_filename_component(artifacts "${WORK}" DIRECTORY)
set(args -runs=${RUNS} -max_total_time=${MAX_SECONDS} -print_final_stats=1
         -artifact_prefix=${artifacts}/${name}-)
if(DICT)
    list(APPEND args -dict=${DICT})
endif()
if(MAX_LEN)
    list(APPEND args -max_len=${MAX_LEN})
endif()
if(FORK)
    list(APPEND args -fork=${FORK})
endif()
execute_process(COMMAND "${HARNESS}" ${args} "${WORK}" "${SEEDS}"
                RESULT_VARIABLE rc ERROR_VARIABLE log OUTPUT_VARIABLE out)
if(FORK)
    string(REGEX MATCH "fuzzed for ([0-9]+) iterations" done "${log}")
else()
    string(REGEX MATCH "Done ([0-9]+) runs in ([0-9]+) second" done "${log}")
endif()
set(ran "${CMAKE_MATCH_1}")
if(NOT rc EQUAL 0 OR NOT done OR ran LESS RUNS)
    message("${out}${log}")
    message(FATAL_ERROR "${name}: exit ${rc}, ${ran} of ${RUNS} runs")
endif()
string(REGEX MATCH "#[0-9]+[ \t]+DONE[^\n]*" stats "${log}")
message("${name}: ${done} (${stats})")
