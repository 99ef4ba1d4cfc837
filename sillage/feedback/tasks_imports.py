"""Background work of response imports: checking and committing a job, by id."""

from django_tasks import task


@task()
def run_import(*, job_id: int) -> None:
    """Do what the job's status asks (check, then commit when asked); safe to run twice."""
    from sillage.feedback.importing.services import import_run

    import_run(job_id=job_id)
