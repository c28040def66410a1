"""Institutions: the eight IPRCs, hospitals added by admins, unique codes and names, guarded deletion."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.db import db
from lms.institutions.defaults import IPRCS
from lms.institutions.models import Institution
from lms.institutions.queries import by_code
from lms.institutions.services import ensure_default_institutions

IPRC_NAMES = ["Kigali", "Huye", "Musanze", "Tumba", "Karongi", "Ngoma", "Kitabi", "Gishari"]


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Institution))


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def admin_client(client, auth, factory):
    auth.login(factory.user("admin"))
    return client


def test_the_eight_iprcs_exist_and_seeding_is_idempotent(app):
    names = sorted(db.session.scalars(select(Institution.name).where(Institution.kind == "iprc")))
    assert names == sorted(f"IPRC {city}" for city in IPRC_NAMES)
    assert len(IPRCS) == 8
    assert ensure_default_institutions() == 0
    db.session.commit()
    assert count() == 8
    db.session.delete(by_code("iprc-kitabi"))
    db.session.commit()
    assert ensure_default_institutions() == 1
    assert ensure_default_institutions() == 0
    db.session.commit()
    assert count() == 8
    assert by_code("IPRC-Kitabi ").city == "Nyamagabe"  # codes are matched without case or spaces


def test_admin_adds_a_hospital(admin_client):
    assert admin_client.get("/admin/institutions/new").status_code == 200
    response = admin_client.post(
        "/admin/institutions/new",
        data={"name": "  Butaro District Hospital ", "code": "Butaro-Hospital", "kind": "hospital", "city": "Burera"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/institutions/"
    hospital = by_code("butaro-hospital")
    assert (hospital.name, hospital.code, hospital.kind, hospital.city) == (
        "Butaro District Hospital",
        "butaro-hospital",
        "hospital",
        "Burera",
    )
    assert "Butaro District Hospital" in page(admin_client.get("/admin/institutions/"))


def test_admin_edits_an_institution(admin_client):
    huye = by_code("iprc-huye")
    assert admin_client.get(f"/admin/institutions/{huye.id}/edit").status_code == 200
    response = admin_client.post(
        f"/admin/institutions/{huye.id}/edit",
        data={"name": "IPRC Huye", "code": "iprc-huye", "kind": "iprc", "city": ""},
    )
    assert response.status_code == 302
    assert by_code("iprc-huye").city is None  # keeping its own code and name is not a duplicate
    assert admin_client.get("/admin/institutions/99999/edit").status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "IPRC-KIGALI", "name": "New Place"}, "code", "Another institution already uses this value."),
        ({"code": "new-place", "name": "ipRC kigali"}, "name", "Another institution already uses this value."),
        ({"code": "no spaces!", "name": "New Place"}, "code", "lower-case letters, digits and hyphens"),
        ({"code": "", "name": "New Place"}, "code", "This field is required."),
        ({"code": "new-place", "name": ""}, "name", "This field is required."),
        ({"code": "new-place", "name": "New Place", "kind": "school"}, "kind", "Not a valid choice"),
    ],
    ids=["duplicate-code", "duplicate-name", "bad-code", "missing-code", "missing-name", "unknown-kind"],
)
def test_invalid_institution_shows_the_error_next_to_the_field(admin_client, data, field, message):
    response = admin_client.post("/admin/institutions/new", data={"kind": "hospital", "city": "", **data})
    assert response.status_code == 400
    html = page(response)
    error = html[html.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert count() == 8


def test_delete_asks_for_confirmation_first(admin_client):
    tumba = by_code("iprc-tumba").id
    response = admin_client.get(f"/admin/institutions/{tumba}/delete")
    assert response.status_code == 200
    assert "Delete IPRC Tumba?" in page(response)
    assert by_code("iprc-tumba") is not None  # the GET changed nothing
    response = admin_client.post(f"/admin/institutions/{tumba}/delete")
    assert response.status_code == 302
    assert by_code("iprc-tumba") is None
    assert admin_client.get(f"/admin/institutions/{tumba}/delete").status_code == 404


def test_delete_is_refused_while_people_refer_to_it(admin_client, factory):
    factory.user("learner", institution="iprc-karongi")
    karongi_id = by_code("iprc-karongi").id
    response = admin_client.post(f"/admin/institutions/{karongi_id}/delete")
    assert response.status_code == 409
    assert "still has people or cohorts" in page(response)
    assert by_code("iprc-karongi") is not None


def test_delete_is_refused_while_cohorts_refer_to_it(admin_client, factory):
    factory.cohort(institution="iprc-ngoma")
    ngoma_id = by_code("iprc-ngoma").id
    # Nobody has Ngoma as their institution: only the cohort holds it.
    from lms.accounts.models import User

    assert db.session.scalar(select(func.count()).select_from(User).where(User.institution_id == ngoma_id)) == 0
    response = admin_client.post(f"/admin/institutions/{ngoma_id}/delete")
    assert response.status_code == 409
    assert by_code("iprc-ngoma") is not None


def test_deleting_clears_pending_invitations_institution(admin_client, factory):
    """An invitation names an institution too; deleting it leaves the invitation usable, without one."""
    from lms.accounts.models import Invitation

    admin_client.post(
        "/admin/invitations",
        data={"email": "x@example.org", "roles": ["learner"], "institution_id": by_code("iprc-gishari").id},
    )
    gishari_id = by_code("iprc-gishari").id
    assert admin_client.post(f"/admin/institutions/{gishari_id}/delete").status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None and invitation.institution_id is None
