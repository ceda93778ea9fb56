"""What a server worker loads before it freezes its heap (danvan/config/wsgi.py).

`gc.freeze()` moves every object alive at that moment out of the collector's sight, so a full
collection no longer rescans what lives as long as the process. But Django loads much of that
lazily, on the first requests: the URLconf (every view module, the API and its pydantic
schemas, openpyxl, the administrative units), the URL resolver of each language and the
compiled templates — about 210,000 objects after a few pages of the load scenario, against
140,000 frozen at import. Left unfrozen, they were rescanned by every full collection: the
collector took 3.7 ms of each request of the bench/load.py mix, 1.0 ms with them loaded here
first (bench/RESULTS.md, «Load»).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import translation

import danvan

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")
logger = logging.getLogger(__name__)


def template_names() -> list[str]:
    """The names of danvan's own templates (under each `templates/` folder of the package)."""
    root = Path(danvan.__file__).parent
    return sorted(
        str(path.relative_to(folder))
        for folder in root.glob("**/templates")
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in TEMPLATE_SUFFIXES
    )


def load() -> int:
    """Import the URLconf, fill each language's URL resolver and compile danvan's templates
    into the cached loader (Django's default, with or without DEBUG). Returns how many templates
    were compiled; one that cannot be compiled, for whatever reason, is logged and left to fail
    on its own page, never the worker's start (gunicorn stops the server when a worker cannot
    boot)."""
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018  (imports every view, builds the reverse map)
    engine = engines["django"]
    compiled = 0
    for name in template_names():
        try:
            engine.get_template(name)
        except Exception:  # syntax, encoding, permissions: a page's problem, not the start's
            logger.exception("template %s does not compile", name)
        else:
            compiled += 1
    return compiled
