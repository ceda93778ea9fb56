"""Text helpers: search that ignores Vietnamese diacritics, and Vietnamese alphabetical order."""

import functools
import re
import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, diacritic-free, single-spaced: «Nghệ An» → «nghe an»."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


# Vietnamese alphabetical order, hand-written rather than taken from a library: pyuca follows the
# untailored DUCET, where ă, â, ê, ô, ơ and ư are accents on a, e, o, u (the second level) while
# Vietnamese sorts them as letters of their own (CLDR's «vi» tailoring), and it has not been
# released since 2017; PyICU has that tailoring but must be compiled against libicu on every
# machine. The alphabet, with f, j, w and z where the Latin alphabet puts them for foreign names:
_ALPHABET = {letter: rank for rank, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
# Marks that make a letter of its own (breve, circumflex, horn) and the five tones, which only
# decide between words that are otherwise the same, in the dictionaries' order:
# level, huyền, hỏi, ngã, sắc, nặng (ma < mà < mả < mã < má < mạ).
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_TOKEN = re.compile(r"\s+|[0-9]+|.[\u0300-\u036f]*", re.DOTALL)

_SPACE, _PUNCTUATION, _NUMBER, _LETTER, _OTHER = range(5)

CollationKey = tuple[tuple[tuple[int, ...], ...], tuple[int, ...], tuple[int, ...], str]


@functools.lru_cache(maxsize=16384)  # the same unit names are sorted on every page that lists them
def collation_key(text: str) -> CollationKey:
    """A key that sorts names as a Vietnamese reader expects: «Bạch» < «Bích» < «Bình»,
    «Dung» < «Đào», «An» < «Ăn» < «Ân» < «Ba»; tones decide only between otherwise equal
    words, and numbers go by their value («Thôn 2» < «Thôn 10»). Use as `sorted(key=...)`."""
    primary: list[tuple[int, ...]] = []
    tones: list[int] = []
    cases: list[int] = []
    for token in _TOKEN.findall(unicodedata.normalize("NFD", text.strip())):
        if token.isspace():
            if primary and primary[-1] != (_SPACE,):
                primary.append((_SPACE,))
            continue
        if token.isascii() and token.isdigit():
            primary.append((_NUMBER, int(token), len(token)))
            continue
        base, marks = token[0], token[1:]
        letter = unicodedata.normalize(
            "NFC", base + "".join(m for m in marks if m in _LETTER_MARKS)
        )
        lower = letter.lower()
        if lower in _ALPHABET:
            primary.append((_LETTER, _ALPHABET[lower]))
        elif lower.isalpha():
            primary.append((_OTHER, *map(ord, lower)))
        else:
            primary.append((_PUNCTUATION, ord(base)))
        tones.append(max((_TONES.get(m, 0) for m in marks), default=0))
        cases.append(0 if letter == lower else 1)
    return tuple(primary), tuple(tones), tuple(cases), text
