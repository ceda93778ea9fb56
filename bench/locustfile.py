"""The load scenario of bench/load.py (issue 17): who does what against `danvan serve`.

Four kinds of simulated people, by weight:
- CommuneReporter (6): signs in as a commune unit's reporter (one of the accounts the driver
  prepared, one per commune unit with a report still to fill), opens the report list and the
  unit's report for the half-year, saves figures through the web form as a reporter does (the
  POST, then the page it redirects to), and now and then reads and saves the report through
  the API with a personal token;
- Specialist (1): tinh of the provincial commission, reads the pivot, the completeness board
  and a roll-up through the API;
- Leader (1): lanhdao, opens the reports waiting for review, one of them, and approves it —
  each approval takes a distinct submitted report from the pool the driver prepared, so every
  approval is a real one (checked: the page after it offers to reopen the report);
- Public (4): the showcase (list, a search, a practice) and a petition's tracking page.

Each signs in once (on_start, named "sign-in", measured apart: hashing is slow on purpose), and
nobody makes a measured request until every person has signed in (the citizens wait too), so the
sign-ins' CPU does not fall inside the measured requests.
Requests are named by page. The run stops when LOAD_REQUESTS requests (sign-in excluded) have
been made; every request is recorded (time, name, ms, ok) to LOAD_OUT as JSON at the end.
Settings come from the JSON file LOAD_CONFIG written by the driver (bench/load.py).
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import gevent
import gevent.event
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

CONFIG: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_CONFIG"]).read_text()) if os.environ.get("LOAD_CONFIG") else {}
)
LIMIT = int(os.environ.get("LOAD_REQUESTS", "1000"))
OUT = os.environ.get("LOAD_OUT", "")
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "0.5,1.5").split(","))
SIGN_IN = "sign-in"
PASSWORD = CONFIG.get("password", "")

RECORDS: list[tuple[float, str, str, float, bool, str]] = []
STATE: dict[str, Any] = {
    "counted": 0, "stopping": False, "spawned_at": None, "users": 0, "signed_in": 0,
}  # fmt: skip
READY = gevent.event.Event()  # set once every person has signed in: the measured part begins
APPROVALS: list[int] = list(CONFIG.get("approvals", []))
random.shuffle(APPROVALS)
REPORTERS: list[dict[str, Any]] = list(CONFIG.get("reporters", []))
_next_reporter = [0]


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    exception: Any = None,
    **_: Any,
) -> None:
    error = "" if exception is None else str(exception)[:200]
    RECORDS.append((time.time(), request_type, name, response_time, exception is None, error))
    if name.startswith(SIGN_IN) or request_type == "CHECK":
        return
    STATE["counted"] += 1
    runner = _ENV[0].runner if _ENV else None
    if STATE["counted"] >= LIMIT and not STATE["stopping"] and runner is not None:
        STATE["stopping"] = True
        gevent.spawn(runner.quit)


_ENV: list[Environment] = []


@events.init.add_listener
def _init(environment: Environment, **_: Any) -> None:
    _ENV.append(environment)


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_: Any) -> None:
    STATE["users"] = user_count
    gevent.spawn(_open_when_signed_in)


def _open_when_signed_in() -> None:
    """Every user is spawned; once those who sign in have (the citizens do not), all begin."""
    runner = _ENV[0].runner if _ENV else None
    citizens = runner.user_classes_count.get("Public", 0) if runner is not None else 0
    while STATE["signed_in"] < STATE["users"] - citizens:
        gevent.sleep(0.05)
    STATE["spawned_at"] = time.time()
    READY.set()


@events.quitting.add_listener
def _write(environment: Environment, **_: Any) -> None:
    if OUT:
        Path(OUT).write_text(
            json.dumps(
                {
                    "records": RECORDS,
                    "spawned_at": STATE["spawned_at"],
                    "users": STATE["users"],
                    "approvals_left": len(APPROVALS),
                }
            )
        )


class Person(FastHttpUser):
    abstract = True
    wait_time = between(*WAIT)
    email = ""

    def csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return str(cookie.value)
        return ""

    def sign_in(self, email: str) -> None:
        """Sign in, then wait until everyone has (a failed sign-in counts as done)."""
        try:
            self.client.get("/accounts/login/", name=f"{SIGN_IN} (page)")
            self.post_form("/accounts/login/", SIGN_IN, {"username": email, "password": PASSWORD})
        finally:
            STATE["signed_in"] += 1
        READY.wait()

    def page(self, url: str, name: str, *, must: str = "") -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(f"{response.status_code}" + _locked(text))
            elif must and must not in text:
                response.failure(f"{name}: {must!r} not in the page")
            return text

    def api(self, method: str, url: str, name: str, token: str, **kwargs: Any) -> None:
        """A token-authenticated API call; anything but 200 is a failure, with its answer."""
        with self.client.request(
            method,
            url,
            headers={"Authorization": f"Bearer {token}"},
            name=name,
            catch_response=True,
            **kwargs,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {(response.text or '')[:150]}")

    def post_form(self, url: str, name: str, data: dict[str, str]) -> bool:
        with self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": f"{self.host}{url}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}" + _locked(response.text or ""))
                return False
        return True


def _locked(text: str) -> str:
    return " database is locked" if "database is locked" in text else ""


class CommuneReporter(Person):
    weight = 6

    def on_start(self) -> None:
        me = REPORTERS[_next_reporter[0] % len(REPORTERS)]
        _next_reporter[0] += 1
        self.me = me
        self.sign_in(me["email"])

    def figures(self) -> dict[str, str]:
        return {code: str(random.randint(lo, hi)) for code, (lo, hi) in CONFIG["values"].items()}

    @task(3)
    def fill_in(self) -> None:
        pk = self.me["submission"]
        self.page("/reports/", "reports: list")
        self.page(f"/reports/{pk}/", "report: fill in", must="report-form")
        values = {f"v_{code}": raw for code, raw in self.figures().items()}
        if self.post_form(
            f"/reports/{pk}/save/", "report: save (POST)", {**values, "action": "save"}
        ):
            text = self.page(f"/reports/{pk}/", "report: fill in")
            if "alert-success" not in text or "report-errors" in text:
                events.request.fire(
                    request_type="CHECK", name="report: saved", response_time=0,
                    response_length=0, exception=Exception("the save was refused"),
                )  # fmt: skip

    @task(1)
    def through_the_api(self) -> None:
        pk, token = self.me["submission"], self.me["token"]
        self.api("GET", f"/api/v1/submissions/{pk}", "api: GET submission", token)
        self.api(
            "PATCH",
            f"/api/v1/submissions/{pk}",
            "api: PATCH submission values",
            token,
            json={"values": self.figures()},
        )


class Specialist(Person):
    weight = 1

    def on_start(self) -> None:
        self.sign_in(CONFIG["specialist"])

    @task(2)
    def pivot(self) -> None:
        self.page("/reports/pivot/", "reports: pivot")

    @task(2)
    def completeness(self) -> None:
        self.page("/reports/completeness/", "reports: completeness board")

    @task(1)
    def rollup(self) -> None:
        self.api("GET", CONFIG["rollup_url"], "api: GET rollup", CONFIG["specialist_token"])


class Leader(Person):
    weight = 1

    def on_start(self) -> None:
        self.sign_in(CONFIG["leader"])

    @task
    def approve(self) -> None:
        self.page("/reports/", "reports: list")
        if not APPROVALS:
            self.page("/reports/completeness/", "reports: completeness board")
            return
        pk = APPROVALS.pop()
        self.page(f"/reports/{pk}/", "report: review", must="approve-report")
        if self.post_form(f"/reports/{pk}/approve/", "report: approve (POST)", {}):
            self.page(f"/reports/{pk}/", "report: review", must=f"/reports/{pk}/reopen/")


class Public(FastHttpUser):
    weight = 4
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        READY.wait()  # the officers are signing in

    @task(2)
    def showcase(self) -> None:
        self.client.get("/thuc-tien/", name="public: showcase")

    @task(1)
    def search(self) -> None:
        query = random.choice(CONFIG["searches"])
        self.client.get(f"/thuc-tien/?q={quote(query)}", name="public: showcase search")

    @task(2)
    def practice(self) -> None:
        pk = random.choice(CONFIG["practices"])
        self.client.get(f"/thuc-tien/{pk}/", name="public: practice")

    @task(3)
    def track(self) -> None:
        code = random.choice(CONFIG["petitions"])
        self.client.get(f"/kien-nghi/tra-cuu/{code}/", name="public: petition tracking")
