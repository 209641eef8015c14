"""`trygg users …` and `trygg tokens …`: accounts and API tokens."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.cli.tables import report
from trygg.config import Settings
from trygg.domain.enums import Role
from trygg.errors import NotFound, ValidationError
from trygg.plans import signing
from trygg.setup.tables import TableImportResult
from trygg.setup.user_import import import_users
from trygg.storage import audit, invitations
from trygg.storage import users as user_store
from trygg.storage.schema import ApiToken, Organisation, User

app = typer.Typer(help="User accounts and organisations.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for integrations (Authorization: Bearer …).", no_args_is_help=True)


@app.command("add")
def add(username: str = typer.Argument(..., help="Login name."),
        role: Role = typer.Option(..., "--role", help="Role of the user."),
        organisation: str = typer.Option(..., "--org", help="Organisation id, name or short name."),
        password: str = typer.Option(..., "--password", prompt=True, hide_input=True,
                                     confirmation_prompt=True, help="At least 8 characters."),
        display_name: str = typer.Option("", "--name", help="Full name shown in the interface."),
        sensitive: bool = typer.Option(False, "--sensitive", help="Cleared for sensitive categories."),
        signatory_title: str = typer.Option("", "--signatory-title",
                                            help="Signs the action plan for the signatory role of this title "
                                                 "(role signatory only)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Add a user to an organisation with a role.

    Example: trygg users add anna --role coordinator --org "Trollhättans Stad" --password s3cret-pass
    """
    database = guarded(lambda: open_db(db))

    def run() -> User:
        with database.session() as s:
            org = user_store.get_organisation(s, organisation)
            title = signing.check_title(s, signatory_title, str(role))
            return user_store.create_user(s, username, password, str(role), org.id, display_name=display_name,
                                          sensitive_clearance=sensitive, signatory_title=title)

    user = guarded(run)
    out.print(f"Added user {user.username} ({user.role}).")


@app.command("import")
def import_users_cmd(file: Path = typer.Argument(..., help="CSV or Excel: användarnamn, namn, e-post, roll, "
                                                          "organisation. No password column."),
                     base_url: str = typer.Option("", "--base-url", help="Address of the web app for the links "
                                                                         "(default $TRYGG_PUBLIC_URL)."),
                     dry_run: bool = typer.Option(False, "--dry-run", help="Check only; store nothing."),
                     db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Add users in bulk; each gets a one-time link to choose a password (printed once, valid 7 days),
    never a password in a file. Every problem names its row and nothing is stored while there is one.

    Example: trygg users import anvandare.csv --base-url https://trygg.vanersborg.se
    """
    database = guarded(lambda: open_db(db))

    def run() -> TableImportResult:
        with database.session() as s:
            return import_users(s, file, dry_run=dry_run)

    result = guarded(run)
    report(result, "user(s)")
    if result.links:
        base = base_url or Settings.from_env().public_url
        out.print(f"Send each user their own one-time link (valid {invitations.LINK_DAYS} days, shown only now):")
        for username, token in result.links:
            print(f"{username}\t{invitations.link_url(base, token)}")


@app.command("invite")
def invite(username: str = typer.Argument(..., help="Login name."),
           base_url: str = typer.Option("", "--base-url", help="Address of the web app (default $TRYGG_PUBLIC_URL)."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Print a new one-time set-password link for a user (earlier links stop working); audited.

    Example: trygg users invite anna --db vanersborg.db
    """
    database = guarded(lambda: open_db(db))

    def run() -> str:
        with database.session() as s:
            u = user_store.get_user_by_name(s, username)
            if u is None:
                raise NotFound(f"No user {username!r}.", hint="List users with 'trygg users list'.")
            token = invitations.create_link(s, u, purpose="reset")
            audit.record(s, None, "password_reset", "user", u.id, {"link": True})
            return token

    token = guarded(run)
    print(invitations.link_url(base_url or Settings.from_env().public_url, token))


@app.command("deactivate")
def deactivate(username: str = typer.Argument(..., help="Login name."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Deactivate a user instead of deleting them: no sign-in, sessions and tokens end, reports stay (audited).

    Example: trygg users deactivate anna
    """
    database = guarded(lambda: open_db(db))

    def run() -> None:
        with database.session() as s:
            u = user_store.get_user_by_name(s, username)
            if u is None:
                raise NotFound(f"No user {username!r}.", hint="List users with 'trygg users list'.")
            u.active = False
            user_store.end_user_sessions(s, u.id)
            audit.record(s, None, "update", "user", u.id, {"fields": ["active"], "active": False})

    guarded(run)
    out.print(f"{username} is deactivated.")


@app.command("list")
def list_users(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List users with role and organisation.

    Example: trygg users list --db trygg-demo.db
    """
    database = guarded(lambda: open_db(db))
    table = Table("id", "username", "role", "signatory title", "organisation", "sensitive")
    with database.session() as s:
        for u in s.scalars(select(User).order_by(User.id)):
            table.add_row(str(u.id), u.username, u.role, u.signatory_title or "", u.organisation.name,
                          "yes" if u.sensitive_clearance else "")
    out.print(table)


@app.command("set-title")
def set_title(username: str = typer.Argument(..., help="Login name."),
              title: str = typer.Argument("", help="A signatory role's title, as listed at /plans/signatories."),
              none: bool = typer.Option(False, "--none", help="Clear the signatory title."),
              db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Set or clear the signatory title with which a signatory signs the action plan (audited).

    Example: trygg users set-title kso "Kommunstyrelsens ordförande (KSO)"
    """
    database = guarded(lambda: open_db(db))

    def run() -> bool:
        if not title.strip() and not none:
            raise ValidationError("No title given.", fields={"title": "a signatory role's title"},
                                  hint="Give the title, or --none to clear it.")
        with database.session() as s:
            u = user_store.get_user_by_name(s, username)
            if u is None:
                raise NotFound(f"No user {username!r}.", hint="List users with 'trygg users list'.")
            return signing.set_title(s, u, None if none else title, None)

    changed = guarded(run)
    shown = "none" if none else title.strip()
    out.print(f"Signatory title of {username}: {shown}." if changed else f"{username} already had that title.")


@app.command("orgs")
def list_orgs(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List organisations.

    Example: trygg users orgs
    """
    database = guarded(lambda: open_db(db))
    table = Table("id", "name", "short name", "kind")
    with database.session() as s:
        for o in s.scalars(select(Organisation).order_by(Organisation.id)):
            table.add_row(str(o.id), o.name, o.short_name, o.kind)
    out.print(table)


@tokens_app.command("create")
def create_token(user: str = typer.Option(..., "--user", help="Username the token acts as."),
                 name: str = typer.Option("", "--name", help="What the token is for."),
                 days: int = typer.Option(365, "--days", help="Days until it expires (0 = never)."),
                 db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Create an API token and print it once (only its hash is stored).

    Example: trygg tokens create --user rapportor-eidar-1 --name "Eidar app" --db trygg-demo.db
    """
    database = guarded(lambda: open_db(db))

    def run() -> str:
        with database.session() as s:
            u = user_store.get_user_by_name(s, user)
            if u is None:
                from trygg.errors import NotFound

                raise NotFound(f"No user {user!r}.", hint="List users with 'trygg users list'.")
            return user_store.create_token(s, u, name=name, days=days or None)

    token = guarded(run)
    print(token)


@tokens_app.command("list")
def list_tokens(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List API tokens (prefix, owner, expiry, revoked).

    Example: trygg tokens list
    """
    database = guarded(lambda: open_db(db))
    table = Table("id", "prefix", "user", "name", "expires", "revoked")
    with database.session() as s:
        for t in s.scalars(select(ApiToken).order_by(ApiToken.id)):
            owner = s.get(User, t.user_id)
            table.add_row(str(t.id), t.prefix, owner.username if owner else "?", t.name,
                          str(t.expires_at or ""), str(t.revoked_at or ""))
    out.print(table)


@tokens_app.command("revoke")
def revoke(token_id: int = typer.Argument(..., help="Token id from 'trygg tokens list'."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Revoke an API token at once.

    Example: trygg tokens revoke 3
    """
    database = guarded(lambda: open_db(db))

    def run() -> None:
        with database.session() as s:
            user_store.revoke_token(s, token_id)

    guarded(run)
    out.print(f"Token {token_id} revoked.")
