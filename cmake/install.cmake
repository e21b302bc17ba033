# Install rules: the shared library, its one public header, the CLI and its man page, arrowquant.pc
# and the CMake package arrowquant::arrowquant. Included from the top-level CMakeLists.txt after every target is
# defined. Install components (the Debian packages in cmake/packaging.cmake map one-to-one onto them):
#   runtime      libarrowquant.so.0.<minor>.<patch> and its soname link           -> libarrowquant0
#   development  arrowquant.h, the libarrowquant.so link, arrowquant.pc, CMake files -> libarrowquant-dev
#   tools        /usr/bin/arrowquant and arrowquant.1.gz                         -> arrowquant-tools
#   license      LICENSE under share/doc/arrowquant (plain `cmake --install` only; the .debs carry
#                /usr/share/doc/<package>/copyright instead)
include(CMakePackageConfigHelpers)

# A stripped install (`cmake --install --strip`, CPACK_STRIP_FILES) also drops the .comment and .note sections,
# as Debian's dh_strip does (lintian: binary-has-unneeded-section). Runs after the target's own install rule.
function(aq_install_strip_unneeded_sections target destination component)
  if(NOT CMAKE_STRIP)
    return()
  endif()
  if(IS_ABSOLUTE "${destination}")
    set(file "\$ENV{DESTDIR}${destination}/$<TARGET_FILE_NAME:${target}>")
  else()
    set(file "\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${destination}/$<TARGET_FILE_NAME:${target}>")
  endif()
  install(CODE "
    if(CMAKE_INSTALL_DO_STRIP)
      execute_process(COMMAND \"${CMAKE_STRIP}\" --remove-section=.comment --remove-section=.note \"${file}\"
                      RESULT_VARIABLE _aq_rc)
      if(NOT _aq_rc EQUAL 0)
        message(FATAL_ERROR \"strip --remove-section failed for ${file}\")
      endif()
    endif()" COMPONENT ${component})
endfunction()

set(AQ_CMAKE_PACKAGE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/arrowquant" CACHE STRING
    "Where arrowquantConfig.cmake is installed, relative to the prefix")
mark_as_advanced(AQ_CMAKE_PACKAGE_DIR)

# Debian policy wants 0755 directories whatever the umask of the machine that builds the package.
if(NOT DEFINED CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS)
  set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
      OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endif()

# --- The library -------------------------------------------------------------------------------------------------
# Shared objects are installed 0644 (Debian policy; lintian: shared-library-is-executable). The static core and
# Boost/Highway/oneTBB are PRIVATE link dependencies of the shared library, so the exported target carries no
# link interface and consumers need nothing but libarrowquant.so (see arrowquantConfig.cmake.in). The include
# directory of the exported target is the $<INSTALL_INTERFACE:include> set in capi/CMakeLists.txt.
install(TARGETS arrowquant EXPORT arrowquantTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
          COMPONENT runtime NAMELINK_COMPONENT development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
aq_install_strip_unneeded_sections(arrowquant ${CMAKE_INSTALL_LIBDIR} runtime)
install(FILES ${PROJECT_SOURCE_DIR}/capi/include/arrowquant.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)

# --- CMake package: find_package(arrowquant) -> arrowquant::arrowquant ------------------------------------------
install(EXPORT arrowquantTargets NAMESPACE arrowquant:: FILE arrowquantTargets.cmake
        DESTINATION ${AQ_CMAKE_PACKAGE_DIR} COMPONENT development)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/arrowquantConfig.cmake.in
  ${PROJECT_BINARY_DIR}/packaging/arrowquantConfig.cmake
  INSTALL_DESTINATION ${AQ_CMAKE_PACKAGE_DIR})
# The soname changes with the major version and only with it (docs/abi.md), which is what SameMajorVersion says.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/packaging/arrowquantConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/packaging/arrowquantConfig.cmake
              ${PROJECT_BINARY_DIR}/packaging/arrowquantConfigVersion.cmake
        DESTINATION ${AQ_CMAKE_PACKAGE_DIR} COMPONENT development)

# --- pkg-config ----------------------------------------------------------------------------------------------------
# arrowquant.pc names the prefix it is installed under. That prefix is only known at install time
# (`cmake --install build --prefix /some/where`, CPack's staging with CPACK_SET_DESTDIR), so the file is
# configured by the install script itself; DESTDIR is honoured by file(INSTALL).
configure_file(${CMAKE_CURRENT_LIST_DIR}/install_pkgconfig.cmake.in
               ${PROJECT_BINARY_DIR}/packaging/install_pkgconfig.cmake @ONLY)
install(SCRIPT ${PROJECT_BINARY_DIR}/packaging/install_pkgconfig.cmake COMPONENT development)

# --- The CLI and its man page ----------------------------------------------------------------------------------------
option(AQ_BUILD_MANPAGE "Generate the man page of the arrowquant CLI with help2man at build time" ON)
if(TARGET arrowquant_cli)
  install(TARGETS arrowquant_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
  aq_install_strip_unneeded_sections(arrowquant_cli ${CMAKE_INSTALL_BINDIR} tools)
  # Outside the loader's default directories the installed CLI finds its library relative to itself
  # ($ORIGIN/../lib), so any --prefix works; a /usr install (the .debs) gets no RUNPATH, as Debian wants.
  list(FIND CMAKE_C_IMPLICIT_LINK_DIRECTORIES "${CMAKE_INSTALL_FULL_LIBDIR}" _aq_system_libdir)
  if(_aq_system_libdir EQUAL -1 AND NOT IS_ABSOLUTE "${CMAKE_INSTALL_BINDIR}" AND NOT IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    file(RELATIVE_PATH _aq_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
    set_target_properties(arrowquant_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${_aq_bin_to_lib}")
  endif()

  find_program(AQ_HELP2MAN help2man)
  find_program(AQ_GZIP gzip)
  mark_as_advanced(AQ_HELP2MAN AQ_GZIP)
  if(AQ_BUILD_MANPAGE AND CMAKE_CROSSCOMPILING)
    message(STATUS "arrowquant.1: not generated when cross-compiling (help2man runs the built CLI)")
  elseif(AQ_BUILD_MANPAGE AND (NOT AQ_HELP2MAN OR NOT AQ_GZIP))
    message(WARNING "help2man or gzip not found: the arrowquant man page is not built or installed "
                    "(Debian: apt-get install help2man; or -DAQ_BUILD_MANPAGE=OFF)")
  elseif(AQ_BUILD_MANPAGE)
    # The page is the CLI's own --help text, so it cannot drift from the program. --version-string keeps the
    # page independent of the exact --version wording; gzip -n drops the timestamp so the page is reproducible.
    # help2man stamps the page with the date of SOURCE_DATE_EPOCH when set: a fixed date (the environment's, as
    # Debian's builders set it, or this release's) keeps the page byte-identical between builds.
    if(DEFINED ENV{SOURCE_DATE_EPOCH})
      set(AQ_MAN_EPOCH $ENV{SOURCE_DATE_EPOCH})
    else()
      set(AQ_MAN_EPOCH 1796083200)  # 2026-12-01, the release date of this version
    endif()
    set(AQ_MANPAGE ${PROJECT_BINARY_DIR}/man/arrowquant.1)
    add_custom_command(OUTPUT ${AQ_MANPAGE}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=${AQ_MAN_EPOCH} ${AQ_HELP2MAN} --no-info --section=1 --version-string=${PROJECT_VERSION}
              "--name=quantize diffusion model weights with time-aware activation parameters"
              --output=${AQ_MANPAGE} $<TARGET_FILE:arrowquant_cli>
      COMMAND ${AQ_GZIP} -9nf ${AQ_MANPAGE}
      DEPENDS arrowquant_cli
      COMMENT "Generating the arrowquant(1) man page with help2man"
      VERBATIM)
    add_custom_target(arrowquant_manpage ALL DEPENDS ${AQ_MANPAGE}.gz)
    install(FILES ${AQ_MANPAGE}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
  endif()
endif()

# --- License -------------------------------------------------------------------------------------------------------
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT license)
