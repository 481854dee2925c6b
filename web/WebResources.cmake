# SPDX-License-Identifier: MIT
# cmake -DDIST=<dist> -DQRC=<out.qrc> -P WebResources.cmake
# Lists every file the page build wrote to DIST as a Qt resource under /web (index.html, the
# entry, its stylesheet and every chunk, whatever their hashed names).
cmake_minimum_required(VERSION 3.24)
file(GLOB_RECURSE files RELATIVE ${DIST} ${DIST}/*)
if(NOT "index.html" IN_LIST files)
    message(FATAL_ERROR "${DIST} holds no index.html: the page build did not run")
endif()
list(SORT files)
set(qrc "<!DOCTYPE RCC>\n<RCC version=\"1.0\">\n<qresource prefix=\"/web\">\n")
foreach(file IN LISTS files)
    string(APPEND qrc "    <file alias=\"${file}\">${DIST}/${file}</file>\n")
endforeach()
string(APPEND qrc "</qresource>\n</RCC>\n")
file(WRITE ${QRC} "${qrc}")
