# Writes the .java files under DIR1, DIR2 and DIR3 to OUT, one per line, for add_jar's @file argument.
set(files)
foreach(dir IN ITEMS ${DIR1} ${DIR2} ${DIR3})
  file(GLOB_RECURSE found ${dir}/*.java)
  list(APPEND files ${found})
endforeach()
list(SORT files)
list(JOIN files "\n" text)
file(WRITE ${OUT} "${text}\n")
