"""The job kinds a worker runs: importing these modules registers their handlers (`trygg.jobs`).

`trygg worker` and the worker loop of `trygg serve` import this module. A feature with background
work registers its kind with `@job_handler("name")` in its own module and adds that module here.
"""

from __future__ import annotations

from trygg.ingest import feeds as _feeds  # noqa: F401  kind "feeds.poll" (scheduled feed polls)
from trygg.ingest import jobs as _imports  # kind "import"
from trygg.web.i18n import gettext_for
from trygg.web.lagesbild import pdf as _lagesbild_pdf  # noqa: F401  kind "lagesbild.pdf"

_imports.set_translator(gettext_for)
