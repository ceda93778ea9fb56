"""The Vietnamese catalogue is complete: no entry left empty or fuzzy."""

from pathlib import Path

import polib

import danvan

CATALOGUE = Path(danvan.__file__).parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_vietnamese_catalogue_is_complete() -> None:
    po = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert po.percent_translated() == 100
