# Shared by bindings/{python,java,csharp}/CMakeLists.txt: the SWIG interface and its generated part.
#
#   aq_swig_interface(<lang_dir_var>)  sets AQ_SWIG_INTERFACE (arrowquant.i) and generates
#   ${CMAKE_CURRENT_BINARY_DIR}/swig_gen/arrowquant_generated.i from capi/include/arrowquant.h at build time
#   (gen_swig_decls.py) and swig_gen/arrowquant_status.i, the status -> exception mapping (gen_status_map.py), then
#   points the interface's SWIG include path and dependencies at them.
#
# Callers have already found SWIG and a Python 3 interpreter (the generator is a Python script).
set(AQ_SWIG_DIR ${CMAKE_CURRENT_LIST_DIR})
set(AQ_CAPI_HEADER ${PROJECT_SOURCE_DIR}/capi/include/arrowquant.h)

function(aq_swig_interface language)
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/swig_gen)
  set(gen_i ${gen_dir}/arrowquant_generated.i)
  set(status_i ${gen_dir}/arrowquant_status.i)
  add_custom_command(
    OUTPUT ${gen_i} ${gen_dir}/manifest.json ${status_i}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gen_dir}
    COMMAND ${AQ_SWIG_PYTHON} ${AQ_SWIG_DIR}/gen_swig_decls.py ${AQ_CAPI_HEADER} ${gen_i}
            --manifest ${gen_dir}/manifest.json
    COMMAND ${AQ_SWIG_PYTHON} ${AQ_SWIG_DIR}/gen_status_map.py swig ${status_i} ${AQ_CAPI_HEADER}
    DEPENDS ${AQ_SWIG_DIR}/gen_swig_decls.py ${AQ_SWIG_DIR}/gen_status_map.py ${AQ_CAPI_HEADER}
    COMMENT "Generating arrowquant_generated.i and arrowquant_status.i (${language}) from arrowquant.h"
    VERBATIM)
  set(iface ${AQ_SWIG_DIR}/arrowquant.i)
  file(GLOB swg CONFIGURE_DEPENDS ${AQ_SWIG_DIR}/*.swg)
  set_property(SOURCE ${iface} PROPERTY INCLUDE_DIRECTORIES ${AQ_SWIG_DIR} ${gen_dir} ${PROJECT_SOURCE_DIR}/capi/include)
  set_property(SOURCE ${iface} PROPERTY DEPENDS ${gen_i} ${status_i} ${swg} ${AQ_CAPI_HEADER})
  set_property(SOURCE ${iface} PROPERTY USE_SWIG_DEPENDENCIES TRUE)
  set(AQ_SWIG_INTERFACE ${iface} PARENT_SCOPE)
  set(AQ_SWIG_MANIFEST ${gen_dir}/manifest.json PARENT_SCOPE)
endfunction()

# Warnings of generated wrapper code are SWIG's business, not ours.
function(aq_swig_quiet target)
  target_compile_options(${target} PRIVATE -w)
endfunction()

# The generator needs any Python 3; the Python binding sets Python3_EXECUTABLE, the others find one on PATH.
if(NOT AQ_SWIG_PYTHON)
  if(Python3_EXECUTABLE)
    set(AQ_SWIG_PYTHON ${Python3_EXECUTABLE})
  else()
    find_program(AQ_SWIG_PYTHON NAMES python3 python)
  endif()
endif()
