"""dxgk's version: the one place it is written (pyproject.toml reads it from here).

A leaf module -- it imports nothing -- so any room can name the version without an
import of the package's ``__init__`` (and so without an import cycle)."""

__version__ = "0.1.0"
