"""Analyse comments as responses arrive: feedback's hooks call these after commit.

With a worker (TASKS_BACKEND=database) every new comment is queued in chunks. Without one
the task runs inline, in the request or command that recorded the responses: then only the
newest `TEXTAI_INLINE_LIMIT` comments of a large batch (an import, the demo) are analysed at
once and the tick job `textai.tick.analyse_backlog` fills in the rest, so nothing waits for
a slow engine.
"""

from __future__ import annotations

from django.conf import settings

CHUNK = 500


def inline_limit() -> int:
    return int(getattr(settings, "TEXTAI_INLINE_LIMIT", 200))


def runs_inline() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


def dispatch(response_ids: list[int]) -> None:
    from sillage.textai.tasks import analyse_comments

    ids = sorted(set(response_ids))
    if runs_inline() and len(ids) > inline_limit():
        ids = ids[-inline_limit() :]
    for start in range(0, len(ids), CHUNK):
        analyse_comments.enqueue(response_ids=ids[start : start + CHUNK])


def on_responses_recorded(response_ids: list[int]) -> None:
    dispatch(list(response_ids))


def on_import_committed(import_job_id: int) -> None:
    from sillage.textai.tasks import analyse_import

    analyse_import.enqueue(import_job_id=import_job_id)
