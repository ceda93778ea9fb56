"""`danvan token create EMAIL [--name NAME]`: a personal API token, printed once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from danvan.accounts.models import User
from danvan.accounts.services import token_create


class Command(BaseCommand):
    help = "Manage personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print it once.")
        create.add_argument("email")
        create.add_argument("--name", default="dòng lệnh (command line)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["email"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user with e-mail {options['email']}.") from None
        _token, raw = token_create(user=user, name=options["name"])
        self.stdout.write(raw)
