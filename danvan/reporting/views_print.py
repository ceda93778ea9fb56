"""Reports on paper from the pages: a unit's report printed (the official layout in the browser)
or downloaded as the official DOCX, and the consolidated report's text kept before its files
are built. Thin views over report.py and services_narrative."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.lib.web import current_user

from . import official, report, selectors, services_narrative
from .views import form_from, org_from, period_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def submission_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's report in the official layout, ready for the browser's «Print»."""
    submission = selectors.get_submission_for_user(current_user(request), pk)
    paper = report.submission_paper(submission)
    return render(
        request,
        "reporting/submission_print.html",
        {**official.context(paper), "submission": submission},
    )


@login_required
def submission_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's report as the official Word document."""
    submission = selectors.get_submission_for_user(current_user(request), pk)
    data = official.to_docx(report.submission_paper(submission))
    response = HttpResponse(data, content_type=DOCX)
    filename = f"{submission.form.code}-{submission.organization_id}-{submission.period}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def narrative_save(request: HttpRequest) -> HttpResponse:
    """Keep the consolidated report's edited text; `reset=<part>` goes back to the units'."""
    user = current_user(request)
    form = form_from(request)
    organization = org_from(request, user)
    period, _error = period_of(request.POST.get("period"), form, timezone.localdate())
    if form is None or period is None:
        raise Http404
    consolidated = report.consolidate(form, organization, period)
    reset = request.POST.get("reset", "")
    texts: dict[str, str] = {}
    for part in consolidated.narratives:
        key = str(part.section_id)
        if reset:
            if reset == key:
                texts[key] = ""
            continue
        posted = request.POST.get(f"t_{key}")
        if posted is None:
            continue
        if part.kept is not None or posted.strip() != part.draft.strip():
            texts[key] = posted
    query = f"?form={form.pk}&org={organization.pk}&period={period.code}#narrative"
    if not texts:
        messages.info(request, _("Nothing changed."))
        return redirect(reverse("report_consolidated") + query)
    try:
        services_narrative.narrative_save(
            actor=user,
            form=form,
            organization=organization,
            period=period.code,
            texts=texts,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The report's text goes back to the units' texts.")
            if reset
            else _("The text is kept: the Word and PDF files will use it."),
        )
    return redirect(reverse("report_consolidated") + query)
