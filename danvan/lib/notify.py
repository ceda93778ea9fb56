"""Every message danvan sends to a person goes through `deliver`.

The apps keep building their e-mails as before (subject, body, recipients) and hand them here
with a kind and, where the message is about a record that waits, the agenda key of that record.
The delivery itself is registered by the dashboard app (`dashboard/notifications.py`): it turns
each message to a user into an in-app notification (the bell) and sends the e-mail now, keeps it
for the daily digest, or not at all, by the user's preference for that kind. Addresses that
belong to no user (an invitation to a new person) are always e-mailed. Without a registered
delivery (a lower floor's tests), messages are e-mailed as they were.

`settle(key)` marks read the notifications about a record that no longer waits (a
recommendation answered, a report approved): the services call it when they finish the work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils.translation import gettext_lazy as _

# The kinds a user sets a preference for, in the order the preference page shows them.
KINDS = {
    "reminder": _("Reminders of work due or late (tasks, recommendations, petitions, commitments)"),
    "report": _("Reports: late, returned, approved"),
    "alert": _("Early-warning alerts on the people's situation"),
    "invitation": _("Invitations and meetings"),
    "account": _("Your account: changes to your sign-in"),
}


@dataclass(frozen=True)
class Link:
    """A record a message is about: the bell shows one notification per link."""

    title: str
    url: str = ""
    key: str = ""  # the record's key (`key_of`), for `settle`


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    recipients: Sequence[str]  # e-mail addresses
    kind: str = "reminder"
    links: Sequence[Link] = ()  # none: one notification with the subject
    # Files sent with the e-mail (filename, content, MIME type): a meeting's .ics invitation.
    attachments: Sequence[tuple[str, str, str]] = ()


def key_of(record: Any) -> str:
    """The key of a record in the agenda and the notifications: «oversight.recommendation:12»."""
    return f"{record._meta.label_lower}:{record.pk}"


def link_to(record: Any, title: str | None = None) -> Link:
    url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
    return Link(title if title is not None else str(record), url, key_of(record))


Delivery = Callable[[list[Message]], None]
Settle = Callable[[Iterable[str]], None]

_delivery: list[Delivery] = []
_settle: list[Settle] = []


def set_delivery(delivery: Delivery, settle: Settle) -> None:
    _delivery[:] = [delivery]
    _settle[:] = [settle]


def email(pairs: Sequence[tuple[Message, str]]) -> None:
    """Send each message to its address, with its attachments, over one connection."""
    if not pairs:
        return
    mails = []
    for message, address in pairs:
        mail = EmailMessage(message.subject, message.body, None, [address])
        for filename, content, mimetype in message.attachments:
            mail.attach(filename, content, mimetype)
        mails.append(mail)
    get_connection(fail_silently=False).send_messages(mails)


def _email_all(messages: list[Message]) -> None:
    email([(m, address) for m in messages for address in m.recipients])


def deliver(messages: Iterable[Message]) -> None:
    """Deliver after the current transaction commits (at once outside one)."""
    batch = [m for m in messages if m.recipients]
    if not batch:
        return
    delivery = _delivery[0] if _delivery else _email_all
    transaction.on_commit(lambda: delivery(batch))


def settle(*keys: str) -> None:
    """Mark read the notifications about these records (after the transaction commits)."""
    if _settle and keys:
        handler = _settle[0]
        transaction.on_commit(lambda: handler(keys))
