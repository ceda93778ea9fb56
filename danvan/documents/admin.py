"""Documents change through their own pages; the admin shows them read-only with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.lib.admin import ReadOnlyAdmin

from .models import Document


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["number", "kind", "issuer", "issued_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["search_text"]
