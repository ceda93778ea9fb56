"""What the org app's writes share: a node fresh and locked, plain values checked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def locked(node: Any) -> Any:
    """The node fresh from the database and locked, so concurrent children get distinct paths."""
    return type(node).objects.select_for_update().get(pk=node.pk)


def clean_fields(model: Any, fields: dict[str, Any]) -> None:
    """Check plain values against the model's own rules (required, length, e-mail, range)."""
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            continue
        try:
            field.clean(value, None)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
