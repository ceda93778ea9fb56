from django.urls import path

from . import views, views_pick

urlpatterns = [
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/pick/", views_pick.document_pick, name="document_pick"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/status/", views.document_replace, name="document_replace"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("documents/<int:pk>/summaries/new/", views.summary_open, name="summary_open"),
    path("summaries/<int:pk>/", views.summary_edit, name="summary_edit"),
    path("summaries/<int:pk>/docx/", views.summary_docx, name="summary_docx"),
]
