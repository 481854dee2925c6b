# SPDX-License-Identifier: MIT
# Included by the top-level CMakeLists.txt before bridge/ and worker/ when CONDUIT_BUILD_FUZZERS
# is ON: refuses a toolchain without libFuzzer, then builds everything with ASan and UBSan (fatal)
# and instruments every library for coverage, so the fuzzers' guidance reaches bridge/ and worker/.
# Only the harness executables get -fsanitize=fuzzer (tests/fuzz/CMakeLists.txt).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
        "CONDUIT_BUILD_FUZZERS needs clang++ with libFuzzer, but CMAKE_CXX_COMPILER is "
        "${CMAKE_CXX_COMPILER} (${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}). "
        "Install clang-14 and libclang-rt-14-dev (scripts/install-deps.sh) and configure with "
        "-DCMAKE_CXX_COMPILER=clang++-14, or use the preset: cmake --workflow --preset fuzz")
endif()

include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer,address,undefined")
set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=fuzzer,address,undefined")
check_cxx_source_compiles([[
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }
]] CONDUIT_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(NOT CONDUIT_HAVE_LIBFUZZER)
    unset(CONDUIT_HAVE_LIBFUZZER CACHE) # check again on the next configure
    message(FATAL_ERROR
        "CONDUIT_BUILD_FUZZERS: ${CMAKE_CXX_COMPILER} cannot link -fsanitize=fuzzer,address,undefined: "
        "the libFuzzer/sanitizer runtime is missing. Install libclang-rt-14-dev "
        "(scripts/install-deps.sh). See CMakeFiles/CMakeError.log for the compiler's message.")
endif()

add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -fsanitize=fuzzer-no-link)
add_link_options(-fsanitize=address,undefined)
# Qt's qCWarning(category) passes no variadic argument, which clang's -Wpedantic reports.
add_compile_options(-Wno-gnu-zero-variadic-macro-arguments)
