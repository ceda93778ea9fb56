"""Delivering danvan's messages to people: the bell, e-mail now, the daily digest, or off.

`lib/notify.py` hands every message here (registered in `DashboardConfig.ready()`). A message
to an address that belongs to a user becomes one notification per record it names (or one with
its subject), and the e-mail is sent now, kept for the digest, or dropped by that user's
preference for the message's kind; an address of no user (an invitation) is e-mailed as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from danvan.accounts.models import User
from danvan.lib import notify
from danvan.lib.notify import KINDS, Link, Message

from .models import DEFAULT_CHANNEL, Channel, Notification, Preference


def channels_for(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """{(user id, kind): channel} for those who chose otherwise than the default."""
    return {
        (p.user_id, p.kind): p.channel
        for p in Preference.objects.filter(user_id__in=set(user_ids)).only(
            "user_id", "kind", "channel"
        )
    }


def channel_of(chosen: dict[tuple[int, str], str], user_id: int, kind: str) -> str:
    return chosen.get((user_id, kind), DEFAULT_CHANNEL)


@transaction.atomic
def deliver(messages: list[Message]) -> None:
    """The registered delivery: notifications in bulk, e-mails by preference."""
    addresses = {a for m in messages for a in m.recipients}
    addresses |= {a.lower() for a in addresses}
    users = {
        u.email.lower(): u
        for u in User.objects.filter(email__in=addresses, is_active=True).only("pk", "email")
    }
    chosen = channels_for(u.pk for u in users.values())
    notifications: list[Notification] = []
    mails: list[tuple[Message, str]] = []
    for message in messages:
        for address in message.recipients:
            user = users.get(address.lower())
            if user is None:
                mails.append((message, address))
                continue
            channel = channel_of(chosen, user.pk, message.kind)
            if channel == Channel.OFF:
                continue
            targets: list[Link | None] = [*message.links] or [None]
            for link in targets:
                notifications.append(
                    Notification(
                        user=user,
                        kind=message.kind,
                        title=(link.title if link else message.subject)[:300],
                        body=message.subject if link else message.body,
                        url=(link.url if link else "")[:500],
                        key=(link.key if link else "")[:100],
                        digest_pending=channel == Channel.DIGEST,
                    )
                )
            if channel == Channel.EMAIL:
                mails.append((message, address))
    Notification.objects.bulk_create(notifications, batch_size=1000)
    if mails:
        transaction.on_commit(lambda: notify.email(mails))


def settle(keys: Iterable[str]) -> None:
    """The records no longer wait: their unread notifications are read."""
    Notification.objects.filter(key__in=list(keys), read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def send_digests() -> int:
    """One e-mail per person with what waited for the digest; returns e-mails sent.

    What the person already read in the application, or what was settled meanwhile (the
    record no longer waits), is left out. The rows are locked, so two runs at once send once.
    """
    pending = list(
        Notification.objects.select_for_update(of=("self",))
        .filter(digest_pending=True)
        .select_related("user")
        .order_by("user_id", "kind", "created_at", "pk")
    )
    by_user: dict[User, list[Notification]] = defaultdict(list)
    for notification in pending:
        if notification.read_at is None:
            by_user[notification.user].append(notification)
    mails = []
    for user, items in by_user.items():
        if not user.is_active:
            continue
        with override(settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "groups": [
                    (KINDS[kind], [n for n in items if n.kind == kind])
                    for kind in KINDS
                    if any(n.kind == kind for n in items)
                ],
                "count": len(items),
                "site_url": settings.SITE_URL,
            }
            subject = _("danvan: %(count)d things for you today") % {"count": len(items)}
            body = render_to_string("dashboard/email/digest.txt", context)
        mails.append((Message(subject, body, [user.email]), user.email))
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(digest_pending=False)
    if mails:
        transaction.on_commit(lambda: notify.email(mails))
    return len(mails)


# Registered last (the dashboard is the last app) and with a lower priority than the reminder
# jobs, so that a worker runs it after them and the digest holds what they just sent.
@task(priority=-10)
def daily_digest() -> int:
    """The daily digest e-mail of those who chose it (queued by `danvan reminders`)."""
    return send_digests()
