from django.urls import path

from . import views, views_notifications, views_search

urlpatterns = [
    path("", views.home, name="home"),
    path("home/scope/", views.home_scope, name="home_scope"),
    path("agenda/", views.agenda_page, name="agenda"),
    path("search/", views_search.search_page, name="search"),
    path("notifications/", views_notifications.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/read/",
        views_notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        views_notifications.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/settings/",
        views_notifications.notification_settings,
        name="notification_settings",
    ),
]
