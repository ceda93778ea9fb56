from django.urls import path

from . import views

urlpatterns = [
    path("oversight/", views.oversight_list, name="oversight_list"),
    path("oversight/new/", views.oversight_create, name="oversight_create"),
    path("oversight/export.xlsx", views.oversights_xlsx, name="oversights_xlsx"),
    path("oversight/plans/", views.plan_list, name="plan_list"),
    path("oversight/plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("oversight/plan-items/<int:pk>/delete/", views.plan_item_delete, name="plan_item_delete"),
    path(
        "oversight/plan-items/<int:pk>/restore/", views.plan_item_restore, name="plan_item_restore"
    ),
    path("oversight/<int:pk>/", views.oversight_detail, name="oversight_detail"),
    path("oversight/<int:pk>/edit/", views.oversight_edit, name="oversight_edit"),
    path("oversight/<int:pk>/conclude/", views.oversight_conclude, name="oversight_conclude"),
    path("oversight/<int:pk>/conclusion/", views.conclusion_file, name="conclusion_file"),
    path(
        "oversight/<int:pk>/recommendations/",
        views.recommendation_add,
        name="recommendation_add",
    ),
    path("recommendations/", views.recommendation_board, name="recommendation_board"),
    path("recommendations/export.xlsx", views.recommendations_xlsx, name="recommendations_xlsx"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path(
        "recommendations/<int:pk>/respond/",
        views.recommendation_respond,
        name="recommendation_respond",
    ),
]
