from django.urls import path, re_path

from . import views

urlpatterns = [
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/new/", views.practice_create, name="practice_create"),
    path("practices/statistics/", views.statistics, name="practice_statistics"),
    path("practices/export.xlsx", views.practices_export, name="practices_export"),
    path("practices/template.xlsx", views.registration_template, name="practices_template"),
    path("practices/import/", views.practices_import, name="practices_import"),
    path("practices/not-adopted/", views.not_adopted, name="practices_not_adopted"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    re_path(
        r"^practices/(?P<pk>[0-9]+)/(?P<action>appraise|decide|replicate|result|photo)/$",
        views.practice_action,
        name="practice_action",
    ),
    path("practices/photos/<int:pk>/", views.photo, name="practice_photo"),
    # The public showcase: no login.
    path("thuc-tien/", views.showcase, name="showcase"),
    path("thuc-tien/feed.atom", views.ShowcaseFeed(), name="showcase_feed"),
    path("thuc-tien/<int:pk>/", views.showcase_detail, name="showcase_detail"),
    path(
        "thuc-tien/<int:pk>/in/",
        views.showcase_detail,
        {"printable": True},
        name="showcase_print",
    ),
]
