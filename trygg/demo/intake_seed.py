"""The demo's intake settings: routing rules (area × category → organisation) and one Open311 client.

Written through `trygg.storage.intake`. The rules follow the demo's documented routing of residents'
reports (`organisations.ROUTING`): littering, unsafe places and vandalism go to Gata/park — except
vandalism in the districts where Eidar owns most homes (`organisations.EIDAR_REGSO`), which goes to
Eidar; violence, narcotics, burglary, traffic and sexual harassment go to the police; arson to the
rescue service; disorder, alcohol and minors and events to Trygghet och säkerhet; anything else to
the Kontaktcenter, which passes it on by hand. Partners' own categories: young people at risk →
Fritid (field workers), threats against staff → Utbildning (the employer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from trygg.demo.fieldwork_data import local_time
from trygg.demo.organisations import EIDAR_REGSO, ROUTING
from trygg.storage import intake as intake_store
from trygg.storage.schema import Area, Organisation

DEMO_OPEN311_CLIENT = "Felanmälan-appen (demo)"
DEMO_OPEN311_KEY = "o311_demo-felanmalan"  # documented in docs/demo.md, like the demo passwords
RULES_SINCE = date(2022, 1, 10)
# Categories only partners report (not in ROUTING, which covers residents' categories).
PARTNER_ROUTING: tuple[tuple[str, str, str], ...] = (
    ("youth", "fritid", "Fältarbetarna tar unga i riskmiljö"),
    ("staff_threat", "utbildning", "Hot mot personal: arbetsgivaren, som polisanmäler"),
    ("shootings", "polisen", "Skjutningar: polisen"),
    ("explosions", "polisen", "Explosioner: polisen"),
    ("weapons", "polisen", "Vapen och kniv: polisen"),
    ("dangerous_objects", "polisen", "Farliga föremål: polisen"),
)


@dataclass(frozen=True)
class IntakeSummary:
    routing_rules: int
    open311_clients: int


def routing_plan() -> list[tuple[str | None, str | None, str, str]]:
    """(RegSO code or None, category or None, organisation key, note) for every rule, general first."""
    rules: list[tuple[str | None, str | None, str, str]] = [
        (None, category, key, "Kommunens fördelning av invånarnas rapporter") for category, key in ROUTING.items()]
    rules += [(None, category, key, note) for category, key, note in PARTNER_ROUTING]
    rules += [(code, "vandalism", "eidar", "Eidar äger de flesta husen i området och sanerar själv")
              for code in EIDAR_REGSO]
    rules.append((None, None, "kontaktcenter", "Allt annat: Kontaktcenter fördelar vidare"))
    return rules


def seed_intake(session: Session, orgs: dict[str, Organisation], areas: dict[str, Area]) -> IntakeSummary:
    """Write the routing rules and the demo's Open311 client (key `DEMO_OPEN311_KEY`)."""
    rules = routing_plan()
    for code, category, key, note in rules:
        rule = intake_store.add_rule(session, orgs[key].id, areas[code].id if code else None, category, note)
        rule.created_at = local_time(RULES_SINCE, 9)
    intake_store.create_open311_client(session, DEMO_OPEN311_CLIENT, key=DEMO_OPEN311_KEY)
    for client in intake_store.list_open311_clients(session):
        client.created_at = local_time(date(2024, 9, 2), 9)
    session.flush()
    return IntakeSummary(routing_rules=len(rules), open311_clients=1)
