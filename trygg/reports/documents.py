"""One document pipeline for every PDF/HTML document (lägesbild, action plan, follow-up, safety walk):
one texts object (`DocTexts`), one Jinja environment (`env`), one way to embed a chart (`img`) and
to print (`to_pdf`).

The caller supplies the texts and formatters (gettext and Babel formatters for one language; the
web layer builds them with `trygg.web.i18n.document_texts`), so ``reports`` needs nothing of
``trygg.web`` and serves the web, the API and the command line alike.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
#: The Jinja environment of every document: templates in ``reports/templates``, HTML escaped
#: (also for templates given as a string, like the walk report's).
env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                  autoescape=select_autoescape(["html"], default_for_string=True))


@dataclass(frozen=True)
class DocTexts:
    """The language-dependent texts and formatters of a document.

    The first seven are what every document needs; the rest only some (the lägesbild's day names,
    filter description and summary; the plan's labels).
    """

    lang: str
    gettext: Callable[..., str]
    number: Callable[[Any, int], str]
    percent: Callable[[Any, int], str]
    date: Callable[[Any, str], str]
    datetime: Callable[[Any], str]
    category_name: Callable[[str], str]
    day_names: tuple[str, ...] = ()
    municipality: str = ""
    filters: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()
    labels: dict[str, Any] = field(default_factory=dict)


def img(png: bytes) -> str:
    """A PNG as a data URI for an ``<img src>``.

    >>> img(b"x")
    'data:image/png;base64,eA=='
    """
    return "data:image/png;base64," + base64.b64encode(png).decode()


def to_pdf(html: str) -> bytes:
    """The PDF of a document's HTML (WeasyPrint; relative links resolve in ``reports/templates``)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
