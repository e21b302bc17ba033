"""Build of the arrowquant Python package: SWIG-wraps the C ABI and links against an existing libarrowquant.

Where things are (see README.md): ARROWQUANT_SOURCE_DIR (the repository root; default: two levels up),
ARROWQUANT_LIB_DIR / ARROWQUANT_INCLUDE_DIR (default: pkg-config, then the build directories of the source tree,
then the system). Requires swig (4.0 or later) and a C compiler.
"""
import atexit
import glob
import os
import shutil
import subprocess
import sys
import tempfile

from setuptools import Extension, setup
from setuptools.command.build import build
from setuptools.command.build_ext import build_ext
from setuptools.command.egg_info import egg_info

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get("ARROWQUANT_SOURCE_DIR", os.path.join(HERE, "..", "..")))
SWIG_DIR = os.path.join(SOURCE, "bindings", "swig")
SYSTEM_LIB_DIRS = ("/usr/lib", "/usr/lib64", "/lib", "/usr/lib/x86_64-linux-gnu", "/usr/local/lib")


def pkg_config(*args):
    try:
        return subprocess.run(["pkg-config", *args, "arrowquant"], check=True, capture_output=True,
                              text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def find_library():
    """(include_dir, lib_dir or None for the system path)."""
    include = os.environ.get("ARROWQUANT_INCLUDE_DIR") or os.path.join(SOURCE, "capi", "include")
    if not os.path.exists(os.path.join(include, "arrowquant.h")):
        include = pkg_config("--variable=includedir") or include
    libdir = os.environ.get("ARROWQUANT_LIB_DIR") or pkg_config("--variable=libdir")
    if not libdir:
        candidates = [os.path.join(SOURCE, "build", "release", "capi"), os.path.join(SOURCE, "build", "capi")]
        candidates += sorted(glob.glob(os.path.join(SOURCE, "build*", "capi")))
        libdir = next((d for d in candidates if os.path.exists(os.path.join(d, "libarrowquant.so"))), None)
    return include, libdir


_scratch = None


def scratch_dir():
    """One temporary directory per build for everything setuptools would otherwise leave in the source tree
    (build/, *.egg-info): `pip install bindings/python` must leave the checkout as it was."""
    global _scratch
    if _scratch is None:
        _scratch = tempfile.mkdtemp(prefix="arrowquant-pybuild-")
        atexit.register(shutil.rmtree, _scratch, True)
    return _scratch


class BuildOutOfTree(build):
    def initialize_options(self):
        super().initialize_options()
        self.build_base = os.path.join(scratch_dir(), "build")


class EggInfoOutOfTree(egg_info):
    def initialize_options(self):
        super().initialize_options()
        self.egg_base = scratch_dir()


class BuildSwig(build_ext):
    """Generates the header-dependent interface part, runs SWIG, then builds (and bundles the library)."""

    def run(self):
        include, libdir = find_library()
        os.makedirs(self.build_temp, exist_ok=True)
        pkg_out = os.path.join(self.build_lib, "arrowquant")
        os.makedirs(pkg_out, exist_ok=True)
        header = os.path.join(include, "arrowquant.h")
        subprocess.run([sys.executable, os.path.join(SWIG_DIR, "gen_swig_decls.py"), header,
                        os.path.join(self.build_temp, "arrowquant_generated.i")], check=True)
        subprocess.run([sys.executable, os.path.join(SWIG_DIR, "gen_status_map.py"), "swig",
                        os.path.join(self.build_temp, "arrowquant_status.i"), header], check=True)
        wrap = os.path.join(self.build_temp, "arrowquant_wrap.c")
        swig = os.environ.get("SWIG", "swig")
        subprocess.run([swig, "-python", "-threads", "-module", "capi", "-I" + SWIG_DIR, "-I" + self.build_temp,
                        "-I" + include, "-o", wrap, "-outdir", pkg_out, os.path.join(SWIG_DIR, "arrowquant.i")],
                       check=True)
        if self.inplace:
            shutil.copy(os.path.join(pkg_out, "capi.py"), os.path.join(HERE, "arrowquant", "capi.py"))
        for ext in self.extensions:
            ext.sources = [wrap]
            ext.include_dirs.append(include)
            ext.libraries.append("arrowquant")
            ext.extra_compile_args.append("-w")
            if libdir:
                ext.library_dirs.append(libdir)
                if os.path.realpath(libdir) not in SYSTEM_LIB_DIRS:
                    ext.extra_link_args.append("-Wl,-rpath,$ORIGIN")
                    lib = os.path.realpath(os.path.join(libdir, "libarrowquant.so"))
                    soname = "libarrowquant.so.0"
                    shutil.copy(lib, os.path.join(pkg_out, soname))
        super().run()


setup(
    ext_modules=[Extension("arrowquant._capi", sources=[])],
    cmdclass={"build": BuildOutOfTree, "build_ext": BuildSwig, "egg_info": EggInfoOutOfTree},
)
