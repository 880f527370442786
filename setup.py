# The C core is a cffi extension built by build_ffi.py; everything else is in pyproject.toml.
# build_py also ships headers/ inside the package (dxgk/headers) so an installed wheel can
# still lay the headers out with other -D values.
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithHeaders(build_py):
    def run(self):
        super().run()
        dest = Path(self.build_lib) / "dxgk" / "headers"
        dest.mkdir(parents=True, exist_ok=True)
        for h in Path(__file__).resolve().parent.joinpath("headers").glob("*.h"):
            shutil.copy2(h, dest / h.name)


setup(cffi_modules=["build_ffi.py:ffibuilder"], cmdclass={"build_py": BuildPyWithHeaders})
