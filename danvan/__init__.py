"""danvan: a web information system for mass mobilization work (công tác dân vận)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("danvan")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
