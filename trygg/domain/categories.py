"""The category taxonomy: what a report is about, in Swedish and English.

The taxonomy is data: the ``categories`` table, edited by an administrator (the settings page,
``trygg categories import``) and read through `trygg.storage.categories.taxonomy` as one `Taxonomy`.
`DEFAULT_CATEGORIES` is only the taxonomy a new database starts with.

Each category names the police event types that map to it (the police open events API
``type`` field) and the focus areas of the 2022 plan that it serves. Sensitive categories
(sexual offences, youth) show their details only to roles cleared for them and are
published with a higher suppression threshold.

A retired category is offered in no form, but its reports stay listed and counted under it. A
category merged into another is retired too: its reports keep their stored code, while counts and
the lägesbild group them under the category it was merged into (`Taxonomy.canonical`), and a filter
on that category includes them (`Taxonomy.expand`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

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
    retired_on: date | None = None  # offered in no form from this day; its reports stay countable
    merged_into: str | None = None  # counted under this category (its reports keep their own code)
    sort_order: int = 0

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_sv

    @property
    def active(self) -> bool:
        """Offered in forms and receiving police events (neither retired nor merged)."""
        return self.retired_on is None and self.merged_into is None

    @property
    def sensitive(self) -> bool:
        return self.sensitivity is Sensitivity.SENSITIVE


#: The default taxonomy: what `trygg init` and the migration ``0009_categories`` store in the
#: ``categories`` table. The running application reads the table (`trygg.storage.categories`).
DEFAULT_CATEGORIES: tuple[Category, ...] = (
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


class Taxonomy:
    """The categories of one database at one data version, with the lookups every feature needs.

    >>> tax = DEFAULT_TAXONOMY
    >>> tax.label("burglary", "en"), tax.label("no_such", "sv"), tax.label(None, "sv")
    ('Burglary, theft', 'no_such', '')
    >>> tax.for_police_type("Stöld, försök").code, tax.for_police_type("Trafikolycka")
    ('burglary', None)
    >>> tax.is_sensitive("youth"), tax.is_sensitive("littering"), tax.is_sensitive("no_such")
    (True, False, False)
    """

    def __init__(self, categories: Iterable[Category], version: int = 0) -> None:
        self.categories: tuple[Category, ...] = tuple(sorted(categories, key=lambda c: (c.sort_order, c.code)))
        self.version = version
        self.by_code: dict[str, Category] = {c.code: c for c in self.categories}
        self._police: dict[str, Category] = {t: c for c in self.categories if c.active for t in c.police_types}

    def __repr__(self) -> str:
        return f"Taxonomy({len(self.categories)} categories, version {self.version})"

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code, retired and merged ones too (valid on stored reports)."""
        return tuple(self.by_code)

    @cached_property
    def active(self) -> tuple[Category, ...]:
        """The categories offered in forms (neither retired nor merged)."""
        return tuple(c for c in self.categories if c.active)

    @cached_property
    def active_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.active)

    @cached_property
    def public(self) -> tuple[Category, ...]:
        """What residents may pick (the Kontaktcenter form, Open311 services)."""
        return tuple(c for c in self.active if c.public)

    @cached_property
    def sensitive(self) -> frozenset[str]:
        return frozenset(c.code for c in self.categories if c.sensitive)

    @cached_property
    def listed(self) -> tuple[Category, ...]:
        """What filters and counts show: every category not merged into another (retired ones too)."""
        return tuple(c for c in self.categories if c.merged_into is None)

    @cached_property
    def counted(self) -> tuple[str, ...]:
        """The codes counts are grouped by (those of `listed`)."""
        return tuple(c.code for c in self.listed)

    def get(self, code: str | None) -> Category | None:
        return self.by_code.get(code) if code is not None else None

    def category(self, code: str) -> Category:
        """The category with `code`; KeyError naming the known codes otherwise."""
        try:
            return self.by_code[code]
        except KeyError:
            raise KeyError(f"unknown category {code!r}; known: {', '.join(self.by_code)}") from None

    def label(self, code: str | None, lang: str) -> str:
        """The name of category `code` in `lang` (sv or en); an unknown code as it is, None as ""."""
        if code is None:
            return ""
        cat = self.by_code.get(code)
        return cat.name(lang) if cat else code

    def labels(self, lang: str) -> Callable[[str | None], str]:
        """`label` in `lang`, as a one-argument function (for documents and summaries)."""
        return lambda code: self.label(code, lang)

    def is_sensitive(self, code: str | None) -> bool:
        return code in self.sensitive

    def for_police_type(self, police_type: str) -> Category | None:
        """The active category a police events API ``type`` (which may contain commas) maps to, if any."""
        found = self._police.get(police_type)
        if found is None:
            found = self._police.get(police_type.split(",")[0].strip())
        return found

    def resolve(self, text: str | None) -> Category | None:
        """The category a file's text names: its code, its Swedish or English name, the first word of
        its Swedish name, or a police event type (imports of other systems' exports).

        >>> DEFAULT_TAXONOMY.resolve("Skadegörelse / klotter").code, DEFAULT_TAXONOMY.resolve("Narkotikabrott").code
        ('vandalism', 'narcotics')
        """
        low = (text or "").strip().lower()
        if not low:
            return None
        for c in self.categories:
            if low in (c.code, c.name_sv.lower(), c.name_en.lower()):
                return c
        for c in self.active:
            if c.name_sv.lower().startswith(low) or low.startswith(c.name_sv.lower().split(" ")[0].rstrip(":/")):
                return c
        return self.for_police_type((text or "").strip())

    def canonical(self, code: str) -> str:
        """The code `code` is counted under: itself, or the category it was merged into (transitively)."""
        seen = {code}
        while (cat := self.by_code.get(code)) is not None and cat.merged_into and cat.merged_into not in seen:
            code = cat.merged_into
            seen.add(code)
        return code

    def expand(self, codes: Iterable[str]) -> tuple[str, ...]:
        """`codes` and every code merged into one of them (a filter on a category includes those)."""
        wanted = list(dict.fromkeys(codes))
        targets = set(wanted)
        return tuple(wanted + [c for c in self.by_code if c not in targets and self.canonical(c) in targets])


def numbered(categories: Iterable[Category]) -> tuple[Category, ...]:
    """`categories` with their sort order set to their position (10, 20, …): the order they are listed in."""
    return tuple(replace(c, sort_order=10 * (i + 1)) for i, c in enumerate(categories))


DEFAULT_TAXONOMY = Taxonomy(numbered(DEFAULT_CATEGORIES))


def police_type_skip_reason(police_type: str) -> str:
    """Why a police event type without a Trygg category stays out (for the import summary)."""
    head = police_type.split(",")[0].strip()
    reason = POLICE_TYPES_OUT_OF_SCOPE.get(police_type) or POLICE_TYPES_OUT_OF_SCOPE.get(head)
    return reason or "no Trygg category"
