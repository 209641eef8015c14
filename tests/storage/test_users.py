"""Passwords: the application hashes with argon2id at (at least) the library's recommended cost."""

from __future__ import annotations

import subprocess
import sys

from trygg.storage import users as user_store


def test_the_application_hashes_with_argon2id_at_full_cost() -> None:
    """The test suite lowers the cost for speed (tests/conftest.py); a fresh process must not."""
    code = (
        "from trygg.storage import users as u; h = u._hasher; "
        "print(h.type.name, h.time_cost, h.memory_cost, h.parallelism); print(u.hash_password('x'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    kind, time_cost, memory_kib, _ = out[0].split()
    assert kind == "ID"
    # OWASP's minimum for argon2id is 19 MiB with 2 iterations; the library's default is above it.
    assert int(memory_kib) >= 19 * 1024 and int(time_cost) >= 2
    assert out[1].startswith("$argon2id$")


def test_a_hash_checks_with_the_parameters_it_carries() -> None:
    strong = "$argon2id$v=19$m=65536,t=3,p=4$"
    digest = user_store.hash_password("pw-anna-test")
    assert digest.startswith("$argon2id$") and not digest.startswith(strong)
    assert user_store.verify_password(digest, "pw-anna-test")
    assert not user_store.verify_password(digest, "pw-anna-wrong")
