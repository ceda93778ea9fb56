from hypothesis import given
from hypothesis import strategies as st

from danvan.lib.text import collation_key, fold


def test_fold_removes_vietnamese_diacritics() -> None:
    assert fold("Nghệ An") == "nghe an"
    assert fold("  Đảng ủy   xã Mường Xén ") == "dang uy xa muong xen"
    assert fold("DÂN VẬN KHÉO") == "dan van kheo"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_collation_follows_the_vietnamese_alphabet() -> None:
    def order(*names: str) -> list[str]:
        return sorted(names, key=collation_key)

    assert order("Bình", "Bích", "Bạch") == ["Bạch", "Bích", "Bình"]
    assert order("Đào", "Dung", "Đinh", "Duy") == ["Dung", "Duy", "Đào", "Đinh"]  # đ after d
    assert order("Ba", "Ân", "Ăn", "An", "Anh") == ["An", "Anh", "Ăn", "Ân", "Ba"]  # ă, â after a
    assert order("Ơn", "Ông", "Ô", "Oanh") == ["Oanh", "Ô", "Ông", "Ơn"]
    assert order("Ưng", "Uyên", "Vinh") == ["Uyên", "Ưng", "Vinh"]
    # Tones decide only between otherwise equal words, in the dictionaries' order.
    assert order("mạ", "má", "mã", "mả", "mà", "ma") == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert order("Mạnh", "Man", "Mà") == ["Mà", "Man", "Mạnh"]
    assert order("Thôn 10", "Thôn 2", "Thôn 1") == ["Thôn 1", "Thôn 2", "Thôn 10"]
    assert order("Xã An Bình", "Xã Anh Sơn", "Xã An") == ["Xã An", "Xã An Bình", "Xã Anh Sơn"]


@given(st.text())
def test_collation_keys_are_consistent(text: str) -> None:
    assert collation_key(text) == collation_key(text)
    assert sorted([text, text.upper()], key=collation_key) == sorted(
        [text.upper(), text], key=collation_key
    )
