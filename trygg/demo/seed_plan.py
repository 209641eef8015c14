"""The 2022 action plan as in the seed, its citizen promise, signatures, EST groups and past EST meetings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from trygg.demo.scenario import DEMO_END, DEMO_START, EFFECT_MEASURE
from trygg.domain.enums import ActionStatus, ActivityKind, PlanStatus
from trygg.storage.categories import taxonomy
from trygg.storage.schema import (
    ActionPlan,
    Activity,
    Area,
    CitizenPromise,
    EstGroup,
    EstMeeting,
    FocusArea,
    Indicator,
    IndicatorValue,
    Organisation,
    PromiseCommitment,
    ShortTermAction,
    SignatoryRole,
    Signature,
    User,
)

PLAN_YEAR = 2022

FOCUS_AREAS: tuple[tuple[int, str, str, list[int] | None, list[str]], ...] = (
    (1, "Våldsförebyggande arbete, särskilt sexualbrott och unga",
     "Våld i offentlig miljö och sexuella ofredanden drabbar särskilt unga, oftast kvälls- och nattetid "
     "i centrum och vid Resecentrum.", None, ["violence", "sexual_harassment", "youth"]),
    (2, "Systematisk föräldrautbildning (förebyggande)",
     "Föräldrar är den viktigaste skyddsfaktorn; föräldrastödet når i dag för få och för sent.",
     None, ["youth", "alcohol_minors"]),
    (3, "I socioekonomiskt starka områden: motverka tidig debut av tobak och narkotika",
     "Tidig debut av tobak och narkotika syns även i områden med goda förutsättningar, där problemen "
     "ofta är dolda.", [4, 5], ["narcotics", "alcohol_minors"]),
    (4, "I socioekonomiskt utmanade områden: motverka ordningsstörningar och skadegörelse",
     "Ordningsstörningar, skadegörelse och anlagda bränder samlas kring Kronogårds torg, Lextorps och "
     "Sylte centrum, särskilt fredags- och lördagskvällar.", [1, 2], ["disorder", "vandalism", "arson"]),
)

SIGNATORY_ROLES: tuple[tuple[str, str, str], ...] = (  # (title, organisation key, signing username)
    ("Lokalpolisområdeschef (LPO-chef)", "polisen", "lpo-chef"),
    ("Kommunstyrelsens ordförande (KSO)", "kommunledning", "kso"),
    ("Stadsdirektör", "kommunledning", "stadsdirektor"),
)

EST_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("EST Norr/Centrum", "Centrum, Resecentrum, Överby och de norra stadsdelarna.",
     ("1488R001", "1488R004", "1488R005", "1488R006", "1488R010", "1488R014", "1488R015")),
    ("EST Kronogården–Lextorp–Sylte", "Det utsatta området: Kronogården, Lextorp och Sylte.",
     ("1488R007", "1488R008", "1488R012", "1488R013")),
    ("EST Söder och landsbygd", "Halvorstorp, Strömslund, Dannebacken och landsbygden med Sjuntorp.",
     ("1488R002", "1488R003", "1488R009", "1488R011", "1488R016")),
)

# Short-term actions an EST meeting typically agrees: (title, owner org key, category, RegSO code).
ACTION_IDEAS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "EST Norr/Centrum": (
        ("Extra väktarrond vid Resecentrum fredag och lördag natt", "vakt", "disorder", "1488R015"),
        ("Polisen gör riktade kontroller vid bilträffar på Överby", "polisen", "traffic", "1488R010"),
        ("Tömning av papperskorgar vid Drottningtorget efter helgen", "gatapark", "littering", "1488R015"),
        ("Laga belysningen vid gångvägen i Hjulkvarnelund", "gatapark", "unsafe_place", "1488R004"),
    ),
    "EST Kronogården–Lextorp–Sylte": (
        ("Sanera klotter vid Kronogårds torg inom 24 timmar", "eidar", "vandalism", "1488R007"),
        ("Nattvandring vid Lextorps centrum fredag kväll", "nattvandrarna", "disorder", "1488R008"),
        ("Flytta containrar från fasaden vid Sylte centrum", "eidar", "arson", "1488R012"),
        ("Fältarbetare på plats vid ungdomsgården i Kronogården", "fritid", "youth", "1488R007"),
    ),
    "EST Söder och landsbygd": (
        ("Röj buskage längs gång- och cykelvägen i Strömslund", "gatapark", "unsafe_place", "1488R011"),
        ("Information om grannsamverkan i Sjuntorp", "polisen", "burglary", "1488R009"),
        ("Trygghetsvandring i Halvorstorp", "trygghetsvandrarna", "unsafe_place", "1488R003"),
    ),
}


# The youth programmes of the seed text. They work on individual young people under secrecy and stay
# outside the shared picture: the plan follows them up with aggregate, non-identifying figures only
# (counts per term for the whole municipality, shares), never a name or a case. Each is
# (title, description, owner org keys, focus areas, responsible, indicators), an indicator being
# (name, baseline, target, unit, [(end of term, value)]).
YOUTH_NOTE = ("Arbetet med enskilda unga sker under sekretess i programmet och stannar utanför Trygg och "
              "den gemensamma lägesbilden; planen följer bara upp antal och andelar för hela kommunen per "
              "termin – aldrig namn eller uppgifter om enskilda.")
TERMS_2022 = (date(2022, 6, 30), date(2022, 12, 31))  # vårtermin, hösttermin
YOUTH_PROGRAMMES: tuple[tuple[str, str, list[str], list[int], str,
                              list[tuple[str, float, float, str, tuple[float, float]]]], ...] = (
    ("SIG – sociala insatsgrupper",
     "Socialtjänsten samordnar insatser med skola, fritid och polis för unga som riskerar att dras in i "
     "kriminalitet.", ["polisen", "utbildning", "fritid"], [1, 4], "Socialtjänsten (samordnare SIG)",
     [("Unga med en social insatsgrupp under terminen", 9.0, 14.0, "unga/termin", (11.0, 13.0)),
      ("Andel avslutade insatser som fullföljts", 60.0, 70.0, "%", (63.0, 71.0))]),
    ("TUTI – tidig upptäckt, tidig insats",
     "Skola, elevhälsa, fritid och socialtjänst upptäcker tidigt barn och unga som far illa eller "
     "riskerar en tidig debut och sätter in stöd tillsammans med vårdnadshavarna.",
     ["utbildning", "fritid", "trygghet"], [1, 3], "Elevhälsan och socialtjänsten",
     [("Skolor som arbetar enligt TUTI", 6.0, 12.0, "skolor", (9.0, 12.0)),
      ("Barn och unga som fått en tidig insats under terminen", 40.0, 60.0, "barn/termin", (47.0, 58.0))]),
    ("URO – unga i eller på väg in i kriminalitet",
     "Polis, socialtjänst och skola samordnar åtgärder kring unga som misstänks för brott, så att "
     "insatsen kommer snabbt efter brottet.", ["polisen", "trygghet", "fritid"], [1, 4],
     "Kommunpolis och socialtjänsten",
     [("Unga som fått en samordnad insats via URO under terminen", 12.0, 18.0, "unga/termin", (14.0, 17.0)),
      ("Andel av ärendena med insats inom två veckor efter brottet", 50.0, 75.0, "%", (58.0, 68.0))]),
)


@dataclass(frozen=True)
class PlanRefs:
    plan_id: int
    promise_id: int
    est_group_ids: dict[str, int]


def _day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 9, 0, tzinfo=UTC)


def seed_plan(session: Session, orgs: dict[str, Organisation], users: dict[str, User],
              areas: dict[str, Area], count: Callable[..., float],
              survey_mean: Callable[[str, int, list[int] | None], float], end: date = DEMO_END) -> PlanRefs:
    """Write the 2022 plan, its promise and signatures.

    `count(category, year=…, area_code=…, area_types=…, before=…)` counts simulated reports per
    year; `survey_mean(indicator, year, area_types)` gives the answer-weighted survey mean.
    """
    plan = ActionPlan(
        year=PLAN_YEAR, version=1, status=PlanStatus.ACTIVE,
        title="Åtgärdsplan 2022 – samverkan för ökad trygghet i Trollhättan",
        summary="Gemensam åtgärdsplan för Trollhättans Stad och lokalpolisområde Trollhättan, byggd på "
                "den gemensamma lägesbilden och kompletterad av medborgarlöftet.",
        created_at=_day(date(2021, 12, 1)), updated_at=_day(date(2022, 2, 15)),
    )
    session.add(plan)
    focus = {}
    for number, title, problem, types, cats in FOCUS_AREAS:
        fa = FocusArea(number=number, title=title, problem=problem, target_area_types=types, categories=cats)
        plan.focus_areas.append(fa)
        focus[number] = fa

    def activity(title: str, description: str, kind: ActivityKind, owners: list[str], fas: list[int],
                 start: date, end: date | None, status: str, responsible: str,
                 area: str | None = None) -> Activity:
        act = Activity(title=title, description=description, kind=kind, period_start=start, period_end=end,
                       status=status, responsible_role=responsible,
                       area_id=areas[area].id if area else None)
        act.owners = [orgs[o] for o in owners]
        act.focus_areas = [focus[n] for n in fas]
        plan.activities.append(act)
        return act

    y0, y1 = date(2022, 1, 1), date(2022, 12, 31)
    est = activity("Arbeta enligt EST-metoden", "Kunskapsbaserad kartläggning, analys och åtgärder "
                   "tillsammans: veckovis rapportering, EST-möten och återkoppling till rapportörerna.",
                   ActivityKind.SITUATIONAL, ["trygghet", "polisen", "eidar"], [1, 4], y0, y1, "done",
                   "Trygghetssamordnare och kommunpolis")
    disorder_2022 = count("disorder", year=2022, area_types=[1, 2])
    est.indicators.append(Indicator(name="Rapporter om ordningsstörning i områden typ 1–2",
                                    source_kind="report_category", category="disorder", area_types=[1, 2],
                                    baseline=disorder_2022, target=round(disorder_2022 * 0.85),
                                    unit="rapporter/år"))
    unsafe_12 = survey_mean("unsafe_outdoors_evening", 2022, [1, 2])
    est.indicators.append(Indicator(name="Otrygga utomhus sent på kvällen, områden typ 1–2",
                                    source_kind="survey", survey_indicator="unsafe_outdoors_evening",
                                    area_types=[1, 2], baseline=unsafe_12, target=round(unsafe_12 - 5, 1),
                                    unit="%"))
    manual = [
        ("Utbilda trygghetsvandrare", "Utbildning av nya trygghetsvandrare (volontärer som nattvandrar).",
         ActivityKind.TRAINING, ["trygghet", "trygghetsvandrarna"], [1, 4], "Trygghetssamordnare",
         ("Antal utbildade trygghetsvandrare", 24.0, 40.0, "personer",
          [(date(2022, 6, 30), 31.0), (date(2022, 12, 31), 42.0)])),
        ("Grannsamverkan", "Starta och stödja grannsamverkansområden tillsammans med polisen.",
         ActivityKind.SOCIAL, ["polisen", "trygghet"], [4], "Kommunpolis",
         ("Antal grannsamverkansområden", 38.0, 45.0, "områden", [(date(2022, 12, 31), 44.0)])),
        ("Två informationsmöten om ANDTS", "Öppna informationsmöten för allmänheten om alkohol, narkotika, "
         "doping, tobak och spel.", ActivityKind.INFORMATION, ["trygghet", "polisen"], [2, 3],
         "ANDTS-samordnare", ("Antal genomförda informationsmöten", 0.0, 2.0, "möten",
                              [(date(2022, 4, 20), 1.0), (date(2022, 10, 12), 2.0)])),
        ("Antidopingarbete i certifierade gym", "100 % Ren Hårdträning (PRODIS): certifiering av gym, "
         "utbildning av personal.", ActivityKind.INFORMATION, ["trygghet", "polisen"], [3],
         "ANDTS-samordnare", ("Antal certifierade gym", 2.0, 4.0, "gym", [(date(2022, 12, 31), 3.0)])),
        ("Krogtillsyn", "Samordnad tillsyn av serveringsställen: narkotika, överservering, ansvarsfull "
         "alkoholservering, Krogar mot knark.", ActivityKind.INSPECTION, ["polisen", "trygghet"], [1, 3],
         "Alkoholhandläggare och polisen", ("Antal samordnade krogtillsyner", 6.0, 10.0, "tillsyner",
                                            [(date(2022, 12, 31), 11.0)])),
        ("Föräldrautbildning", "Systematisk, förebyggande föräldrautbildning i skolor och på fritidsgårdar.",
         ActivityKind.SOCIAL, ["utbildning", "fritid"], [2], "Utbildningsförvaltningen",
         ("Antal föräldrar som gått föräldrautbildning", 110.0, 200.0, "föräldrar",
          [(date(2022, 12, 31), 164.0)])),
    ]
    manual_values: list[tuple[Indicator, list[tuple[date, float]]]] = []
    for title, desc, kind, owners, fas, resp, (iname, base, target, unit, values) in manual:
        act = activity(title, desc, kind, owners, fas, y0, y1, "done", resp)
        ind = Indicator(name=iname, source_kind="manual", baseline=base, target=target, unit=unit)
        act.indicators.append(ind)
        manual_values.append((ind, values))
    m = EFFECT_MEASURE
    light = activity(m.name, m.description, ActivityKind.SITUATIONAL, ["gatapark", "trygghet"], [1, 4],
                     m.start, None, "ongoing", "Gata/park", area=m.regso_code)
    tax = taxonomy(session)
    for cat in m.categories:
        years_before = (m.start - DEMO_START).days / 365.25
        before = round(count(cat, area_code=m.regso_code, before=m.start) / years_before, 1)
        light.indicators.append(Indicator(name=f"{tax.label(cat, 'sv')} i Hjulkvarn", source_kind="report_category",
                                          category=cat, area_id=areas[m.regso_code].id, baseline=before,
                                          target=round(before * 0.7), unit="rapporter/år"))
    for title, desc, owners, fas, resp, indicators in YOUTH_PROGRAMMES:
        act = activity(title, f"{desc} {YOUTH_NOTE}", ActivityKind.SOCIAL, owners, fas, y0, y1, "done", resp)
        for iname, base, target, unit, per_term in indicators:
            ind = Indicator(name=iname, source_kind="manual", baseline=base, target=target, unit=unit)
            act.indicators.append(ind)
            manual_values.append((ind, list(zip(TERMS_2022, per_term, strict=True))))
    session.flush()
    session.add_all(IndicatorValue(indicator_id=ind.id, on_date=d, value=v, note="")
                    for ind, values in manual_values for d, v in values)

    roles = []
    for order, (title, org, _) in enumerate(SIGNATORY_ROLES, start=1):
        role = SignatoryRole(title=title, organisation_id=orgs[org].id, order=order)
        session.add(role)
        roles.append(role)
    session.flush()
    for i, (role, (_, _, username)) in enumerate(zip(roles, SIGNATORY_ROLES, strict=True)):
        session.add(Signature(plan_id=plan.id, signatory_role_id=role.id, user_id=users[username].id,
                              signed_at=_day(date(2022, 2, 14)) + timedelta(days=i, hours=i)))

    promise = _seed_promise(session, plan, count, survey_mean)
    groups = _seed_est(session, orgs, users, areas, count, end)
    return PlanRefs(plan_id=plan.id, promise_id=promise.id, est_group_ids=groups)


def _seed_promise(session: Session, plan: ActionPlan, count: Callable[..., float],
                  survey_mean: Callable[[str, int, list[int] | None], float]) -> CitizenPromise:
    promise = CitizenPromise(
        year=PLAN_YEAR, title="Medborgarlöfte 2022 – Trollhättan", status=PlanStatus.ACTIVE, plan_id=plan.id,
        text="Polisen och Trollhättans Stad lovar att tillsammans arbeta för att fler ska känna sig trygga "
             "utomhus på kvällen, särskilt i Kronogården, Lextorp och Sylte och i centrum.")
    unsafe = survey_mean("unsafe_outdoors_evening", 2022, [1, 2])
    drunk = survey_mean("problem_intoxicated_outdoors", 2022, None)
    places = count("unsafe_place", year=2022)
    items = [
        ("police", "Polisen ökar den synliga närvaron i Kronogården, Lextorp och Sylte fredags- och "
                   "lördagskvällar.",
         Indicator(name="Otrygga utomhus sent på kvällen, områden typ 1–2", source_kind="survey",
                   survey_indicator="unsafe_outdoors_evening", area_types=[1, 2], baseline=unsafe,
                   target=round(unsafe - 5, 1), unit="%")),
        ("municipality", "Kommunen åtgärdar rapporterade otrygga platser – belysning, buskage och klotter – "
                         "inom fyra veckor.",
         Indicator(name="Rapporter om otrygga platser", source_kind="report_category", category="unsafe_place",
                   baseline=places, target=round(places * 0.8), unit="rapporter/år")),
        ("both", "Polis och kommun minskar tillsammans ordningsstörningarna vid Resecentrum och "
                 "Drottningtorget.",
         Indicator(name="Problem med berusade personer utomhus", source_kind="survey",
                   survey_indicator="problem_intoxicated_outdoors", baseline=drunk, target=1.2,
                   unit="index 0–6")),
    ]
    for party, text, indicator in items:
        commitment = PromiseCommitment(party=party, text=text)
        commitment.indicators.append(indicator)
        promise.commitments.append(commitment)
    session.add(promise)
    session.flush()
    return promise


def _seed_est(session: Session, orgs: dict[str, Organisation], users: dict[str, User],
              areas: dict[str, Area], count: Callable[..., float], end: date) -> dict[str, int]:
    ids: dict[str, int] = {}
    last_tuesday = end - timedelta(days=(end.weekday() - 1) % 7)
    for name, description, codes in EST_GROUPS:
        # Meets every second Tuesday at nine; members: the coordinator's and the police's
        # organisations and every organisation that owns one of the group's actions.
        group = EstGroup(name=name, description=description, meeting_weekday=1, meeting_time="09:00")
        keys = ["trygghet", "polisen", *dict.fromkeys(org for _, org, _, _ in ACTION_IDEAS[name])]
        group.members = [orgs[k] for k in dict.fromkeys(keys)]
        session.add(group)
        session.flush()
        ids[name] = group.id
        for code in codes:
            areas[code].est_group_id = group.id
        ideas = ACTION_IDEAS[name]
        for k in range(6):  # a meeting every second Tuesday, newest last
            held = last_tuesday - timedelta(weeks=2 * (5 - k))
            reports = int(count(None, area_codes=codes, since=held - timedelta(days=14), before=held))
            meeting = EstMeeting(est_group_id=group.id, held_on=held, created_by=users["samordnare"].id,
                                 created_at=_day(held) + timedelta(hours=3),
                                 notes=f"Genomgång av {reports} rapporter från de senaste två veckorna. "
                                       "Hot spots och åtgärder för kommande period prioriterades.")
            session.add(meeting)
            session.flush()
            for j in range(2):
                title, org, cat, code = ideas[(2 * k + j) % len(ideas)]
                due = held + timedelta(days=14)
                recent = k >= 4
                status = ActionStatus.OPEN if recent else ActionStatus.DONE
                if not recent and (k + j) % 7 == 3:
                    status = ActionStatus.CANCELLED
                outcome = {ActionStatus.DONE: "Genomfört och återkopplat till rapportörerna.",
                           ActionStatus.CANCELLED: "Avbrutet: ersatt av en större åtgärd."}.get(status, "")
                session.add(ShortTermAction(meeting_id=meeting.id, title=title, owner_organisation_id=orgs[org].id,
                                            area_id=areas[code].id, category=cat, due=due, status=status,
                                            outcome=outcome))
    session.flush()
    return ids
