"""Report forms change in the form editor (its pages and API), whose services keep what units
have already reported readable; reports change through the report pages, whose services keep
the roll-ups and the review. The admin shows them read-only with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.lib.admin import NoWrites, ReadOnlyAdmin

from .models import Form, FormIndicator, Indicator, Section, Submission, ValidationRule


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("code", "name", "value_type", "aggregation", "source", "is_active")
    list_filter = ("source", "value_type", "aggregation", "is_active")
    search_fields = ("code", "name", "name_en")


class SectionInline(NoWrites, admin.StackedInline):
    model = Section
    extra = 0


class RuleInline(NoWrites, admin.TabularInline):
    model = ValidationRule
    extra = 0


@admin.register(Form)
class FormAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("name", "code", "periodicity", "deadline_days", "is_active")
    inlines = [SectionInline, RuleInline]
    filter_horizontal = ("kinds",)


class ItemInline(NoWrites, admin.TabularInline):
    model = FormIndicator
    extra = 0
    autocomplete_fields = ("indicator",)


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("form", "order", "title", "kind")
    inlines = [ItemInline]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("form", "organization", "period", "status", "submitted_at")
    list_filter = ("status", "form", "period")
    raw_id_fields = ("organization",)
