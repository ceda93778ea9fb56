from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Commitment, Dialogue, Petition, Reception


@admin.register(Reception)
class ReceptionAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "held_on", "host_role", "citizens", "cases"]
    list_filter = ["host_role", "kind"]


@admin.register(Dialogue)
class DialogueAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organization", "held_on", "kind", "status"]
    list_filter = ["kind", "status"]


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["text", "due_on", "status"]


@admin.register(Petition)
class PetitionAdmin(SimpleHistoryAdmin):
    """Cases only: the petitioner's personal data is never shown in the admin."""

    list_display = ["code", "summary", "organization", "state", "due_on"]
    list_filter = ["state", "kind"]
    search_fields = ["code"]
    exclude = ["text"]
