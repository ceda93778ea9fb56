"""An e-mail backend for a production server without an SMTP server (EMAIL_HOST unset): each
e-mail becomes one log record of the logger «danvan.mail» — recipients, subject and text as
fields — so that with LOG_FORMAT=json it is one JSON line in the journal like every other,
where Django's console backend would print it as raw text between them (and break `jq`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("danvan.mail")


class LogEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            logger.info(
                "e-mail not sent (EMAIL_HOST is not set): %s",
                message.subject,
                extra={
                    "mail_to": list(message.recipients()),
                    "mail_subject": message.subject,
                    "mail_body": message.body,
                },
            )
        return len(email_messages)
