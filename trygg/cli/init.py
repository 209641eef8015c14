"""`trygg init`: set up an empty database for one of Sweden's 290 municipalities."""

from __future__ import annotations

from pathlib import Path

import typer

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.config import Settings
from trygg.errors import ValidationError
from trygg.setup.init import InitResult, init_municipality
from trygg.setup.municipalities import find_municipality
from trygg.storage import invitations


def _password(password: str | None, password_file: Path | None) -> str | None:
    if password is not None and password_file is not None:
        raise ValidationError("Give --admin-password or --admin-password-file, not both.",
                              fields={"admin_password": "one of the two"})
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ValidationError(f"Cannot read {password_file}: {exc.strerror}.",
                                  fields={"admin_password_file": "a readable file"}) from None
        return lines[0] if lines else ""
    return password


def init(municipality: str = typer.Option(..., "--municipality",
                                          help="SCB municipality code or name, e.g. 1487 or Vänersborg."),
         org_name: str = typer.Option("", "--org-name",
                                      help="The municipality's own organisation (default e.g. 'Vänersborgs kommun')."),
         org_short_name: str = typer.Option("", "--org-short-name", help="Short name of that organisation."),
         admin: str = typer.Option(..., "--admin", help="Login name of the first administrator."),
         admin_password: str | None = typer.Option(None, "--admin-password",
                                                   help="Password of the administrator (at least 8 characters)."),
         admin_password_file: Path | None = typer.Option(None, "--admin-password-file",
                                                         help="Read the password from the first line of this file."),
         base_url: str = typer.Option("", "--base-url",
                                      help="Address of the web app for the set-password link "
                                           "(default $TRYGG_PUBLIC_URL)."),
         db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Set up an empty database: the municipality with its boundary, its own organisation, the default
    categories and the first administrator. Migrates the schema first. A database that already has a
    municipality is refused. Without a password the administrator gets a one-time set-password link,
    printed once.

    Example: trygg init --municipality Vänersborg --admin admin --db vanersborg.db
    """
    password = guarded(lambda: _password(admin_password, admin_password_file))
    guarded(lambda: find_municipality(municipality))  # before a database file is made
    database = guarded(lambda: open_db(db, upgrade=True))

    def run() -> InitResult:
        with database.session() as s:
            return init_municipality(s, municipality, admin=admin, admin_password=password,
                                     org_name=org_name or None, org_short_name=org_short_name)

    result = guarded(run)
    m = result.municipality
    out.print(f"Set up {m.name} ({m.code}): organisation {result.organisation_name!r}, "
              f"{result.categories} default categories, administrator {result.admin_username!r}.")
    if result.set_password_token is not None:
        url = invitations.link_url(base_url or Settings.from_env().public_url, result.set_password_token)
        out.print(f"The administrator sets a password once at (valid {invitations.LINK_DAYS} days):")
        print(url)
    out.print("Next: import districts with 'trygg areas import FILE --level district …'.")
