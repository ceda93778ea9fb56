"""`danvan rotate_field_keys`: re-encrypt the petitioners' data and the petitions' text under
the newest key of `DANVAN_FIELD_KEYS` (see `danvan/dialogue/privacy.py`, «key rotation»)."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from danvan.dialogue import privacy


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (petitioners, petition texts) under the first key of "
        "DANVAN_FIELD_KEYS, in batches; then the older keys can be removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch_size"])
        privacy.forget_keys()
        unreadable = 0
        total = 0
        for model, fields in privacy.encrypted_fields():
            done, bad = self._rotate(model, fields, batch)
            total += done
            unreadable += bad
            self.stdout.write(f"{model._meta.label}: {done} values re-encrypted.")
        if unreadable:
            raise CommandError(
                f"{unreadable} values could not be read with any key of DANVAN_FIELD_KEYS and "
                "were left as they are: add the key that wrote them and run the command again."
            )
        self.stdout.write(self.style.SUCCESS(f"{total} values now under the newest key."))

    def _rotate(self, model: Any, fields: list[Any], batch: int) -> tuple[int, int]:
        """Read the stored tokens (not the decrypted values: a token no key opens must not be
        written back as if it were the text), rotate each, write back by primary key."""
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        pk = qn(model._meta.pk.column)
        columns = [qn(f.column) for f in fields]
        # Names come from the models, quoted; values are parameters.
        select = f"SELECT {pk}, {', '.join(columns)} FROM {table} WHERE {pk} > %s ORDER BY {pk}"  # noqa: S608
        update = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE {pk} = %s"  # noqa: S608
        done = bad = 0
        last: Any = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"{select} LIMIT {batch}", [last])
                rows = cursor.fetchall()
                if not rows:
                    return done, bad
                changes = []
                for row in rows:
                    last = row[0]
                    values = list(row[1:])
                    changed = False
                    for i, (field, token) in enumerate(zip(fields, values, strict=True)):
                        if not token:
                            continue
                        cipher = field.f
                        if not isinstance(cipher, MultiFernet):  # one key: nothing to rotate
                            continue
                        try:
                            values[i] = cipher.rotate(token.encode()).decode()
                        except InvalidToken:
                            bad += 1
                            continue
                        changed = True
                        done += 1
                    if changed:
                        changes.append([*values, row[0]])
                if changes:
                    cursor.executemany(update, changes)
