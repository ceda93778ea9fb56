"""Formulas and validation sides over indicator codes: `A / B * 100`, `INSPECTED - 2`."""

from __future__ import annotations

import ast
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import CODE_RE

_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def parse(expression: str) -> ast.expr:
    """The expression's tree, or a ValidationError saying what is wrong with it."""
    text = expression.strip()
    if not text:
        raise ValidationError(_("The expression is empty."), code="empty")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise ValidationError(
            _(
                "«%(expr)s» is not a valid expression: use indicator codes, numbers, + - * / and brackets."
            )
            % {"expr": text},
            code="syntax",
        ) from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BINARY):
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            continue
        if isinstance(node, ast.Name) and CODE_RE.match(node.id):
            continue
        if isinstance(node, ast.operator | ast.unaryop | ast.Load):
            continue
        raise ValidationError(
            _("«%(expr)s» may use only indicator codes, numbers, + - * / and brackets.")
            % {"expr": text},
            code="syntax",
        )
    return tree


def codes(expression: str) -> set[str]:
    """The indicator codes an expression refers to."""
    return {node.id for node in ast.walk(parse(expression)) if isinstance(node, ast.Name)}


def evaluate(expression: str, values: dict[str, Decimal | None]) -> Decimal | None:
    """The expression's value; None when an operand is missing or a division is by zero."""
    return _eval(parse(expression), values)


def _eval(node: ast.expr, values: dict[str, Decimal | None]) -> Decimal | None:
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return values.get(node.id)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        if operand is None:
            return None
        return -operand if isinstance(node.op, ast.USub) else operand
    assert isinstance(node, ast.BinOp)
    left, right = _eval(node.left, values), _eval(node.right, values)
    if left is None or right is None:
        return None
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    try:
        return left / right
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return None


def find_cycle(dependencies: dict[str, set[str]], start: str) -> list[str] | None:
    """A chain of codes from `start` back to itself through the formulas, if there is one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        code, chain = stack.pop()
        for used in sorted(dependencies.get(code, ())):
            if used == start:
                return [*chain, start]
            if used not in seen:
                seen.add(used)
                stack.append((used, [*chain, used]))
    return None
