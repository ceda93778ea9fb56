"""About issues, never dossiers on people: a check for text that looks like it names a person.

Situation notes describe issues and areas. Before a note (or a follow-up) is saved, its text is
searched for what usually identifies a private person in Vietnamese writing:

- a form of address followed by a capitalised name: «ông Nguyễn Văn A», «bà Lò Thị Mai»,
  «anh Tuấn», «chị Hoa», «cháu», «cụ», «em», «bác», «cô», «chú», «hộ ông …» — the words are
  matched whole and case-insensitively, the name must start with a capital letter;
- an identity number: 9 or 12 digits standing alone (CMND, CCCD), spaces or dots allowed
  between groups of three — unless a currency follows («250.000.000 đồng» is money);
- a telephone number: 10 or 11 digits starting with 0 or +84, spaces, dots or dashes allowed.

A match is not proof (a street named after a hero is a capitalised name too), so the officer is
asked to remove the names, numbers and phone numbers, or to confirm that the text names only
public offices and places (`confirm_no_person`, for example «Chủ tịch UBND xã»). Public titles
followed by a name («Chủ tịch Nguyễn Văn A») are not matched: officials acting in office are
public. The check is deliberately simple and documented, not a guess about anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ADDRESS = r"(?:ông|bà|anh|chị|em|cô|chú|bác|cụ|cháu|thím|mợ|dì|dượng|ông bà|vợ chồng)"
# The capital letters only: the range À-Ỹ also holds the small letters (à, đ, ở, ý…), which
# made «chú ý», «anh đi», «chị ở» look like names.
_UPPER = "A-Z" + "".join(
    sorted({c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper() and c.isalpha()})
)
# A form of address, then one to four words each starting with a capital letter.
_NAMED = re.compile(
    rf"(?<![\wÀ-ỹ]){_ADDRESS}\s+(?-i:[{_UPPER}][\wÀ-ỹ]*(?:\s+[{_UPPER}][\wÀ-ỹ]*){{0,3}})",
    re.IGNORECASE,
)
# An amount of money in groups of three («250.000.000 đồng») is not an identity number.
_ID_NUMBER = re.compile(
    r"(?<![\d.])(?:\d{12}|\d{9}|\d{3}[ .]\d{3}[ .]\d{3}(?:[ .]\d{3})?)(?![\d.])"
    r"(?!\s*(?:đồng|đ|vnđ|vnd|₫)(?!\w))",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\d+])(?:\+84|0)(?:[ .-]?\d){9,10}(?!\d)")


@dataclass(frozen=True)
class Finding:
    kind: str  # "name", "id_number", "phone"
    text: str

    @property
    def label(self) -> str:
        return {
            "name": _("a person's name"),
            "id_number": _("an identity number"),
            "phone": _("a telephone number"),
        }[self.kind]


def find_personal_data(text: str) -> list[Finding]:
    """What in this text looks like it identifies a private person, in order of appearance."""
    found: list[tuple[int, Finding]] = []
    for kind, pattern in (("name", _NAMED), ("phone", _PHONE), ("id_number", _ID_NUMBER)):
        for match in pattern.finditer(text):
            if any(start <= match.start() < start + len(f.text) for start, f in found):
                continue  # a phone number is not also an identity number
            found.append((match.start(), Finding(kind, match.group(0).strip())))
    return [finding for _start, finding in sorted(found, key=lambda pair: pair[0])]


def describe(findings: list[Finding]) -> str:
    """What was found, for a message: «a person's name: «ông Nguyễn Văn A»; …» (five at most)."""
    return "; ".join(f"{f.label}: «{f.text}»" for f in findings[:5])


def refused_for_a_person(error: ValidationError) -> bool:
    """Whether a service refused text that seems to name a person (code `personal_data`): the
    page then offers the confirmation box."""
    groups = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return any(e.code == "personal_data" for group in groups for e in group)


def message(findings: list[Finding]) -> str:
    """What the officer reads: what was found, and what to do."""
    shown = describe(findings)
    return _(
        "This text seems to identify a private person (%(found)s). Notes are about issues and "
        "areas, not people: remove names, identity numbers and telephone numbers, or confirm "
        "that the text names only public offices and places."
    ) % {"found": shown}
