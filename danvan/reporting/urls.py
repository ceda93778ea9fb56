from django.urls import path

from . import views, views_figures

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
]
