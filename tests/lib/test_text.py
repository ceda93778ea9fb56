from hypothesis import given
from hypothesis import strategies as st

from danvan.lib.text import fold


def test_fold_removes_vietnamese_diacritics() -> None:
    assert fold("Nghệ An") == "nghe an"
    assert fold("  Đảng ủy   xã Mường Xén ") == "dang uy xa muong xen"
    assert fold("DÂN VẬN KHÉO") == "dan van kheo"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
