"""Receptions, dialogues, commitments and petitions change through their own pages and API,
whose services keep the deadlines, the history and the citizen's personal data; the admin shows
them read-only with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.lib.admin import ReadOnlyAdmin

from .models import Commitment, Dialogue, Petition, Reception


@admin.register(Reception)
class ReceptionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["organization", "held_on", "host_role", "citizens", "cases"]
    list_filter = ["host_role", "kind"]


@admin.register(Dialogue)
class DialogueAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "organization", "held_on", "kind", "status"]
    list_filter = ["kind", "status"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["text", "due_on", "status"]


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Cases only: the petitioner's personal data is never shown in the admin."""

    list_display = ["code", "summary", "organization", "state", "due_on"]
    list_filter = ["state", "kind"]
    search_fields = ["code"]
    exclude = ["text"]
