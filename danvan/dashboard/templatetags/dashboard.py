import datetime

from django import template

from danvan.lib.agenda import Item

register = template.Library()


@register.filter
def days_late(item: Item, today: datetime.date) -> int:
    return item.days_late(today)


@register.filter
def days_left(item: Item, today: datetime.date) -> int | None:
    return item.days_left(today)
