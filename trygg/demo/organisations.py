"""The demo's organisations and users, with their documented passwords (``demo-<username>``).

Display names are job descriptions, not people: the demo holds no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from trygg.domain.enums import OrgKind, Role


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    short_name: str
    kind: OrgKind


ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec("polisen", "Polisen – Lokalpolisområde Trollhättan", "Polisen LPO Trollhättan", OrgKind.POLICE),
    OrgSpec("trygghet", "Trollhättans Stad – Trygghet och säkerhet", "Trygghet och säkerhet",
            OrgKind.MUNICIPALITY),
    OrgSpec("kommunledning", "Trollhättans Stad – Kommunledning", "Kommunledning", OrgKind.MUNICIPALITY),
    OrgSpec("gatapark", "Samhällsbyggnadsförvaltningen – Gata/park", "Gata/park", OrgKind.MUNICIPALITY),
    OrgSpec("kontaktcenter", "Trollhättans Stad – Kontaktcenter", "Kontaktcenter", OrgKind.MUNICIPALITY),
    OrgSpec("eidar", "Eidar – Trollhättans Bostadsbolag", "Eidar", OrgKind.HOUSING),
    OrgSpec("alvstranden", "Älvstrandens Fastigheter AB (fiktivt)", "Älvstrandens Fastigheter",
            OrgKind.HOUSING),
    OrgSpec("utbildning", "Utbildningsförvaltningen", "Utbildning", OrgKind.SCHOOL),
    OrgSpec("fritid", "Fritid – ungdomsgårdar och fältarbetare", "Fritid", OrgKind.MUNICIPALITY),
    OrgSpec("raddning", "Räddningstjänsten Trollhättan-Lilla Edet", "Räddningstjänsten", OrgKind.RESCUE),
    OrgSpec("vakt", "Securitas – Trollhättan", "Securitas", OrgKind.GUARD),
    OrgSpec("trygghetsvandrarna", "Trygghetsvandrarna Trollhättan", "Trygghetsvandrarna",
            OrgKind.VOLUNTEER),
    OrgSpec("nattvandrarna", "Nattvandrarna Trollhättan", "Nattvandrarna", OrgKind.VOLUNTEER),
)
ORG_BY_KEY = {o.key: o for o in ORGANISATIONS}


@dataclass(frozen=True)
class UserSpec:
    username: str
    display_name: str
    role: Role
    org: str  # OrgSpec.key
    sensitive_clearance: bool = False
    signatory_title: str | None = None

    @property
    def password(self) -> str:
        return demo_password(self.username)


def demo_password(username: str) -> str:
    """The documented demo password of a demo user."""
    return f"demo-{username}"


STAFF: tuple[UserSpec, ...] = (
    UserSpec("admin", "Systemadministratör", Role.ADMIN, "trygghet"),
    UserSpec("samordnare", "Trygghetssamordnare", Role.COORDINATOR, "trygghet", sensitive_clearance=True),
    UserSpec("samordnare2", "Trygghetssamordnare (EST Kronogården)", Role.COORDINATOR, "trygghet",
             sensitive_clearance=True),
    UserSpec("analytiker", "Polisanalytiker LPO Trollhättan", Role.POLICE_ANALYST, "polisen",
             sensitive_clearance=True),
    UserSpec("lasare", "Läsbehörighet (förvaltning)", Role.VIEWER, "trygghet"),
    UserSpec("kontaktcenter", "Handläggare Kontaktcenter", Role.KONTAKTCENTER, "kontaktcenter"),
    UserSpec("lpo-chef", "Lokalpolisområdeschef", Role.SIGNATORY, "polisen",
             signatory_title="Lokalpolisområdeschef (LPO-chef)"),
    UserSpec("kso", "Kommunstyrelsens ordförande", Role.SIGNATORY, "kommunledning",
             signatory_title="Kommunstyrelsens ordförande (KSO)"),
    UserSpec("stadsdirektor", "Stadsdirektör", Role.SIGNATORY, "kommunledning",
             signatory_title="Stadsdirektör"),
)

# How many trained EST reporters each organisation has, and what to call them.
REPORTER_POSTS: tuple[tuple[str, str, int], ...] = (
    ("polisen", "Kommunpolis", 4),
    ("trygghet", "Trygghetsvärd", 2),
    ("gatapark", "Parkarbetare", 5),
    ("eidar", "Fastighetsskötare Eidar", 6),
    ("alvstranden", "Fastighetsskötare Älvstranden", 3),
    ("utbildning", "Skolpersonal", 5),
    ("fritid", "Fältarbetare/fritidsledare", 5),
    ("raddning", "Brandman", 2),
    ("vakt", "Ordningsvakt", 4),
    ("trygghetsvandrarna", "Trygghetsvandrare", 3),
    ("nattvandrarna", "Nattvandrare", 3),
)


def reporters() -> tuple[UserSpec, ...]:
    """The ~40 EST reporters, e.g. ``rapportor-eidar-1`` (password ``demo-rapportor-eidar-1``)."""
    return tuple(
        UserSpec(f"rapportor-{org}-{i}", f"{title} {i}", Role.REPORTER, org)
        for org, title, count in REPORTER_POSTS
        for i in range(1, count + 1)
    )


def all_users() -> tuple[UserSpec, ...]:
    return STAFF + reporters()


# Which organisations report which categories (relative weights); "housing" means the housing
# company of the area (Eidar in the rental districts, Älvstranden elsewhere).
REPORTING_ORGS: dict[str, dict[str, float]] = {
    "disorder": {"vakt": 3, "housing": 2, "polisen": 2, "nattvandrarna": 2, "fritid": 1,
                 "trygghetsvandrarna": 1},
    "violence": {"polisen": 4, "vakt": 3, "nattvandrarna": 1, "fritid": 1},
    "sexual_harassment": {"polisen": 2, "vakt": 2, "fritid": 1, "utbildning": 1},
    "youth": {"fritid": 4, "utbildning": 2, "polisen": 1, "nattvandrarna": 1},
    "vandalism": {"housing": 4, "gatapark": 3, "utbildning": 1, "vakt": 1},
    "arson": {"raddning": 5, "housing": 2, "polisen": 1},
    "narcotics": {"polisen": 3, "vakt": 2, "fritid": 1, "housing": 1},
    "alcohol_minors": {"fritid": 2, "polisen": 2, "nattvandrarna": 1},
    "littering": {"gatapark": 5, "housing": 2, "trygghetsvandrarna": 1},
    "unsafe_place": {"trygghetsvandrarna": 3, "gatapark": 2, "housing": 1, "trygghet": 1},
    "traffic": {"polisen": 4, "vakt": 1, "gatapark": 1},
    "staff_threat": {"utbildning": 3, "fritid": 2, "housing": 1, "vakt": 1},
    "burglary": {"housing": 3, "polisen": 2, "vakt": 1},
    "event": {"trygghet": 2, "polisen": 1, "fritid": 1},
}
EIDAR_REGSO = ("1488R004", "1488R006", "1488R007", "1488R008", "1488R012", "1488R013", "1488R015")

# Where Kontaktcenter routes a resident's report.
ROUTING: dict[str, str] = {
    "littering": "gatapark", "unsafe_place": "gatapark", "vandalism": "gatapark", "traffic": "polisen",
    "disorder": "trygghet", "violence": "polisen", "narcotics": "polisen", "burglary": "polisen",
    "arson": "raddning", "sexual_harassment": "polisen", "alcohol_minors": "trygghet", "event": "trygghet",
}
