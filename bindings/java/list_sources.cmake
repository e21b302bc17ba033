# Writes the .java files under DIR1 and DIR2 to OUT, one per line, for add_jar's @file argument.
set(files)
foreach(dir IN ITEMS ${DIR1} ${DIR2})
  file(GLOB_RECURSE found ${dir}/*.java)
  list(APPEND files ${found})
endforeach()
list(SORT files)
list(JOIN files "\n" text)
file(WRITE ${OUT} "${text}\n")
