"""Durable background jobs: a registry of named handlers and the worker that runs them.

    >>> from trygg.jobs import JobContext, job_handler
    >>> @job_handler("example.hello", max_attempts=3)
    ... def hello(ctx: JobContext) -> dict[str, str]:
    ...     ctx.progress(0.5, "greeting")
    ...     return {"said": f"hello {ctx.payload['name']}"}

`trygg.jobs.enqueue(session, "example.hello", {"name": "Eva"})` adds a row to the jobs table in the
caller's transaction; `trygg worker` (and the worker loop of `trygg serve`) runs it. See
docs/jobs.md.
"""

from trygg.jobs.registry import JobContext, JobKind, enqueue, get_kind, job_handler, kind_names, register

__all__ = ["JobContext", "JobKind", "enqueue", "get_kind", "job_handler", "kind_names", "register"]
