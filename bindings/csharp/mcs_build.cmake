# Compiles every .cs file under DIR1 (and DIR2, DIR3 if given) with Mono's mcs into OUT.
#   -DMCS=... -DOUT=... -DTARGET=library|exe -DDIR1=... [-DDIR2=...] [-DDIR3=...] [-DREFS=a.dll,b.dll]
set(files)
foreach(dir IN ITEMS ${DIR1} ${DIR2} ${DIR3})
  file(GLOB_RECURSE found ${dir}/*.cs)
  list(APPEND files ${found})
endforeach()
list(SORT files)
set(refs)
if(REFS)
  string(REPLACE "," ";" ref_list "${REFS}")
  foreach(r IN LISTS ref_list)
    list(APPEND refs "-r:${r}")
  endforeach()
endif()
execute_process(
  COMMAND ${MCS} -nologo -warn:4 -nowarn:1591,0618 -debug- -optimize+ -target:${TARGET} -out:${OUT} ${refs} ${files}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mcs failed (${rc}) building ${OUT}")
endif()
