"""The category taxonomy: what a report is about, in Swedish and English.

Each category names the police event types that map to it (the police open events API
``type`` field) and the focus areas of the 2022 plan that it serves. Sensitive categories
(sexual offences, youth) show their details only to roles cleared for them and are
published with a higher suppression threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from trygg.domain.enums import Sensitivity


@dataclass(frozen=True)
class Category:
    code: str
    name_sv: str
    name_en: str
    sensitivity: Sensitivity = Sensitivity.NORMAL
    police_types: tuple[str, ...] = ()
    focus_areas: tuple[int, ...] = ()
    public: bool = True  # may residents pick it in the Kontaktcenter form

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_sv


CATEGORIES: tuple[Category, ...] = (
    Category("violence", "Våld/hot i offentlig miljö", "Violence or threats in public",
             police_types=("Misshandel", "Misshandel, grov", "Misshandel grov", "Olaga hot", "Rån",
                           "Rån väpnat", "Rån, försök", "Rån övrigt", "Mord/dråp", "Mord/dråp, försök",
                           "Våld/hot mot tjänsteman", "Sabotage mot blåljusverksamhet"),
             focus_areas=(1,)),
    Category("sexual_harassment", "Sexuellt ofredande", "Sexual harassment", Sensitivity.SENSITIVE,
             police_types=("Ofredande/förargelse", "Våldtäkt", "Våldtäkt, försök", "Sedlighetsbrott"),
             focus_areas=(1,)),
    Category("youth", "Unga i riskmiljö", "Young people at risk", Sensitivity.SENSITIVE,
             focus_areas=(1, 2), public=False),
    Category("disorder", "Ordningsstörning / störande grupp", "Public disorder, groups causing insecurity",
             police_types=("Fylleri/LOB", "Bråk", "Ordningslagen", "Allmän ordningsstörning"),
             focus_areas=(4,)),
    Category("vandalism", "Skadegörelse / klotter", "Vandalism, graffiti",
             police_types=("Skadegörelse",), focus_areas=(4,)),
    Category("arson", "Anlagd brand", "Arson (containers, cars)",
             police_types=("Brand",), focus_areas=(4,)),
    Category("narcotics", "Narkotika", "Open drug dealing or use",
             police_types=("Narkotikabrott",), focus_areas=(3,)),
    Category("alcohol_minors", "Alkohol/tobak till minderåriga", "Alcohol or tobacco supplied to minors",
             focus_areas=(3,)),
    Category("littering", "Nedskräpning", "Littering"),
    Category("unsafe_place", "Otrygg plats", "Unsafe place (lighting, bushes, sightlines)"),
    Category("traffic", "Trafik: buskörning, mopeder, bilträffar", "Reckless driving, mopeds, car meets",
             police_types=("Trafikbrott", "Olovlig körning", "Rattfylleri", "Vårdslöshet i trafik")),
    Category("staff_threat", "Hot mot personal", "Incident against staff", public=False),
    Category("burglary", "Inbrott / stöld", "Burglary, theft",
             police_types=("Inbrott", "Inbrott, försök", "Stöld", "Stöld, försök", "Stöld/inbrott",
                           "Stöld/inbrott, försök", "Fordonsstöld", "Motorfordon, stöld", "Cykelstöld", "Snatteri",
                           "Olaga intrång")),
    Category("event", "Arrangemang", "Planned event"),
    # What Swedish lägesbilder report separately and the police feed carries as its own types.
    # Residents report these to the police (112), not to Kontaktcenter: not public.
    Category("shootings", "Skjutningar", "Shootings",
             police_types=("Skottlossning", "Skottlossning, misstänkt"), focus_areas=(1,), public=False),
    Category("explosions", "Explosioner", "Explosions",
             police_types=("Explosion", "Detonation", "Sprängning", "Bombhot"), focus_areas=(1,), public=False),
    Category("weapons", "Vapen och kniv", "Weapons and knives",
             police_types=("Knivlagen", "Vapenlagen"), focus_areas=(1,), public=False),
    Category("dangerous_objects", "Farliga föremål", "Dangerous objects",
             police_types=("Farligt föremål, misstänkt", "Farligt föremål"), focus_areas=(1,), public=False),
)

#: Police event types that stay out of Trygg, each with the reason the import summary gives: they do
#: not concern safety in public places (or concern no place at all).
POLICE_TYPES_OUT_OF_SCOPE: dict[str, str] = {
    "Trafikolycka": "a traffic accident",
    "Trafikhinder": "a traffic obstruction",
    "Trafikkontroll": "a police traffic check, not an incident",
    "Kontroll person/fordon": "a police check, not an incident",
    "Polisinsats/kommendering": "a police operation, not an incident",
    "Försvunnen person": "a missing person",
    "Efterlyst person": "a wanted person",
    "Anträffad död": "a death, handled by the police alone",
    "Räddningsinsats": "a rescue operation",
    "Fjällräddning": "a mountain rescue",
    "Sjöräddning": "a sea rescue",
    "Arbetsplatsolycka": "an accident at a workplace",
    "Djur": "an animal",
    "Anträffat gods": "found property",
    "Motorfordon, anträffat stulet": "a stolen vehicle found",
    "Bedrägeri": "fraud, not a place",
    "Åldringsbrott": "a crime against an elderly person at home, not a public place",
    "Häleri": "receiving stolen goods, not a place",
    "Miljöbrott": "an environmental crime",
    "Brand automatlarm": "an automatic fire alarm",
    "Hemfridsbrott": "an intrusion into a home, not a public place",
    "Vållande till kroppsskada": "an injury caused by negligence, an accident",
    "Larm inbrott": "an alarm, not an incident",
    "Larm överfall": "an alarm, not an incident",
    "Övrigt": "not specified",
    "Uppdatering": "an update of an earlier event",
}

BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}


def category_label(code: str | None, lang: str) -> str:
    """The name of category `code` in `lang` (sv or en); an unknown code as it is, None as "".

    The one label function of the pages, the API and the documents.

    >>> category_label("burglary", "en"), category_label("no_such", "sv"), category_label(None, "sv")
    ('Burglary, theft', 'no_such', '')
    """
    if code is None:
        return ""
    cat = BY_CODE.get(code)
    return cat.name(lang) if cat else code


def category(code: str) -> Category:
    """Return the category with `code`; raise KeyError naming the known codes otherwise."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown category {code!r}; known: {', '.join(BY_CODE)}") from None


def category_for_police_type(police_type: str) -> Category | None:
    """Map a police events API ``type`` (which may contain commas) to our category, if any."""
    for c in CATEGORIES:
        if police_type in c.police_types:
            return c
    head = police_type.split(",")[0].strip()
    for c in CATEGORIES:
        if head in c.police_types:
            return c
    return None


def police_type_skip_reason(police_type: str) -> str:
    """Why a police event type without a Trygg category stays out (for the import summary)."""
    head = police_type.split(",")[0].strip()
    reason = POLICE_TYPES_OUT_OF_SCOPE.get(police_type) or POLICE_TYPES_OUT_OF_SCOPE.get(head)
    return reason or "no Trygg category"


def is_sensitive(code: str) -> bool:
    return BY_CODE[code].sensitivity is Sensitivity.SENSITIVE if code in BY_CODE else False
