"""danvan: a web information system for mass mobilization work (công tác dân vận)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("danvan")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"


def _commit() -> str:
    """The git commit the installed code was built from (`make build` writes danvan/COMMIT);
    empty when unknown (a source archive, the container image)."""
    from pathlib import Path

    try:
        return (Path(__file__).parent / "COMMIT").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


__commit__ = _commit()
