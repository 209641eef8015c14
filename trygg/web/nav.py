"""The main navigation. Each page group registers its entry when its router module is imported,
so the menu never links to a page that does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from trygg.domain.enums import Role


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # an English msgid, translated when rendered
    roles: frozenset[str] | None = None  # None = everyone, also anonymous visitors
    order: int = 50


NAV: list[NavItem] = []


def register_nav(path: str, label: str, roles: set[Role] | frozenset[Role] | None = None,
                 order: int = 50) -> None:
    if any(item.path == path for item in NAV):
        return
    NAV.append(NavItem(path, label, frozenset(str(r) for r in roles) if roles is not None else None, order))
    NAV.sort(key=lambda item: (item.order, item.path))


MORE_FROM_ORDER = 70  # items from here on go under "More" once a user is signed in


def nav_for(role: str | None) -> list[NavItem]:
    return [item for item in NAV if item.roles is None or (role is not None and role in item.roles)]


def split_nav(role: str | None) -> tuple[list[NavItem], list[NavItem]]:
    """(main menu, "More" menu). Anonymous visitors have few items and get them all in the main
    menu; signed-in partners see their working pages first, and the public pages, imports,
    administration and their account under "More"."""
    items = nav_for(role)
    if role is None:
        return items, []
    main = [i for i in items if i.order < MORE_FROM_ORDER and (i.roles is not None or i.path == "/")]
    return main, [i for i in items if i not in main]
