from django.urls import path

from . import views, views_figures, views_forms, views_print

urlpatterns = [
    path("reports/", views.report_home, name="report_home"),
    path("reports/start/", views.submission_start, name="submission_start"),
    path("reports/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("reports/<int:pk>/save/", views.submission_save, name="submission_save"),
    path("reports/<int:pk>/approve/", views.submission_approve, name="submission_approve"),
    path("reports/<int:pk>/return/", views.submission_return, name="submission_return"),
    path("reports/<int:pk>/reopen/", views.submission_reopen, name="submission_reopen"),
    path("reports/completeness/", views.completeness, name="report_completeness"),
    path("reports/completeness/remind/", views.remind_late, name="report_remind"),
    path("reports/pivot/", views_figures.pivot, name="report_pivot"),
    path("reports/consolidated/", views_figures.consolidated, name="report_consolidated"),
    path("reports/consolidated/export/", views_figures.export_start, name="export_start"),
    path("reports/exports/<int:pk>/", views_figures.export_detail, name="export_detail"),
    path(
        "reports/exports/<int:pk>/download/", views_figures.export_download, name="export_download"
    ),
    path("reports/indicators/", views.indicator_list, name="indicator_list"),
    path("reports/indicators/new/", views.indicator_create, name="indicator_create"),
    path("reports/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("reports/forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("reports/forms/", views_forms.form_list, name="form_list"),
    path("reports/forms/new/", views_forms.form_create, name="form_create"),
    path("reports/forms/<int:pk>/edit/", views_forms.form_edit, name="form_edit"),
    path("reports/forms/<int:pk>/preview/", views_forms.form_preview, name="form_preview"),
    path("reports/forms/<int:pk>/sections/new/", views_forms.section_create, name="section_create"),
    path("reports/forms/<int:pk>/rules/new/", views_forms.rule_create, name="rule_create"),
    path("reports/sections/<int:pk>/", views_forms.section_edit, name="section_edit"),
    path("reports/sections/<int:pk>/move/", views_forms.section_move, name="section_move"),
    path("reports/sections/<int:pk>/remove/", views_forms.section_remove, name="section_remove"),
    path("reports/form-items/<int:pk>/required/", views_forms.item_required, name="item_required"),
    path("reports/form-items/<int:pk>/move/", views_forms.item_move, name="item_move"),
    path("reports/form-items/<int:pk>/remove/", views_forms.item_remove, name="item_remove"),
    path("reports/rules/<int:pk>/edit/", views_forms.rule_edit, name="rule_edit"),
    path("reports/<int:pk>/print/", views_print.submission_print, name="submission_print"),
    path("reports/<int:pk>/docx/", views_print.submission_docx, name="submission_docx"),
    path(
        "reports/consolidated/narrative/", views_print.narrative_save, name="report_narrative_save"
    ),
]
