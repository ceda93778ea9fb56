"""What a server worker loads before freezing its heap (danvan/ops/warmup.py, config/wsgi.py)."""

from __future__ import annotations

import logging

from django.template import engines
from django.urls import clear_url_caches, get_resolver

from danvan.ops import warmup


def _cached_loader():  # type: ignore[no-untyped-def]
    loader = engines["django"].engine.template_loaders[0]
    assert type(loader).__name__ == "Loader" and hasattr(loader, "get_template_cache")
    return loader


def test_a_worker_compiles_every_template_and_builds_each_languages_urls_at_start() -> None:
    loader = _cached_loader()
    loader.reset()
    clear_url_caches()
    names = warmup.template_names()
    assert {"reporting/home.html", "includes/picker.html", "base.html"} <= set(names)
    assert len(names) > 150

    assert warmup.load() == len(names)

    assert {"reporting/home.html", "includes/picker.html", "base.html"} <= set(
        loader.get_template_cache
    )
    assert {"vi", "en"} <= set(get_resolver()._reverse_dict)


def test_a_template_that_cannot_be_compiled_is_logged_not_raised(  # type: ignore[no-untyped-def]
    monkeypatch, caplog, settings, tmp_path
) -> None:
    """Missing, or not UTF-8: the worker starts all the same."""
    (tmp_path / "not-utf8.txt").write_bytes("Nghệ An".encode("utf-16"))
    first = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**first, "DIRS": [tmp_path, *first["DIRS"]]}]
    monkeypatch.setattr(
        warmup, "template_names", lambda: ["nowhere/missing.html", "not-utf8.txt", "base.html"]
    )
    with caplog.at_level(logging.ERROR, logger="danvan.ops.warmup"):
        assert warmup.load() == 1
    assert "nowhere/missing.html does not compile" in caplog.text
    assert "not-utf8.txt does not compile" in caplog.text
