"""`trygg init` from the command line: set-up, the one-time link, refusal of a second set-up."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from trygg.cli import app
from trygg.storage import users as user_store
from trygg.storage.database import Database

runner = CliRunner()


def test_init_with_a_password_file(tmp_path: Path) -> None:
    db = str(tmp_path / "vbg.db")
    pw = tmp_path / "pw.txt"
    pw.write_text("hemligt-ord\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--municipality", "Vänersborg", "--admin", "admin",
                                 "--admin-password-file", str(pw), "--db", db])
    assert result.exit_code == 0, result.output
    assert "Vänersborg (1487)" in result.output and "Vänersborgs kommun" in result.output
    assert "/set-password/" not in result.output
    database = Database(db)
    with database.session() as s:
        admin = user_store.get_user_by_name(s, "admin")
        assert admin is not None and user_store.verify_password(admin.password_hash, "hemligt-ord")
    database.dispose()


def test_init_without_password_prints_a_link_and_a_second_init_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "lulea.db")
    result = runner.invoke(app, ["init", "--municipality", "2580", "--admin", "admin", "--base-url",
                                 "https://trygg.lulea.example", "--db", db])
    assert result.exit_code == 0, result.output
    assert "https://trygg.lulea.example/set-password/" in result.output
    again = runner.invoke(app, ["init", "--municipality", "2580", "--admin", "admin2", "--db", db])
    assert again.exit_code == 2 and "already set up for Luleå (2580)" in again.output


def test_an_unknown_municipality_makes_no_database(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    result = runner.invoke(app, ["init", "--municipality", "Lule", "--admin", "admin", "--db", str(db)])
    assert result.exit_code == 2 and "Luleå (2580)" in result.output
    assert not db.exists()
