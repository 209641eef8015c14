"""The lägesbild's texts shared by its pages, its PDF and its API."""

from __future__ import annotations

from trygg.domain.categories import Taxonomy
from trygg.lagesbild.model import Lagesbild
from trygg.lagesbild.summary import render_summary
from trygg.web import i18n


def summary_texts(lb: Lagesbild, lang: str, tax: Taxonomy) -> list[str]:
    return render_summary(lb.summary, i18n.gettext_for(lang),
                          lambda v, d: i18n.format_number(v, lang, d),
                          lambda v: i18n.format_percent(v, lang),
                          lambda c: tax.label(c, lang))
