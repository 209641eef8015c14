"""Swedish texts of the demo's field work: findings and what was done about them, night walkers' notes
and observations, inspection findings. Roles and places only — never people (the personal-data
guard of the services would refuse phone numbers and e-mail addresses anyway).
"""

from __future__ import annotations

# Safety-walk findings per checklist item: (note, what the responsible department did).
FINDINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "lighting": (
        ("Två armaturer släckta längs gång- och cykelvägen",
         "Armaturerna bytta till LED; gångvägen är upplyst igen."),
        ("Mörk passage mellan parkeringen och busshållplatsen",
         "Ny belysningsstolpe monterad vid passagen."),
        ("Trasig belysning i gångtunneln", "Belysningen i tunneln lagad och skyddsglaset bytt."),
        ("Belysningen vid lekplatsen tänds inte", "Skymningsreläet bytt; belysningen fungerar."),
        ("Flimrande gatlykta vid övergångsstället", "Ljuskällan bytt."),
    ),
    "vegetation": (
        ("Buskage skymmer sikten längs gångvägen", "Buskaget nedklippt till en meter; sikten är fri."),
        ("Höga häckar vid tunnelns mynning", "Häckarna klippta och gallrade."),
        ("Trädkronor skuggar gatubelysningen", "Träden uppkvistade så att ljuset når gångvägen."),
    ),
    "litter": (
        ("Överfulla papperskorgar vid busshållplatsen", "Tömningen utökad till tre gånger i veckan."),
        ("Nedskräpat vid återvinningsstationen", "Platsen städad och skyltad."),
        ("Glassplitter på gångvägen", "Gångvägen sopad samma vecka."),
    ),
    "graffiti": (
        ("Klotter på elskåp vid torget", "Klottret sanerat."),
        ("Klotter på fasaden mot gångvägen", "Fasaden sanerad inom ett dygn enligt klotterpolicyn."),
        ("Klotter i busskuren", "Busskuren sanerad."),
    ),
    "damage": (
        ("Krossad ruta i busskuren", "Rutan bytt."),
        ("Trasigt staket vid skolgården", "Staketet lagat."),
        ("Sönderslagen parkbänk", "Bänken ersatt med en ny."),
    ),
    "unsafe_place": (
        ("Gångtunneln upplevs otrygg kvällstid",
         "Lyftes på EST-mötet: tunneln målas ljusare och belysningen ses över; följs upp vid nästa rond."),
        ("Ungdomar samlas vid entrén sent på kvällen; deltagarna kände sig otrygga",
         "Fältarbetare och ordningsvakter finns på plats fredags- och lördagskvällar."),
        ("Öde parkering utan insyn", "Buskaget röjt och ny belysning beställd; följs upp på EST-mötet."),
    ),
    "accessibility": (
        ("Kantsten saknar nedsänkning vid övergångsstället", "Kantstenen sänkt vid övergångsstället."),
        ("Trasig ramp vid entrén mot torget", "Rampen lagad."),
    ),
}

IN_PROGRESS_NOTES: tuple[str, ...] = (
    "Arbetsorder skapad; åtgärdas inom fyra veckor.",
    "Beställt hos entreprenören.",
    "Planerat till nästa arbetsvecka.",
    "Besiktigat på plats; material beställt.",
)

# Checklist items a walk usually finds, by season (weights).
ITEM_WEIGHTS_DARK: dict[str, float] = {"lighting": 5, "vegetation": 1, "litter": 2, "graffiti": 2, "damage": 1.5,
                                       "unsafe_place": 2, "accessibility": 0.8}
ITEM_WEIGHTS_LIGHT: dict[str, float] = {"lighting": 1.5, "vegetation": 4, "litter": 3, "graffiti": 2, "damage": 1.5,
                                        "unsafe_place": 1.5, "accessibility": 1}

SHIFT_NOTES: tuple[str, ...] = (
    "Lugn kväll. Samtal med ungdomar vid torget.",
    "Många ute; pratade med grupper vid busshållplatsen och vid ungdomsgården.",
    "Lugnt. Delade ut reflexer och informerade om grannsamverkan.",
    "Regn och få ute. Rundan kortades.",
    "Stökigt vid torget en stund, lugnade sig när vi kom. Polisen informerad.",
    "Bra kontakt med personalen på ungdomsgården; följde med ungdomar till bussen.",
    "Lugn kväll med många föräldrar ute.",
)

# Night walkers' observations per category: descriptions for the report (no people, no names).
SHIFT_OBSERVATIONS: dict[str, tuple[str, ...]] = {
    "disorder": ("Högljudd grupp vid torget, flaskor kastades.", "Bråk mellan några unga vuxna vid busshållplatsen."),
    "youth": ("Större grupp yngre ungdomar ute sent utan vuxna.", "Ungdomar samlade i trapphuset, ville inte gå hem."),
    "littering": ("Mycket skräp och glas kvar efter kvällen.", "Nedskräpat kring bänkarna vid torget."),
    "vandalism": ("Nytt klotter på skolans gavel.", "Krossad ruta i busskuren."),
    "unsafe_place": ("Gångvägen helt mörk, flera lampor ur funktion.", "Otrygg passage vid parkeringen."),
    "alcohol_minors": ("Berusade minderåriga vid parken.", "Ungdomar med alkohol vid lekplatsen."),
    "narcotics": ("Misstänkt langning vid parkeringen.", "Stark lukt av cannabis vid gångtunneln."),
}
SHIFT_CATEGORY_WEIGHTS: dict[str, dict[str, float]] = {
    "suburb": {"disorder": 3, "youth": 3, "littering": 2, "vandalism": 2, "unsafe_place": 1, "narcotics": 1,
               "alcohol_minors": 1},
    "centre": {"disorder": 4, "littering": 2, "alcohol_minors": 2, "unsafe_place": 1, "narcotics": 1, "youth": 1},
}

# Inspection findings per checklist item with a remark, and the usual follow-up.
INSPECTION_REMARKS: dict[str, tuple[str, str]] = {
    "age_checks": ("Legitimation kontrollerades inte i entrén; personalen påmind.", "revisit"),
    "over_serving": ("Tydligt berusade gäster serverades vid baren.", "reprimand"),
    "narcotics": ("Tecken på narkotikapåverkan hos gäster i kön; polisen ingrep.", "warning"),
    "staff_training": ("Personal i tjänst saknade utbildning i ansvarsfull alkoholservering.", "revisit"),
    "crowding": ("Fler gäster än tillåtet i lokalen vid besöket.", "reprimand"),
    "closing_order": ("Oordning utanför vid stängning; ordningsvakterna behövde stöd.", "revisit"),
}
INSPECTION_OK = (
    "Inga anmärkningar. God ordning och ordningsvakter på plats.",
    "Inga anmärkningar. Legitimation kontrollerades i entrén.",
    "Inga anmärkningar. Lugnt i lokalen.",
)
