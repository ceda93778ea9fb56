"""Production without an SMTP server: each e-mail is one log record, so one JSON line."""

from __future__ import annotations

import json
import logging
import logging.config

from django.core.mail import get_connection, send_mail

from danvan.lib.logconfig import logging_config


def test_an_e_mail_becomes_one_json_line_with_its_recipients_subject_and_text(caplog) -> None:  # type: ignore[no-untyped-def]
    connection = get_connection("danvan.lib.maillog.LogEmailBackend")
    with caplog.at_level(logging.INFO, "danvan.mail"):
        sent = send_mail(
            "Nhắc hạn: báo cáo 6 tháng",
            "Báo cáo của đơn vị\nđến hạn ngày 15/6.",
            "danvan@example.org",
            ["a@example.org", "b@example.org"],
            connection=connection,
        )
    assert sent == 1
    [record] = [r for r in caplog.records if r.name == "danvan.mail"]
    assert (
        record.getMessage() == "e-mail not sent (EMAIL_HOST is not set): Nhắc hạn: báo cáo 6 tháng"
    )
    formatter = logging.config.DictConfigurator(logging_config("json", "INFO")).configure_formatter(
        logging_config("json", "INFO")["formatters"]["json"]
    )
    record.request_id = "-"
    line = formatter.format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["logger"] == "danvan.mail" and data["level"] == "INFO"
    assert data["mail_to"] == ["a@example.org", "b@example.org"]
    assert data["mail_subject"] == "Nhắc hạn: báo cáo 6 tháng"
    assert data["mail_body"] == "Báo cáo của đơn vị\nđến hạn ngày 15/6."
