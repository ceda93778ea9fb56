"""How a picker's <select> is written (lib/pickers.py): Django's select.html and
select_option.html in Python, and the same text from a picker's kept choices.

A unit picker holds up to SELECT_LIMIT options; the template engine took 50 ms to write 300,
and Django's `flatatt` (format_html_join) was most of what remained. `attributes` writes what
flatatt writes; `select_html` writes a select from the widget's context (Django's options);
`kept_select_html` writes the same text from `Choices` kept between requests, each option
written once when the choices were read (tests compare the three with Django's own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def attributes(attrs: dict[str, Any]) -> str:
    """Django's flatatt, written out: the same text (name="value" pairs sorted, then the true
    booleans sorted; False and None left out) without format_html_join's cost."""
    pairs = sorted((k, v) for k, v in attrs.items() if not isinstance(v, bool) and v is not None)
    flags = sorted(k for k, v in attrs.items() if v is True)
    return "".join(
        f' {conditional_escape(k)}="{conditional_escape(v)}"' for k, v in pairs
    ) + "".join(f" {conditional_escape(k)}" for k in flags)


@dataclass(frozen=True)
class Choice:
    """One choice as the page writes it: what is posted, the option's text, the name and
    detail picker.js shows, and its <option> around where «selected» goes."""

    pk: int
    label: str
    shown: str
    detail: str
    head: str
    tail: str

    @classmethod
    def of(cls, pk: int, label: str, shown: str, detail: str) -> Choice:
        head = f'<option value="{pk}"{attributes({"data-detail": detail, "data-label": shown})}'
        return cls(pk, label, shown, detail, head, f">{conditional_escape(label)}</option>")


@dataclass(frozen=True)
class Choices:
    """The allowed keys, and the choices in the order shown (None past SELECT_LIMIT: then only
    the chosen ones are written, read when the page is)."""

    pks: list[int]
    rows: list[Choice] | None


def _open(widget: dict[str, Any]) -> str:
    return f'<select name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>'


def select_html(widget: dict[str, Any]) -> SafeString:
    """The select of a widget's context, its options as Django's optgroups made them."""
    parts = [_open(widget)]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'<option value="{conditional_escape(str(option["value"]))}"'
            f"{attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            for option in options
        )
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("\n".join(parts))  # noqa: S308  (every value above is escaped)


def kept_select_html(
    widget: dict[str, Any], rows: list[Choice], empty_label: Any, multiple: bool
) -> SafeString:
    """What select_html writes, from kept choices: the same text, each option written once."""
    chosen = set(widget["value"])
    parts = [_open(widget)]
    if empty_label is not None:
        selected = "" in chosen
        if selected and not multiple:
            chosen = set()
        flag = " selected" if selected else ""
        parts.append(f'<option value=""{flag}>{conditional_escape(empty_label)}</option>')
    for choice in rows:
        if str(choice.pk) in chosen:
            parts.append(f"{choice.head} selected{choice.tail}")
            if not multiple:
                chosen = set()
        else:
            parts.append(choice.head + choice.tail)
    parts.append("</select>")
    return mark_safe("\n".join(parts))  # noqa: S308  (every value above is escaped)
