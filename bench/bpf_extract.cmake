# Extracts one code section of a BPF object into raw bytecode, refusing objects the raw .bin
# cannot represent: relocations (calls into other sections, memcpy, globals, maps) or code
# left in .text. Run with cmake -P and -DOBJCOPY= -DREADELF= -DOBJ= -DSECTION= -DOUT=.
foreach(var OBJCOPY OBJ SECTION OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "bpf_extract.cmake: ${var} is not set")
  endif()
endforeach()

if(READELF)
  execute_process(COMMAND "${READELF}" --section-headers --relocations --wide "${OBJ}"
                  OUTPUT_VARIABLE headers RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${READELF} failed on ${OBJ}")
  endif()
  if(headers MATCHES "Relocation section")
    message(FATAL_ERROR "${OBJ}: has relocations (a call, memcpy/memset, a global or a map); "
                        "the raw .bin of section ${SECTION} would be wrong:\n${headers}")
  endif()
  if(headers MATCHES "\\.text +PROGBITS +[0-9a-f]+ +[0-9a-f]+ +0*([1-9a-f][0-9a-f]*) ")
    message(FATAL_ERROR "${OBJ}: code left in .text (a helper was not inlined)")
  endif()
  if(NOT headers MATCHES " ${SECTION} +PROGBITS")
    message(FATAL_ERROR "${OBJ}: no section ${SECTION}")
  endif()
endif()

execute_process(COMMAND "${OBJCOPY}" -O binary "--only-section=${SECTION}" "${OBJ}" "${OUT}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OBJCOPY} failed on ${OBJ}")
endif()
file(SIZE "${OUT}" size)
math(EXPR rem "${size} % 8")
if(size EQUAL 0 OR NOT rem EQUAL 0)
  file(REMOVE "${OUT}")
  message(FATAL_ERROR "${OUT}: ${size} bytes, not a whole number of 8-byte instructions")
endif()
