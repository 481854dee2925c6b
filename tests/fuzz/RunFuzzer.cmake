# SPDX-License-Identifier: MIT
# One run of one harness (tests/fuzz/CMakeLists.txt):
#   cmake -DHARNESS=<exe> -DSEEDS=<committed corpus> -DWORK=<scratch dir> -DRUNS=<n>
#         -DMAX_SECONDS=<s> [-DDICT=<file>] [-DMAX_LEN=<bytes>] [-DWORKERS=<n>] -P RunFuzzer.cmake
# WORKERS (the long runs) runs that many libFuzzer processes at once (-jobs/-workers): they
# share the corpus in WORK, RUNS counts their executions together, and any finding fails
# the run. Each process fuzzes in place for the whole run: fork mode (-fork) restarts a
# process every few seconds, and its start-up (Qt, the harness, the seeds) halved the rate.
# New inputs go to WORK, emptied first, so the committed corpus never changes; crashes are
# written to WORK/../ as <harness>-crash-<sha1>. Fails on any finding, and when the harness
# stopped short of RUNS executions (so a slow harness cannot pass with a token run).
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
get_filename_component(name "${HARNESS}" NAME)
get_filename_component(artifacts "${WORK}" DIRECTORY)
if(NOT WORKERS)
    set(WORKERS 1)
endif()
math(EXPR runs_each "(${RUNS} + ${WORKERS} - 1) / ${WORKERS}")
set(args -runs=${runs_each} -max_total_time=${MAX_SECONDS} -print_final_stats=1
         -artifact_prefix=${artifacts}/${name}-)
if(DICT)
    list(APPEND args -dict=${DICT})
endif()
if(MAX_LEN)
    list(APPEND args -max_len=${MAX_LEN})
endif()
set(logs "")
if(WORKERS GREATER 1)
    # Each process logs to <artifacts>/<name>-logs/fuzz-<n>.log.
    set(log_dir "${artifacts}/${name}-logs")
    file(REMOVE_RECURSE "${log_dir}")
    file(MAKE_DIRECTORY "${log_dir}")
    list(APPEND args -jobs=${WORKERS} -workers=${WORKERS})
    execute_process(COMMAND "${HARNESS}" ${args} "${WORK}" "${SEEDS}"
                    WORKING_DIRECTORY "${log_dir}"
                    RESULT_VARIABLE rc ERROR_VARIABLE log OUTPUT_VARIABLE out)
    file(GLOB worker_logs "${log_dir}/fuzz-*.log")
    foreach(worker_log ${worker_logs})
        file(READ "${worker_log}" text)
        string(APPEND logs "${text}")
    endforeach()
else()
    execute_process(COMMAND "${HARNESS}" ${args} "${WORK}" "${SEEDS}"
                    RESULT_VARIABLE rc ERROR_VARIABLE logs OUTPUT_VARIABLE out)
endif()
# Every process must have finished its share: "Done <n> runs in <s> second(s)" each.
string(REGEX MATCHALL "Done [0-9]+ runs in [0-9]+ second" done "${logs}")
list(LENGTH done finished)
set(ran 0)
foreach(line ${done})
    string(REGEX MATCH "Done ([0-9]+) runs" _ "${line}")
    math(EXPR ran "${ran} + ${CMAKE_MATCH_1}")
endforeach()
if(NOT rc EQUAL 0 OR NOT finished EQUAL WORKERS OR ran LESS RUNS)
    message("${out}${logs}")
    message(FATAL_ERROR "${name}: exit ${rc}, ${ran} of ${RUNS} runs")
endif()
string(REGEX MATCHALL "#[0-9]+[ \t]+DONE[^\n]*" stats "${logs}")
string(REPLACE ";" "\n  " stats "${stats}")
message("${name}: ${ran} runs by ${WORKERS} process(es)\n  ${stats}")
