"""Pickers a person can use: type-ahead fields for organisations, areas and documents, and a
period picker, in place of drop-downs of hundreds of entries and period codes typed by hand.

Use them in a form exactly like the ModelChoiceField / ModelMultipleChoiceField they replace::

    from danvan.lib.pickers import OrganizationPickerField, PeriodField
    from danvan.lib.periods import PeriodType

    class SubmissionForm(forms.Form):
        organization = OrganizationPickerField(label=_("Unit"), queryset=Organization.objects.none())
        period = PeriodField(label=_("Period"), types=(PeriodType.HALF, PeriodType.YEAR))

        def __init__(self, *args, organizations, **kw):
            super().__init__(*args, **kw)
            self.fields["organization"].queryset = organizations  # the allowed choices

The fields
----------
`OrganizationPickerField`, `OrganizationMultiPickerField`, `AreaPickerField`,
`AreaMultiPickerField`, `DocumentPickerField`, `DocumentMultiPickerField`: `queryset=` is the set
of allowed choices, as for a ModelChoiceField; validation and `cleaned_data` are the same (an
object, or a queryset for the multiple ones; a pk outside the queryset is refused). What is
posted is the same too: the field's name with the chosen pk(s). Querysets of organisations
should `select_related("area")` (each choice is shown with its area).

`PeriodField(types=None, years=None)` (written in lib/period_picker.py): a CharField holding a period code as `lib.periods`
parses it («2026S1»); `cleaned_data` is the canonical code. `types=` (PeriodType values) limits
the kinds offered and accepted; `years=(first, last)` the years listed (default: ten years back,
five ahead). A plain `name=2026S1` post is still accepted.

How they render
---------------
The form's own <select> stays in the page: without JavaScript it is the control (all the
allowed choices when there are at most SELECT_LIMIT; past that only the chosen ones, and a text
box where the names are typed, checked by the server against the queryset; the unit and area
pickers keep their choices between requests, see `_PickerChoices`). `picker.js` turns it
into a text box with a list of suggestions fetched with htmx from the lookup endpoint (the
select, hidden, keeps the value that is posted) and the chosen ones as chips; keyboard: type,
ArrowDown/ArrowUp, Enter, Escape, Backspace on the empty box removes the last chip.

The lookup endpoints and the allowed set
----------------------------------------
`/orgs/pick/` (organization_pick), `/areas/pick/` (area_pick), `/documents/pick/`
(document_pick) answer `?q=` with <li role="option"> fragments (includes/picker_options.html),
scoped to the signed-in user, diacritics ignored, names in Vietnamese order. When a form narrows
the queryset (the responsible unit of a recommendation limited to the lead's scope, the lead of
a task to the programme's parties), the widget passes the allowed set to the endpoint as
`limit_to`: a signed token (django.core.signing) of the queryset's primary keys, written as
ranges and compressed. The endpoint applies the user's scope first and then the token, so a
token can only narrow what the user may see; a tampered token answers 400. A signed list of keys
was chosen over named filters because it covers every narrowing a form makes (its queryset is
the rule) with nothing to register.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django import forms
from django.core import signing
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from danvan.lib import figures
from danvan.lib.period_picker import KIND_LABELS, KINDS, PeriodField, PeriodWidget, term_label
from danvan.lib.picker_select import Choice, Choices, kept_select_html, select_html
from danvan.lib.text import collation_key, fold

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "LIMIT_PARAM",
    "AreaMultiPickerField",
    "AreaPickerField",
    "DocumentMultiPickerField",
    "DocumentPickerField",
    "OrganizationMultiPickerField",
    "OrganizationPickerField",
    "PeriodField",
    "PeriodWidget",
    "PickItem",
    "allowed_pks",
    "limit_token",
    "pick_response",
    "term_label",
]

LIMIT_PARAM = "limit_to"
SELECT_LIMIT = 500  # up to this many choices the page holds a full <select> (no-script use)
SHOWN = 20  # suggestions in one answer of a lookup endpoint
FETCHED = 500  # rows a lookup reads to sort them by name before it keeps SHOWN
MAX_QUERY = 100
_SALT = "danvan.lib.pickers.limit_to"
# The kept name of the unit and area pickers' choices (registered by the org app's ready()).
KEPT_AS = "pickers"


# --- The allowed set, carried to the lookup endpoint ---------------------------------------


def _ranges(pks: Iterable[int]) -> str:
    """«1-5,7,9-12»: consecutive keys (the common case) cost a few characters."""
    parts: list[str] = []
    ordered = sorted(set(pks))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(parts)


def limit_token(model_label: str, pks: Iterable[int]) -> str:
    """A signed, compressed token of the allowed primary keys of a model ("org.organization")."""
    return signing.dumps({"m": model_label, "r": _ranges(pks)}, salt=_SALT, compress=True)


def allowed_pks(token: str, model_label: str) -> frozenset[int] | None:
    """The keys a `limit_to` token allows; None without a token; BadRequest (400) when the
    token was altered or was made for another model."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT)
        if data["m"] != model_label:
            raise ValueError(data["m"])
        keys: set[int] = set()
        for part in filter(None, str(data["r"]).split(",")):
            first, _sep, last = part.partition("-")
            keys.update(range(int(first), int(last or first) + 1))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadRequest("limit_to") from None
    return frozenset(keys)


# --- What the lookup endpoints answer --------------------------------------------------------


@dataclass(frozen=True)
class PickItem:
    """One suggestion: the pk posted, the name shown, and what tells it apart (its parent…)."""

    value: str
    label: str
    detail: str = ""


def query_of(request: HttpRequest) -> str:
    """The typed text of a lookup request, single-spaced and bounded."""
    return " ".join(request.GET.get("q", "").split())[:MAX_QUERY]


def pick_response(
    request: HttpRequest, items: Sequence[PickItem], *, q: str, more: bool = False
) -> HttpResponse:
    """The <li role="option"> fragment of a lookup endpoint."""
    return render(request, "includes/picker_options.html", {"items": items, "q": q, "more": more})


def by_name(rows: list[Any], name: str = "name") -> list[Any]:
    """Rows in Vietnamese alphabetical order of an attribute (lib.text.collation_key)."""
    return sorted(rows, key=lambda row: collation_key(str(getattr(row, name))))


# --- The type-ahead fields --------------------------------------------------------------------


class _ChoiceValue(ModelChoiceIteratorValue):
    """A kept choice's value: no model instance behind it, its name and detail instead."""

    def __init__(self, choice: Choice) -> None:
        super().__init__(choice.pk, cast(Any, None))
        self.shown, self.detail = choice.shown, choice.detail


class _PickerChoices(ModelChoiceIterator):
    """The field's choices, in Vietnamese alphabetical order where the field sorts by name;
    optionally only some of them (the chosen ones, when the full list would be too long).

    A picker with `kept_as` keeps its choices between requests (`lib.figures.kept`, under the
    token of the tables they are read from), keyed by the queryset's SQL, which holds the
    user's scope, and the language: a specialist's unit picker of some 300 units took 11 ms
    to read and sort on every page."""

    def __init__(self, field: Any, queryset: QuerySet[Any] | None = None) -> None:
        super().__init__(field)
        self.picker: Any = field
        self.whole = queryset is None
        rows = self.queryset if queryset is None else queryset
        if rows is not None and field.related:
            rows = rows.select_related(*field.related)
        self.queryset = rows
        self._choices: Choices | None = None

    def all_choices(self) -> Choices:
        """The allowed keys and, up to SELECT_LIMIT of them, the choices; read once."""
        if self._choices is None:
            name = self.picker.kept_as
            if name and self.whole:
                self._choices = figures.kept(name, self._key(), self._read)
            else:
                self._choices = self._read()
        return self._choices

    def _key(self) -> str:
        sql, params = self.queryset.query.sql_with_params()
        text = f"{type(self.picker).__name__}:{get_language()}:{sql}:{params!r}"
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _read(self) -> Choices:
        pks = list(self.queryset.values_list("pk", flat=True))
        if len(pks) > SELECT_LIMIT:
            return Choices(pks, None)
        rows = list(self.queryset)
        if self.picker.sort_by_name:
            rows = by_name(rows)
        return Choices(
            pks,
            [
                Choice.of(
                    obj.pk, str(self.field.label_from_instance(obj)), *self.picker.describe(obj)
                )
                for obj in rows
            ],
        )

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.whole and (rows := self.all_choices().rows) is not None:
            for choice in rows:
                yield (_ChoiceValue(choice), choice.label)
            return
        objects = list(self.queryset)
        if self.picker.sort_by_name:
            objects = by_name(objects)
        for obj in objects:
            yield self.choice(obj)


def _posted(data: Any, name: str) -> list[Any]:
    if hasattr(data, "getlist"):
        return list(data.getlist(name))
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class PickerSelect(forms.Select):
    """The form's <select>, wrapped for picker.js (see the module's docstring)."""

    template_name = "includes/picker.html"

    def __init__(self, lookup: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.lookup = lookup
        self._only: QuerySet[Any] | None = None
        self._written = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        choices = self.choices
        if not isinstance(choices, _PickerChoices):
            raise TypeError("A picker widget belongs to a picker field.")
        queryset = choices.queryset
        every = choices.all_choices()
        pks = every.pks
        chosen = [str(v) for v in self.format_value(value) if str(v).isdigit()]
        typed = every.rows is None
        self._only = queryset.filter(pk__in=chosen) if typed else None
        self._written = not typed  # the options come from `every`, written once
        try:
            context = super().get_context(name, value, attrs)
        finally:
            self._only, self._written = None, False
        own = context["widget"]["attrs"]
        own["class"] = " ".join(filter(None, [own.get("class", ""), "dv-picker-select"]))
        element_id = own.get("id") or f"id_{name}"
        multiple = self.allow_multiple_selected
        context["widget"]["picker"] = {
            "lookup": reverse(self.lookup),
            "limit_to": limit_token(queryset.model._meta.label_lower, pks),
            "multiple": multiple,
            "typed": typed,
            "input_id": f"{element_id}_input",
            "listbox_id": f"{element_id}_listbox",
            "typed_id": f"{element_id}_typed",
            "describedby": own.get("aria-describedby", ""),
            "invalid": "is-invalid" in own.get("class", ""),
            "placeholder": choices.picker.placeholder(multiple),
            "required": self.is_required,
        }
        context["widget"]["picker"]["select"] = (
            select_html(context["widget"])
            if every.rows is None
            else kept_select_html(
                context["widget"], every.rows, choices.field.empty_label, multiple
            )
        )
        return context

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        if self._written:
            return []
        if self._only is None:
            return super().optgroups(name, value, attrs)
        everything = cast(_PickerChoices, self.choices)
        self.choices = _PickerChoices(everything.picker, self._only)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: Any,
        subindex: Any = None,
        attrs: Any = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if isinstance(value, _ChoiceValue):
            option["attrs"]["data-label"] = value.shown
            option["attrs"]["data-detail"] = value.detail
        elif isinstance(value, ModelChoiceIteratorValue):
            picker = cast(_PickerChoices, self.choices).picker
            shown, detail = picker.describe(cast(Any, value).instance)
            option["attrs"]["data-label"] = shown
            option["attrs"]["data-detail"] = detail
        return option

    def use_required_attribute(self, initial: Any) -> bool:
        # The server checks it: a hidden, required <select> would stop the form with a
        # message pointing at nothing.
        return False

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        # Without a script, a long list posts both the select and the typed names: the last
        # non-empty value is the choice.
        values = [v for v in _posted(data, name) if str(v).strip()]
        if name not in data:
            return None
        return values[-1] if values else ""


class PickerSelectMultiple(PickerSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return list(dict.fromkeys(v for v in _posted(data, name) if str(v).strip()))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an empty multiple choice posts nothing, as SelectMultiple


class _Picker:
    """What the picker fields share: the lookup, the words of the messages, names typed by a
    person without a script, and how a choice is shown."""

    lookup: ClassVar[str]
    search_field: ClassVar[str] = "search_name"
    sort_by_name: ClassVar[bool] = True
    multiple_widget: ClassVar[bool] = False
    related: ClassVar[tuple[str, ...]] = ()  # what each choice's label reads
    kept_as: ClassVar[str] = ""  # the `lib.figures` kept name its choices are kept under
    iterator: type[ModelChoiceIterator[Any]] = _PickerChoices

    def _init_widget(self, kwargs: dict[str, Any]) -> None:
        widget_class = PickerSelectMultiple if self.multiple_widget else PickerSelect
        kwargs["widget"] = widget_class(kwargs.pop("lookup", self.lookup))

    def describe(self, obj: Any) -> tuple[str, str]:
        """The name shown for a choice and what tells it apart."""
        return str(obj), ""

    def placeholder(self, multiple: bool) -> str:
        if multiple:
            return _("Type a name to add…")
        return _("Type a name to search…")

    def resolve_typed(self, text: str) -> Model:
        """The one allowed choice whose name holds every word typed (diacritics ignored)."""
        rows = cast(Any, self).queryset
        for word in fold(text).split():
            rows = rows.filter(**{f"{self.search_field}__contains": word})
        found = list(rows[:50])
        if len(found) == 1:
            return found[0]
        exact = [obj for obj in found if fold(self.describe(obj)[0]) == fold(text)]
        if len(exact) == 1:
            return exact[0]
        if not found:
            raise ValidationError(
                _("Nothing among the allowed choices matches «%(text)s».") % {"text": text},
                code="invalid_choice",
            )
        raise ValidationError(
            _("Several choices match «%(text)s»: type more of the name.") % {"text": text},
            code="invalid_choice",
        )


class _SinglePicker(_Picker, forms.ModelChoiceField):
    def __init__(self, queryset: QuerySet[Any], **kwargs: Any) -> None:
        self._init_widget(kwargs)
        super().__init__(queryset, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not value.strip().isdigit():
            return self.resolve_typed(value.strip())
        return super().to_python(value)


class _MultiPicker(_Picker, forms.ModelMultipleChoiceField):
    multiple_widget = True

    def __init__(self, queryset: QuerySet[Any], **kwargs: Any) -> None:
        self._init_widget(kwargs)
        super().__init__(queryset, **kwargs)

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            keys: list[Any] = []
            for item in value:
                if isinstance(item, str) and not item.strip().isdigit():
                    keys.extend(
                        str(self.resolve_typed(part.strip()).pk)
                        for part in item.split(";")
                        if part.strip()
                    )
                else:
                    keys.append(item)
            value = keys
        return super().clean(value)


def _organization_label(obj: Any) -> str:
    return f"{obj.name} — {obj.area.name}"


def dissolved_note(day: datetime.date) -> str:
    return _("dissolved on %(day)s") % {"day": day.strftime("%d/%m/%Y")}


def _organization_detail(obj: Any) -> str:
    if obj.dissolved_on:
        return f"{obj.area.name} · {dissolved_note(obj.dissolved_on)}"
    return str(obj.area.name)


def area_code_and_dates(obj: Any) -> str:
    """«16813, 01/07/2025–…»: what tells apart two areas of one name across the reform."""
    if not (obj.valid_from or obj.valid_to):
        return str(obj.code)
    start = obj.valid_from.strftime("%d/%m/%Y") if obj.valid_from else "…"
    end = obj.valid_to.strftime("%d/%m/%Y") if obj.valid_to else "…"
    return f"{obj.code}, {start}–{end}"


def area_text(obj: Any) -> str:
    """An area with its code and dates: two units may share a name across the 2025 reform."""
    return f"{obj.name} ({area_code_and_dates(obj)})"


def document_detail(obj: Any) -> str:
    issued = obj.issued_on.strftime("%d/%m/%Y") if obj.issued_on else ""
    return " · ".join(filter(None, [str(obj.issuer), issued]))


class _OrganizationPicker(_Picker):
    lookup = "organization_pick"
    related = ("area",)
    kept_as = KEPT_AS

    def label_from_instance(self, obj: Any) -> str:
        return _organization_label(obj)

    def describe(self, obj: Any) -> tuple[str, str]:
        return str(obj.name), _organization_detail(obj)

    def placeholder(self, multiple: bool) -> str:
        if multiple:
            return _("Type a unit's name to add it…")
        return _("Type a unit's name…")


class _AreaPicker(_Picker):
    lookup = "area_pick"
    kept_as = KEPT_AS

    def label_from_instance(self, obj: Any) -> str:
        return area_text(obj)

    def describe(self, obj: Any) -> tuple[str, str]:
        return str(obj.name), area_code_and_dates(obj)

    def placeholder(self, multiple: bool) -> str:
        if multiple:
            return _("Type an area's name to add it…")
        return _("Type an area's name…")


class _DocumentPicker(_Picker):
    lookup = "document_pick"
    search_field = "search_text"
    sort_by_name = False  # the newest first, as the registry lists them

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} — {obj.title}"

    def describe(self, obj: Any) -> tuple[str, str]:
        return f"{obj.number} — {obj.title}", document_detail(obj)

    def placeholder(self, multiple: bool) -> str:
        if multiple:
            return _("Type a number or words of the title to add it…")
        return _("Type a number or words of the title…")


class OrganizationPickerField(_OrganizationPicker, _SinglePicker):
    """An organisation, chosen by typing its name (a ModelChoiceField)."""


class OrganizationMultiPickerField(_OrganizationPicker, _MultiPicker):
    """Organisations, chosen by typing their names (a ModelMultipleChoiceField)."""


class AreaPickerField(_AreaPicker, _SinglePicker):
    """An area, chosen by typing its name or code (a ModelChoiceField)."""


class AreaMultiPickerField(_AreaPicker, _MultiPicker):
    """Areas, chosen by typing their names or codes (a ModelMultipleChoiceField)."""


class DocumentPickerField(_DocumentPicker, _SinglePicker):
    """A registry document, chosen by its number or title (a ModelChoiceField)."""


class DocumentMultiPickerField(_DocumentPicker, _MultiPicker):
    """Registry documents, chosen by number or title (a ModelMultipleChoiceField)."""
