# cmake -DNM=nm -DLIBRARY=libirc_runtime.so -P CheckExports.cmake
#
# Fails unless every dynamic symbol the library defines is an irc_* function
# of the C API: no LLVM (the runtime never links the compiler) and nothing
# of the runtime's C++ leaking out of the version script.
execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY}
  OUTPUT_VARIABLE symbols RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIBRARY} failed")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(count 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  string(REGEX REPLACE "^.* " "" name "${line}")
  string(TOLOWER "${name}" lower)
  if(lower MATCHES "llvm")
    message(FATAL_ERROR "${LIBRARY} exports an LLVM symbol: ${line}")
  endif()
  if(NOT name MATCHES "^irc_")
    message(FATAL_ERROR "${LIBRARY} exports a symbol outside the C API: "
      "${line}")
  endif()
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${LIBRARY} exports no irc_* symbol")
endif()
