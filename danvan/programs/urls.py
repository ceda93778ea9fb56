from django.urls import path, re_path

from . import views

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/template.xlsx", views.import_template, name="program_import_template"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/parties/", views.program_parties_edit, name="program_parties"),
    path("programs/<int:pk>/contents/", views.contents_add, name="program_contents_add"),
    path("programs/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("programs/<int:pk>/tasks.xlsx", views.tasks_xlsx, name="program_tasks_xlsx"),
    path("programs/<int:pk>/import/", views.program_import, name="program_import"),
    path("programs/<int:pk>/reviews/new/", views.review_open, name="review_open"),
    re_path(
        r"^programs/(?P<pk>[0-9]+)/(?P<action>sign|reopen|end|renew)/$",
        views.program_transition,
        name="program_transition",
    ),
    path("contents/<int:pk>/", views.content_edit, name="content_edit"),
    path("contents/<int:pk>/move/", views.content_move, name="content_move"),
    path("contents/<int:pk>/restore/", views.content_restore, name="content_restore"),
    path("programs/parties/<int:pk>/restore/", views.party_restore, name="party_restore"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("programs/<int:pk>/signed/", views.signed_file, name="program_signed_file"),
    path("task-updates/<int:pk>/attachment/", views.update_attachment, name="update_attachment"),
    path("reviews/<int:pk>/", views.review_edit, name="review_edit"),
    path("reviews/<int:pk>/docx/", views.review_docx, name="review_docx"),
    path("my-work/", views.my_work, name="my_work"),
]
