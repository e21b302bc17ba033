# Debian packages with CPack: `cpack -G DEB` in a build configured with -DCMAKE_INSTALL_PREFIX=/usr
# (so that GNUInstallDirs picks the multiarch libdir lib/<triplet>) makes three packages from the install
# components of cmake/install.cmake:
#   libarrowquant0     (runtime)      the shared library
#   libarrowquant-dev  (development)  header, libarrowquant.so link, arrowquant.pc, CMake package
#   arrowquant-tools   (tools)        the arrowquant CLI and its man page
# .ci/packaging.sh builds, installs, uses, removes and lints them; docs/install.md describes the route.

set(CPACK_PACKAGE_NAME arrowquant)
set(CPACK_PACKAGE_VENDOR "ArrowQuant developers")
set(CPACK_PACKAGE_CONTACT "ArrowQuant developers <maintainers@arrowquant.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)                         # lintian: unstripped-binary-or-object
set(CPACK_PACKAGE_CHECKSUM SHA256)

# Only the three components below go into packages; install rules of other components (bindings, the LICENSE
# copy for plain installs) stay out of the .debs.
set(CPACK_COMPONENTS_ALL runtime development tools)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENT_RUNTIME_DISPLAY_NAME "Shared library")
set(CPACK_COMPONENT_DEVELOPMENT_DISPLAY_NAME "Development files")
set(CPACK_COMPONENT_TOOLS_DISPLAY_NAME "Command-line tool")
set(CPACK_COMPONENT_DEVELOPMENT_DEPENDS runtime)
set(CPACK_COMPONENT_TOOLS_DEPENDS runtime)

# arrowquant.pc is written at install time with the install prefix (cmake/install_pkgconfig.cmake.in); with
# DESTDIR staging that prefix is /usr rather than CPack's temporary directory.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Checked when cpack runs (not at every configure): a Debian package wants the multiarch libdir, which
# GNUInstallDirs only picks for CMAKE_INSTALL_PREFIX=/usr.
configure_file(${CMAKE_CURRENT_LIST_DIR}/CPackProjectConfig.cmake.in
               ${PROJECT_BINARY_DIR}/packaging/CPackProjectConfig.cmake @ONLY)
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_BINARY_DIR}/packaging/CPackProjectConfig.cmake)

# --- Debian --------------------------------------------------------------------------------------------------------
find_program(AQ_DPKG dpkg)
mark_as_advanced(AQ_DPKG)
if(AQ_DPKG)
  set(CPACK_GENERATOR DEB)
else()
  set(CPACK_GENERATOR TGZ)
endif()
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "ArrowQuant developers <maintainers@arrowquant.invalid>")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)          # <name>_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SOURCE arrowquant)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)           # Depends: from dpkg-shlibdeps (libc6, libtbb12, libhwy1, ...)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)    # -dev and -tools depend on libarrowquant0 (= version)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# libarrowquant0 declares its shlibs ("libarrowquant 0 libarrowquant0 (>= <version>)") so that packages built
# against it get a correct dependency. (CPack then also writes postinst/postrm scripts calling ldconfig; the
# trigger below is what policy asks for, see packaging/debian/libarrowquant0.lintian-overrides.)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# dpkg-shlibdeps must find libarrowquant.so.0, which the CLI needs, although it is not installed: point it at
# the build tree's copy (the same file that goes into libarrowquant0). The dependency on libarrowquant0 itself
# comes from CPACK_COMPONENT_TOOLS_DEPENDS above.
get_target_property(AQ_LIBRARY_BUILD_DIR arrowquant LIBRARY_OUTPUT_DIRECTORY)
if(NOT AQ_LIBRARY_BUILD_DIR)
  get_target_property(AQ_LIBRARY_BUILD_DIR arrowquant BINARY_DIR)
endif()
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${AQ_LIBRARY_BUILD_DIR}")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libarrowquant0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# Policy 8.1.1: a public library activates libc's ldconfig trigger (lintian: lacks-ldconfig-trigger).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/debian/triggers)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "quantization of diffusion models - shared library
ArrowQuant quantizes the weights of diffusion models to INT2, INT4 and INT8
with round-to-nearest or error-searching group parameters, and computes
time-aware activation quantization parameters checked by Markov smoothness
metrics. Results do not depend on the number of threads.
.
This package contains the shared library libarrowquant.so.0, which exports a
stable C interface.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libarrowquant-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
# arrowquant.pc (Requires.private: yaml-cpp) and the CMake package (find_dependency(yaml-cpp)) need yaml-cpp's
# development files; the runtime package gets libyaml-cpp0.7 from dpkg-shlibdeps.
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libyaml-cpp-dev")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION "quantization of diffusion models - development files
ArrowQuant quantizes the weights of diffusion models to INT2, INT4 and INT8
and computes time-aware activation quantization parameters.
.
This package contains the C header arrowquant.h, the libarrowquant.so link,
the pkg-config file arrowquant.pc and the CMake package arrowquant
(find_package(arrowquant), target arrowquant::arrowquant).")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME arrowquant-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION science)
set(CPACK_DEBIAN_TOOLS_DESCRIPTION "quantization of diffusion models - command-line tool
ArrowQuant quantizes the weights of diffusion models to INT2, INT4 and INT8
and computes time-aware activation quantization parameters.
.
This package contains the arrowquant command, which quantizes safetensors
models and writes reports.")

# /usr/share/doc/<package>/{copyright,changelog.Debian.gz} in every package. EXCLUDE_FROM_ALL: these exist only
# for the .debs (CPack installs component by component); a plain `cmake --install` installs LICENSE instead.
string(TIMESTAMP AQ_DEB_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)   # honours SOURCE_DATE_EPOCH
set(AQ_DEB_VERSION "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in
               ${PROJECT_BINARY_DIR}/packaging/debian/changelog.Debian @ONLY)
execute_process(COMMAND gzip -9nc ${PROJECT_BINARY_DIR}/packaging/debian/changelog.Debian
                OUTPUT_FILE ${PROJECT_BINARY_DIR}/packaging/debian/changelog.Debian.gz
                RESULT_VARIABLE AQ_GZIP_RESULT)
if(NOT AQ_GZIP_RESULT EQUAL 0)
  message(WARNING "gzip failed (${AQ_GZIP_RESULT}): the Debian packages will lack changelog.Debian.gz")
endif()
foreach(component IN ITEMS runtime development tools)
  string(TOUPPER ${component} COMPONENT)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/copyright
                ${PROJECT_BINARY_DIR}/packaging/debian/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${CPACK_DEBIAN_${COMPONENT}_PACKAGE_NAME}
          PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
          COMPONENT ${component} EXCLUDE_FROM_ALL)
  # Each override in packaging/debian/<package>.lintian-overrides says why the tag does not apply.
  set(overrides ${PROJECT_SOURCE_DIR}/packaging/debian/${CPACK_DEBIAN_${COMPONENT}_PACKAGE_NAME}.lintian-overrides)
  if(EXISTS ${overrides})
    install(FILES ${overrides} DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides
            RENAME ${CPACK_DEBIAN_${COMPONENT}_PACKAGE_NAME}
            PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
            COMPONENT ${component} EXCLUDE_FROM_ALL)
  endif()
endforeach()
# Source tarball (`cpack --config CPackSourceConfig.cmake`): the tree without build directories and caches.
# The patterns are regular expressions on absolute paths, anchored at the source directory.
# CPack writes these values into CPackSourceConfig.cmake unescaped, hence the doubled backslashes.
string(REGEX REPLACE "([][+.*()^$?|\\])" "\\\\\\\\\\1" AQ_SOURCE_DIR_REGEX "${PROJECT_SOURCE_DIR}")
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "^${AQ_SOURCE_DIR_REGEX}/\\\\.git/" "^${AQ_SOURCE_DIR_REGEX}/build[^/]*/"
    "^${AQ_SOURCE_DIR_REGEX}/\\\\.venv/" "/__pycache__/" "^${AQ_SOURCE_DIR_REGEX}/bindings/rust/.*target/")

include(CPack)
