"""Build step run by `make`: copy front-end assets from node_modules, compile translations, and
write the commit the code was built from (danvan/COMMIT, read by backups and /healthz).

Kept in plain Python (with polib) so a fresh machine needs only Python, pip and make:
GNU gettext is not required to compile the catalogues.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "danvan" / "static" / "vendor"

# (file inside node_modules, name under static/vendor)
ASSETS = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("@alpinejs/csp/dist/cdn.min.js", "alpinejs/alpine-csp.min.js"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
]


def copy_assets() -> None:
    modules = ROOT / "node_modules"
    for source, target in ASSETS:
        src = modules / source
        if not src.exists():
            sys.exit(f"missing {src}: run `npm ci` first (make does)")
        dest = VENDOR / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        # Source maps the minified files point to, so the manifest storage finds them.
        source_map = src.with_name(src.name + ".map")
        if source_map.exists():
            shutil.copyfile(source_map, dest.with_name(dest.name + ".map"))


def compile_messages() -> None:
    for po_path in (ROOT / "danvan" / "locale").glob("*/LC_MESSAGES/*.po"):
        po_file = polib.pofile(str(po_path))
        po_file.save_as_mofile(str(po_path.with_suffix(".mo")))


def write_commit() -> None:
    """The git commit of the clone (with «+changes» when files differ from it) into
    danvan/COMMIT, installed with the package: a backup's manifest names the code that made
    it. Outside a git clone (a source archive, the container build) it is the DANVAN_COMMIT
    variable when given (the Dockerfile's build argument), or no file at all."""
    target = ROOT / "danvan" / "COMMIT"
    given = os.environ.get("DANVAN_COMMIT", "").strip()
    try:
        commit = subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        changed = subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        if given:
            target.write_text(given + "\n", encoding="utf-8")
        else:
            target.unlink(missing_ok=True)
        return
    target.write_text(commit + ("+changes" if changed else "") + "\n", encoding="utf-8")


if __name__ == "__main__":
    copy_assets()
    compile_messages()
    write_commit()
    print("assets and translations built")
