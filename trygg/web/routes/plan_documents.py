"""The plan and follow-up documents: moved to `trygg.web.plans.documents` (the API serves them too, and the
API never imports a page module); these names stay for the command line and older imports."""

from __future__ import annotations

from trygg.web.plans.documents import doc_texts, followup_document, plan_document

__all__ = ["doc_texts", "followup_document", "plan_document"]
