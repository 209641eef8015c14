"""Short, plausible Swedish report texts from templates: what, where, when, never who.

The templates hold no personal data by design (no names, no personal identity numbers, no
descriptions of individuals), like the reports a trained EST reporter writes.
"""

from __future__ import annotations

import numpy as np

GENERIC_PLACES: tuple[str, ...] = (
    "busshållplatsen", "gång- och cykelvägen", "återvinningsstationen", "lekplatsen", "parkeringen",
    "skolgården", "gångtunneln", "innergården", "entrén till flerbostadshuset", "tvättstugan",
    "cykelparkeringen", "grönområdet bakom husen", "pizzerian", "närlivsbutiken", "idrottsplatsen",
)

TEMPLATES: dict[str, tuple[str, ...]] = {
    "disorder": (
        "Grupp på {n} personer som skrek och bråkade {where} {when}.",
        "Berusade personer {where} {when}, förbipasserande valde att gå en annan väg.",
        "Hög musik och stök {where} {when}. Flaskor kastades mot marken.",
        "Störande grupp {where} {when}, boende hörde av sig till fastighetsskötaren.",
        "Ungdomar samlades {where} {when} och uppträdde hotfullt mot förbipasserande.",
    ),
    "violence": (
        "Slagsmål mellan flera personer {where} {when}.",
        "Bråk som övergick i knuffar och slag {where} {when}.",
        "Hot uttalades mot förbipasserande {where} {when}.",
        "En person blev slagen {where} {when}, ambulans kom till platsen.",
    ),
    "sexual_harassment": (
        "Kvinna blev ofredad {where} {when}, uppgift från personal på plats.",
        "Ofredande mot unga tjejer {where} {when}.",
        "Sexuella tillrop och förföljelse {where} {when}.",
    ),
    "youth": (
        "Yngre ungdomar ute sent {where} {when}, verkade påverkade.",
        "Unga i riskmiljö {where} {when}, äldre personer fanns runt omkring.",
        "Grupp yngre tonåringar {where} {when}, fältarbetarna tog kontakt.",
    ),
    "vandalism": (
        "Nytt klotter {where}, upptäckt {when}.",
        "Krossad ruta {where} {when}.",
        "Sönderslagen belysningsstolpe {where}.",
        "Taggar på väggar och el-skåp {where} {when}.",
        "Förstörd parkbänk och papperskorg {where} {when}.",
    ),
    "arson": (
        "Brand i container {where} {when}.",
        "Eld i papperskorg {where} {when}, släckt av räddningstjänsten.",
        "Bilbrand {where} {when}.",
        "Anlagd brand i soprum {where} {when}.",
    ),
    "narcotics": (
        "Misstänkt narkotikaförsäljning {where} {when}.",
        "Stark lukt av cannabis {where} {when}.",
        "Sprutor och kanyler hittade {where}.",
        "Bilar som stannar kort {where} {when}, misstänkt langning.",
    ),
    "alcohol_minors": (
        "Minderåriga med alkohol {where} {when}.",
        "Uppgifter om langning av alkohol till ungdomar {where} {when}.",
        "Ungdomar köpte snus och cigaretter {where}, misstänkt försäljning till minderåriga.",
    ),
    "littering": (
        "Mycket skräp {where} {when}.",
        "Nedskräpning och glassplitter {where}.",
        "Överfulla papperskorgar och skräp {where} {when}.",
        "Dumpade grovsopor {where}.",
    ),
    "unsafe_place": (
        "Trasig belysning {where}, mörkt och otryggt {when}.",
        "Igenvuxna buskar {where} skymmer sikten.",
        "Mörk passage {where}, flera säger att de undviker platsen {when}.",
        "Släckta lampor {where} sedan flera dagar.",
    ),
    "traffic": (
        "Bilträff med buskörning och hög musik {where} {when}.",
        "Mopeder som kör på gång- och cykelvägen {where} {when}.",
        "Fortkörning och burnouts {where} {when}.",
        "Crossmotorcyklar i grönområdet {where} {when}.",
    ),
    "staff_threat": (
        "Personal hotades {where} {when}.",
        "Hot mot personal i samband med tillsägelse {where} {when}.",
        "Personal blev utsatt för kränkande tillrop {where} {when}.",
    ),
    "burglary": (
        "Inbrott i förråd {where}, upptäckt {when}.",
        "Uppbrutna cyklar {where} {when}.",
        "Inbrott i bil {where} {when}.",
        "Försök till inbrott i lokal {where}, brytmärken på dörren.",
        "Stöld från byggarbetsplats {where} {when}.",
    ),
    "event": (
        "Planerat arrangemang {where} {when}, många besökare väntas.",
        "Föreningsaktivitet {where} {when}, extra närvaro önskas.",
    ),
}


def when_phrase(hour: int) -> str:
    if hour < 5:
        return "sent på natten"
    if hour < 10:
        return "på morgonen"
    if hour < 14:
        return "under förmiddagen"
    if hour < 18:
        return "på eftermiddagen"
    if hour < 22:
        return "under kvällen"
    return "sent på kvällen"


def describe_many(categories: np.ndarray, places: list[str | None], hours: np.ndarray,
                  rng: np.random.Generator) -> list[str]:
    """One description per event; `places` holds the hot spot's name or None (a generic place)."""
    n = len(categories)
    pick = rng.random(n)
    generic = rng.integers(0, len(GENERIC_PLACES), n)
    people = rng.integers(3, 16, n)
    out: list[str] = []
    for i in range(n):
        options = TEMPLATES[str(categories[i])]
        template = options[int(pick[i] * len(options))]
        place = places[i]
        where = f"vid {place}" if place else f"vid {GENERIC_PLACES[int(generic[i])]}"
        out.append(template.format(where=where, when=when_phrase(int(hours[i])), n=int(people[i])))
    return out


FEEDBACK: dict[str, tuple[str, ...]] = {
    "vandalism": ("Klottret sanerat.", "Skadan är åtgärdad.", "Felanmält till fastighetsägaren."),
    "littering": ("Platsen städad.", "Extra tömning av papperskorgar inlagd."),
    "unsafe_place": ("Belysningen lagad.", "Buskagen röjda.", "Lagt in i underhållsplanen."),
    "disorder": ("Extra väktarrond fredag och lördag.", "Nattvandrare prioriterar platsen."),
    "traffic": ("Polisen gör riktade kontroller.", "Tas upp med trafikenheten."),
    "arson": ("Containern flyttad.", "Räddningstjänsten informerad."),
}


def feedback_many(categories: np.ndarray, resolved: np.ndarray, rng: np.random.Generator) -> list[str]:
    """A short note back to the reporter for about half the resolved reports of some categories."""
    pick = rng.random(len(categories))
    give = rng.random(len(categories)) < 0.5
    out: list[str] = []
    for i, c in enumerate(categories):
        options = FEEDBACK.get(str(c))
        if options and resolved[i] and give[i]:
            out.append(options[int(pick[i] * len(options))])
        else:
            out.append("")
    return out
