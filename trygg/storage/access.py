"""Sharing rules: which partners may read the report details of an organisation × category.

An organisation's reports are always readable (subject to sensitive clearance) by the
organisation itself, by an organisation the report was routed to, and by the user who wrote it.
Everyone else depends on the report's **audience**:

- ``partners``: every partner role that reads details (coordinators, police analysts,
  Kontaktcenter, administrators, viewers and signatories of other organisations);
- ``coordination``: only coordinators, police analysts, Kontaktcenter and administrators;
- ``none``: nobody outside the organisation (and the organisation it was routed to).

Without a rule for the category, the organisation's ``shares_details`` flag decides:
``partners`` when true, ``coordination`` when false. The aggregated lägesbild (counts) is not
affected by sharing rules. ``SharingScope`` is the SQL twin used for lists, maps and exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from trygg.domain.lru import Lru
from trygg.errors import ValidationError
from trygg.storage import versions
from trygg.storage.categories import taxonomy
from trygg.storage.reports import DetailScope
from trygg.storage.schema import Organisation, Report, SharingRule
from trygg.storage.schema.jobs import DataVersion

AUDIENCES = ("partners", "coordination", "none")
_CACHE_KEY = "trygg_sharing_table"
_CHANGED_KEY = "trygg_sharing_changed"  # this session changed the table: read it from the database


@dataclass(frozen=True)
class SharingTable:
    """Every organisation's default audience and the per-category exceptions."""

    defaults: dict[int, str] = field(default_factory=dict)
    rules: dict[tuple[int, str], str] = field(default_factory=dict)

    def audience(self, organisation_id: int, category: str) -> str:
        rule = self.rules.get((organisation_id, category))
        if rule is not None:
            return rule
        return self.defaults.get(organisation_id, "coordination")


def default_audience(org: Organisation) -> str:
    return "partners" if org.shares_details else "coordination"


#: Sharing tables of this process, by database and the data versions of rules and organisations.
_TABLES: Lru[SharingTable] = Lru(16)


def _version(name: str) -> Any:
    return select(DataVersion.version).where(DataVersion.name == name).scalar_subquery()


#: What the table is cached by, in one statement: the data versions of sharing rules and organisations
#: (bumped by every ORM write), and their row counts (writes that bypass the ORM). Built once.
_TABLE_VERSION = versions.Probe(_version(versions.SHARING), _version(versions.ORGANISATIONS),
                                select(func.count(SharingRule.id)).scalar_subquery(),
                                select(func.count(Organisation.id)).scalar_subquery())


def _table_version(session: Session) -> tuple[Any, ...]:
    return (versions.database_key(session), *_TABLE_VERSION.read(session))


def _read_table(session: Session) -> SharingTable:
    defaults = {int(i): ("partners" if shares else "coordination")
                for i, shares in session.execute(select(Organisation.id, Organisation.shares_details))}
    rules = {(int(o), str(c)): str(a) for o, c, a in session.execute(
        select(SharingRule.organisation_id, SharingRule.category, SharingRule.audience))}
    return SharingTable(defaults, rules)


def sharing_table(session: Session) -> SharingTable:
    """The sharing table, read once per database session (cleared when a rule changes), from the
    process's cache while no rule or organisation has changed."""
    cached = session.info.get(_CACHE_KEY)
    if isinstance(cached, SharingTable):
        return cached
    if session.new or session.dirty or session.deleted or session.info.get(_CHANGED_KEY):
        table = _read_table(session)  # this session's own uncommitted changes are part of it
    else:
        table = _TABLES.get_or_compute(_table_version(session), lambda: _read_table(session))
    session.info[_CACHE_KEY] = table
    return table


def list_rules(session: Session) -> list[SharingRule]:
    return list(session.scalars(select(SharingRule).order_by(SharingRule.organisation_id, SharingRule.category)))


def set_rule(session: Session, organisation_id: int, category: str, audience: str | None) -> None:
    """Set the audience of an organisation × category; None (or the default) removes the rule."""
    problems: dict[str, str] = {}
    tax = taxonomy(session)
    if category not in tax:
        problems["category"] = f"one of {', '.join(tax.codes)}"
    if audience is not None and audience not in AUDIENCES:
        problems["audience"] = f"one of {', '.join(AUDIENCES)}"
    org = session.get(Organisation, organisation_id)
    if org is None:
        problems["organisation"] = "no such organisation"
    if problems:
        raise ValidationError("The sharing rule was not saved.", fields=problems)
    assert org is not None
    row = session.scalar(select(SharingRule).where(SharingRule.organisation_id == organisation_id,
                                                   SharingRule.category == category))
    if audience is None or audience == default_audience(org):
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(SharingRule(organisation_id=organisation_id, category=category, audience=audience))
    else:
        row.audience = audience
    session.flush()
    session.info.pop(_CACHE_KEY, None)
    session.info[_CHANGED_KEY] = True


def set_default(session: Session, organisation_id: int, shares_details: bool) -> None:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise ValidationError("No such organisation.", fields={"organisation": "no such organisation"})
    org.shares_details = shares_details
    session.flush()
    session.info.pop(_CACHE_KEY, None)
    session.info[_CHANGED_KEY] = True


@dataclass(frozen=True)
class SharingScope(DetailScope):
    """`DetailScope` with sharing rules: the SQL condition for reports whose details a user may read.

    ``default_orgs``: other organisations whose default audience lets the user read;
    ``allow``/``deny``: (organisation, category) exceptions to that default;
    ``unowned``: reports without an organisation (imports, residents) are readable.
    """

    default_orgs: tuple[int, ...] = ()
    allow: tuple[tuple[int, str], ...] = ()
    deny: tuple[tuple[int, str], ...] = ()
    unowned: bool = False

    def condition(self) -> Any:
        def pairs(items: tuple[tuple[int, str], ...]) -> Any:
            return or_(false(), *[and_(Report.organisation_id == o, Report.category == c) for o, c in items])

        others = or_(and_(Report.organisation_id.in_(self.default_orgs), ~pairs(self.deny)) if self.default_orgs
                     else false(), pairs(self.allow))
        org_ok = or_(Report.organisation_id == self.organisation_id,
                     Report.routed_to_id == self.organisation_id,
                     others,
                     Report.organisation_id.is_(None) if self.unowned else false())
        if not self.sensitive:
            org_ok = and_(org_ok, Report.category.not_in(self.sensitive_categories))
        own = Report.reporter_id == self.own_reporter_id if self.own_reporter_id else false()
        return or_(org_ok, own)


def scope_for(table: SharingTable, *, organisation_id: int, user_id: int, sensitive: bool,
              sensitive_categories: tuple[str, ...], allowed_audiences: frozenset[str],
              unowned: bool) -> SharingScope:
    """Build the SQL scope of one user from the sharing table."""
    default_orgs = tuple(sorted(o for o, a in table.defaults.items()
                                if a in allowed_audiences and o != organisation_id))
    default_set = set(default_orgs)
    allow = tuple(sorted((o, c) for (o, c), a in table.rules.items()
                         if o != organisation_id and a in allowed_audiences and o not in default_set))
    deny = tuple(sorted((o, c) for (o, c), a in table.rules.items()
                        if o != organisation_id and a not in allowed_audiences and o in default_set))
    everything = unowned and not deny and default_set >= set(table.defaults) - {organisation_id}
    return SharingScope(all_organisations=everything, organisation_id=organisation_id, sensitive=sensitive,
                        sensitive_categories=sensitive_categories, shared_organisation_ids=default_orgs,
                        own_reporter_id=user_id, default_orgs=default_orgs, allow=allow, deny=deny,
                        unowned=unowned)


# --------------------------------------------------------------------------- public statistics

PUBLIC_EXCLUDED_STATUSES = ("rejected", "duplicate")
# Points known only as the municipality's centre (police open events) say nothing about an area.
PUBLIC_EXCLUDED_PRECISIONS = ("municipality_centroid",)
