from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Form, FormIndicator, Indicator, Section, Submission, ValidationRule


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "value_type", "aggregation", "source", "is_active")
    list_filter = ("source", "value_type", "aggregation", "is_active")
    search_fields = ("code", "name", "name_en")


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0


class RuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 0


@admin.register(Form)
class FormAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "periodicity", "deadline_days", "is_active")
    inlines = [SectionInline, RuleInline]
    filter_horizontal = ("kinds",)


class ItemInline(admin.TabularInline):
    model = FormIndicator
    extra = 0
    autocomplete_fields = ("indicator",)


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ("form", "order", "title", "kind")
    inlines = [ItemInline]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ("form", "organization", "period", "status", "submitted_at")
    list_filter = ("status", "form", "period")
    readonly_fields = ("status", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by")
    raw_id_fields = ("organization",)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
