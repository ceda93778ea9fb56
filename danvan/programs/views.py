"""Pages for programmes, contents, tasks, progress, reviews and My work. Thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.documents.selectors import document_choices
from danvan.documents.views import review_document_page
from danvan.lib import periods
from danvan.lib.forms import ImportForm
from danvan.lib.history import history_for
from danvan.lib.undo import offer_undo
from danvan.lib.web import (
    add_service_errors,
    attachment,
    current_user,
    paginate,
    query_without_page,
    xlsx_response,
)
from danvan.org.models import Organization
from danvan.org.selectors import organizations_user_may_edit

from . import exports, reviews, selectors, services, services_tasks
from .forms import (
    ContentForm,
    ContentsForm,
    PartyForm,
    ProgramForm,
    ProgressForm,
    RenewForm,
    ReopenForm,
    ReviewForm,
    ReviewOpenForm,
    SignForm,
    TaskEditForm,
    TaskForm,
)
from .models import ProgramContent, ProgramKind, ProgramStatus, TaskStatus


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    programs = selectors.programs_for_user(
        user,
        q=q,
        kind=kind if kind in ProgramKind.values else "",
        status=status if status in ProgramStatus.values else "",
        overdue_on=today if overdue else None,
    )
    page = paginate(request, programs)
    return render(
        request,
        "programs/program_list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "status": status,
            "overdue": overdue,
            "kinds": ProgramKind.choices,
            "statuses": ProgramStatus.choices,
            "query": query_without_page(request),
            "can_create": selectors.may_create_program(user),
        },
    )


@login_required
def program_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_create_program(user):
        raise PermissionDenied
    leads = organizations_user_may_edit(user)
    parties = selectors.organization_choices(user)
    form = ProgramForm(
        request.POST or None, leads=leads, parties=parties, documents=document_choices(user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["contents"] = data["contents"].splitlines()
        data["parties"] = list(data["parties"])
        data["documents"] = list(data["documents"])
        try:
            program = services.program_create(actor=user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Programme drafted."))
            return redirect("program_detail", pk=program.pk)
    return render(request, "programs/program_form.html", {"form": form, "program": None})


@login_required
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    program = selectors.get_program_for_user(user, pk)
    today = timezone.localdate()
    progress = selectors.program_progress(program, today)
    parties = list(selectors.program_parties(program))
    for party in parties:
        party.progress = progress["by_party"].get(party.organization_id)  # type: ignore[attr-defined]
    contents = selectors.program_contents_with_tasks(program)
    for content in contents:
        content.progress = progress["by_content"].get(content.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "parties": parties,
            "documents": program.documents.order_by("-issued_on", "number"),
            "contents": contents,
            "progress": progress["total"],
            "timeline": selectors.timeline(program, today),
            "timeline_labels": {
                "done_on_time": _("done on time"),
                "done_late": _("done late"),
                "overdue": _("overdue"),
                "open": _("open"),
                "cancelled": _("cancelled"),
            },
            "updates": selectors.program_updates(program),
            "reviews": selectors.program_reviews(program),
            "history": history_for(program),
            "structure_history": selectors.program_structure_history(program),
            "today": today,
            "can_edit": selectors.may_edit_program(user, program),
            "can_sign": selectors.may_sign_program(user, program),
            "can_reopen": selectors.may_reopen_program(user, program),
            "can_end": selectors.may_end_program(user, program),
            "can_renew": selectors.may_renew_program(user, program),
            "sign_form": SignForm(initial={"signed_on": program.signed_on or today}),
            "contents_form": ContentsForm(),
            "review_form": ReviewOpenForm(initial={"period": str(today.year)}),
            "renew_form": RenewForm(initial={"term": _next_term(program)}),
        },
    )


def _next_term(program: Any) -> str:
    """The term after the programme's (as long as it), offered when it is renewed."""
    if program.term and periods.is_valid(program.term):
        return periods.parse(program.term).next().code
    return ""


@login_required
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    program = selectors.get_program_for_user(user, pk)
    if not selectors.may_edit_program(user, program):
        raise PermissionDenied
    fields = ["kind", "title", "code", "term", "starts_on", "ends_on"]
    form = ProgramForm(
        request.POST or None,
        leads=Organization.objects.none(),
        parties=Organization.objects.none(),
        documents=document_choices(user),
        editing=True,
        initial={**{f: getattr(program, f) for f in fields}, "documents": program.documents.all()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["documents"] = list(data["documents"])
        try:
            services.program_update(actor=user, program=program, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("program_detail", pk=program.pk)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


@login_required
def program_parties_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Who signed for each party; while a draft, parties can be added and removed."""
    user = current_user(request)
    program = selectors.get_program_for_user(user, pk)
    if not selectors.may_edit_program(user, program):
        raise PermissionDenied
    parties = list(selectors.program_parties(program))
    candidates = selectors.organization_choices(user, exclude=[p.organization_id for p in parties])
    form = PartyForm(
        request.POST or None, parties=parties, candidates=candidates, lead=program.lead
    )
    if request.method == "POST" and form.is_valid():
        kept = [
            (p.organization, form.cleaned_data[f"party_{p.pk}"])
            for p in parties
            if not form.cleaned_data.get(f"remove_{p.pk}")
        ]
        added = [(org, "") for org in form.cleaned_data["add"]]
        try:
            services.program_set_parties(actor=user, program=program, parties=kept + added)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Parties saved."))
            staying = {org.pk for org, _title in kept + added}
            for party in parties:
                if party.organization_id not in staying:
                    offer_undo(
                        request,
                        _("%(org)s is no longer a party.") % {"org": party.organization.name},
                        reverse("party_restore", args=[party.pk]),
                    )
            return redirect("program_detail", pk=program.pk)
    return render(request, "programs/parties_form.html", {"form": form, "program": program})


@login_required
@require_POST
def program_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Sign (in force), reopen, end or renew a programme."""
    user = current_user(request)
    program = selectors.get_program_for_user(user, pk)
    try:
        if action == "sign":
            form: Any = SignForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("Give the signing date."))
            services.program_sign(actor=user, program=program, **form.cleaned_data)
            messages.success(request, _("The programme is in force."))
        elif action == "reopen":
            form = ReopenForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say why the programme is reopened."))
            services.program_reopen(actor=user, program=program, **form.cleaned_data)
            messages.success(request, _("The programme is a draft again."))
        elif action == "end":
            if request.POST.get("confirm") != "1":
                raise ValidationError(_("Tick the box to confirm that the term is over."))
            services.program_end(actor=user, program=program)
            messages.success(request, _("The programme has ended."))
        elif action == "renew":
            form = RenewForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the next term, such as 2026-2031."))
            new = services.program_renew(actor=user, program=program, **form.cleaned_data)
            messages.success(request, _("The next term's draft was started."))
            return redirect("program_detail", pk=new.pk)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("program_detail", pk=program.pk)


@login_required
@require_POST
def contents_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    program = selectors.get_program_for_user(user, pk)
    form = ContentsForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Enter at least one content, one per line."))
        services.contents_add(
            actor=user, program=program, titles=form.cleaned_data["titles"].splitlines()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Contents added."))
    return redirect("program_detail", pk=program.pk)


def _content_for_user(request: HttpRequest, pk: int) -> ProgramContent:
    return selectors.get_content_for_user(current_user(request), pk)


@login_required
@require_POST
def content_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    content = _content_for_user(request, pk)
    try:
        services.content_move(actor=user, content=content, up=request.POST.get("up") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("program_detail", args=[content.program_id]) + "#contents-title")


@login_required
def content_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    content = _content_for_user(request, pk)
    form = ContentForm(
        request.POST or None, initial={"title": content.title, "description": content.description}
    )
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                services.content_delete(actor=user, content=content)
                offer_undo(
                    request,
                    _("Content «%(title)s» removed; the others were renumbered.")
                    % {"title": content.title},
                    reverse("content_restore", args=[content.pk]),
                )
                return redirect("program_detail", pk=content.program_id)
            if form.is_valid():
                services.content_update(actor=user, content=content, **form.cleaned_data)
                messages.success(request, _("Content saved."))
                return redirect("program_detail", pk=content.program_id)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "programs/content_form.html", {"form": form, "content": content})


@login_required
@require_POST
def content_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """The undo of a removal: the content goes back to its number."""
    user = current_user(request)
    content = selectors.get_content_for_user(user, pk, removed_too=True)
    try:
        services.content_restore(actor=user, content=content)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Content «%(title)s» is back.") % {"title": content.title})
    return redirect(reverse("program_detail", args=[content.program_id]) + "#contents-title")


@login_required
@require_POST
def party_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """The undo of a party's removal from a draft."""
    user = current_user(request)
    party = selectors.get_removed_party_for_user(user, pk)
    try:
        services.party_restore(actor=user, party=party)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(org)s is a party again.") % {"org": party.organization.name})
    return redirect("program_detail", pk=party.program_id)


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    program = selectors.get_program_for_user(user, pk)
    if not selectors.may_edit_program(user, program):
        raise PermissionDenied
    form = TaskForm(
        request.POST or None,
        initial={"content": request.GET.get("content")},
        contents=selectors.program_contents(program),
        parties=selectors.party_organizations(program),
        supporting=selectors.organization_choices(user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            tasks = services_tasks.task_create(
                actor=user, **{**data, "supporting": list(data["supporting"])}
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(count)d task(s) planned.") % {"count": len(tasks)})
            return redirect("program_detail", pk=program.pk)
    return render(request, "programs/task_form.html", {"form": form, "program": program})


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = selectors.get_task_for_user(user, pk)
    today = timezone.localdate()
    can_report = selectors.may_report_progress(user, task)
    form = ProgressForm(
        request.POST or None,
        request.FILES or None,
        initial={"percent": task.percent, "reported_on": today},
        task_done=task.status == TaskStatus.DONE,
    )
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied
        if form.is_valid():
            try:
                services_tasks.task_report_progress(actor=user, task=task, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Progress recorded."))
                return redirect("task_detail", pk=task.pk)
    return render(
        request,
        "programs/task_detail.html",
        {
            "task": task,
            "program": task.content.program,
            "updates": selectors.task_updates(task),
            "history": history_for(task),
            "form": form,
            "can_report": can_report and task.status != "cancelled",
            "can_edit": selectors.may_edit_task(user, task),
            "timeliness": task.timeliness(today),
        },
    )


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = selectors.get_task_for_user(user, pk)
    if not selectors.may_edit_task(user, task):
        raise PermissionDenied
    form = TaskEditForm(
        request.POST or None,
        initial={
            "title": task.title,
            "description": task.description,
            "due_on": task.due_on,
            "status": task.status,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_tasks.task_update(actor=user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Task saved."))
            return redirect("task_detail", pk=task.pk)
    return render(request, "programs/task_edit.html", {"form": form, "task": task})


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    page = paginate(request, selectors.my_work(user, today))
    return render(
        request,
        "programs/my_work.html",
        {"page": page, "today": today, "query": query_without_page(request)},
    )


# --- Reviews -------------------------------------------------------------------------------


@login_required
@require_POST
def review_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    program = selectors.get_program_for_user(user, pk)
    form = ReviewOpenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the kind and the period."))
        review = reviews.review_open(actor=user, program=program, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("program_detail", pk=program.pk)
    messages.success(request, _("The review draft is ready; edit it and download it."))
    return redirect("review_edit", pk=review.pk)


@login_required
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    review = selectors.get_review_for_user(user, pk)
    return review_document_page(
        request,
        review,
        form_class=ReviewForm,
        may_edit=selectors.may_edit_review(user, review),
        update=lambda **sections: reviews.review_update(actor=user, review=review, **sections),
        saved=_("Review saved."),
        template="programs/review_edit.html",
        context={"review": review, "period_label": periods.parse(review.period).label()},
    )


@login_required
def review_docx(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(current_user(request), pk)
    response = HttpResponse(
        exports.review_docx(review),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="review-{review.pk}.docx"'
    return response


# --- Files --------------------------------------------------------------------------------


@login_required
def signed_file(request: HttpRequest, pk: int) -> FileResponse:
    """The signed document, to those who may see the programme (media is never public)."""
    program = selectors.get_program_for_user(current_user(request), pk)
    return attachment(program.signed_file)


@login_required
def update_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return attachment(selectors.get_update_for_user(current_user(request), pk).attachment)


# --- Excel ---------------------------------------------------------------------------------


@login_required
def tasks_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.get_program_for_user(current_user(request), pk)
    return xlsx_response(
        exports.tasks_xlsx(program, timezone.localdate()), f"tasks-{program.pk}.xlsx"
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(exports.import_template(), "danvan-programme-template.xlsx")


@login_required
def program_import(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    program = selectors.get_program_for_user(user, pk)
    if not selectors.may_edit_program(user, program):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = exports.import_contents_and_tasks(
                actor=user, program=program, data=form.cleaned_data["file"].read()
            )
        except exports.ImportRefused as exc:
            errors = exc.errors
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(count)d rows imported.") % {"count": count})
            return redirect("program_detail", pk=program.pk)
    return render(
        request,
        "programs/import.html",
        {"form": form, "program": program, "errors": errors},
    )
