"""API for interim reviews and end-of-term summaries of programmes, and their DOCX."""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.lib.api import Pages, Patch, binary
from danvan.lib.api import request_user as _actor

from . import exports, reviews, selectors

router = Router()

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReviewOut(Schema):
    id: int
    program_id: int
    kind: str
    period: str
    number: str
    place: str
    issued_on: datetime.date
    facts: dict[str, Any] = Field(..., description="The figures compiled when it was opened")
    achievements: str
    limitations: str
    lessons: str
    directions: str
    created_at: datetime.datetime


class ReviewIn(Schema):
    kind: str = Field(..., description="interim or final (the end-of-term summary)")
    period: str = Field(..., description="A year such as 2024, or the term for the summary")
    place: str = Field("", description="Where it is issued; the lead agency's area if empty")


class ReviewPatch(Patch):
    number: str | None = None
    place: str | None = None
    achievements: str | None = None
    limitations: str | None = None
    lessons: str | None = None
    directions: str | None = None


@router.get("/programs/{program_id}/reviews", response=list[ReviewOut], tags=["reviews"])
@paginate(Pages)
def list_reviews(request: HttpRequest, program_id: int) -> Any:
    """A programme's reviews and summary, newest first."""
    program = selectors.get_program_for_user(_actor(request), program_id)
    return selectors.program_reviews(program)


@router.post("/programs/{program_id}/reviews", response={201: ReviewOut}, tags=["reviews"])
def open_review(request: HttpRequest, program_id: int, payload: ReviewIn) -> Any:
    """Compile a period's figures into a draft interim review or end-of-term summary."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    review = reviews.review_open(actor=user, program=program, **payload.dict())
    return Status(201, review)


@router.get("/reviews/{review_id}", response=ReviewOut, tags=["reviews"])
def get_review(request: HttpRequest, review_id: int) -> Any:
    """One review with its compiled figures and sections."""
    return selectors.get_review_for_user(_actor(request), review_id)


@router.patch("/reviews/{review_id}", response=ReviewOut, tags=["reviews"])
def update_review(request: HttpRequest, review_id: int, payload: ReviewPatch) -> Any:
    """Edit a review's number, place and sections."""
    user = _actor(request)
    review = selectors.get_review_for_user(user, review_id)
    return reviews.review_update(actor=user, review=review, **payload.dict(exclude_unset=True))


@router.get(
    "/reviews/{review_id}/docx",
    tags=["reviews"],
    openapi_extra=binary(DOCX, "The review in the official layout"),
)
def review_docx(request: HttpRequest, review_id: int) -> HttpResponse:
    """The review as a Word document in the official layout (as the page downloads it)."""
    review = selectors.get_review_for_user(_actor(request), review_id)
    response = HttpResponse(exports.review_docx(review), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="review-{review.pk}.docx"'
    return response
