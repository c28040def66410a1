"""Translations: catalogues in step with the source, compiled files in step with the catalogues, and pages,
plurals and XBlocks actually shown in French and Kinyarwanda.

The catalogue checks extract the messages in memory with ``babel.cfg`` (as ``scripts/i18n`` does) and
compile each ``.po`` in memory, so a string added without re-running the script fails here with a message
saying what to do.
"""

from __future__ import annotations

import configparser
import gettext
import io
import re
from html import unescape
from pathlib import Path

import flask_babel
import pytest
from babel import support
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from wtforms.i18n import messages_path

from lms.domains import catalogued_packages

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED_PACKAGES = catalogued_packages()  # the core and each domain package (lms/domains.py)
LANGUAGES = ("fr", "rw")
PLURALS = {"fr": "nplurals=2; plural=(n > 1);", "rw": "nplurals=2; plural=(n != 1);"}
BRACE_FIELD = re.compile(r"\{(\w*)\}")
HINT = "run scripts/i18n, translate the new entries of the .po files, then run scripts/i18n again"


# -- catalogue helpers ---------------------------------------------------------------------------------


def _keywords() -> dict:
    """Babel's default keywords plus the ``keywords`` line of babel.cfg (the one list the script uses)."""
    parser = configparser.RawConfigParser()
    parser.read(ROOT / "babel.cfg", encoding="utf-8")
    keywords = dict(DEFAULT_KEYWORDS)
    for section in parser.sections():
        if parser.has_option(section, "keywords"):
            keywords.update(parse_keywords(parser.get(section, "keywords").split()))
    return keywords


def _source_catalog(package: str) -> Catalog:
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT / package), method_map, options_map, keywords=_keywords(), comment_tags=("Translators:",)
    ):
        catalog.add(message, None, [(f"{package}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def _ids(catalog: Catalog) -> set:
    return {(message.id, message.context) for message in catalog if message.id}


def _po_path(package: str, language: str) -> Path:
    return ROOT / package / "translations" / language / "LC_MESSAGES" / "messages.po"


def _read_po(path: Path) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, abort_invalid=True)


def _catalogued_packages() -> list[str]:
    return [package for package in TRANSLATED_PACKAGES if (ROOT / package / "translations").is_dir()]


def _catalogues() -> list[tuple[str, str]]:
    return [(package, language) for package in _catalogued_packages() for language in LANGUAGES]


def _translation(package: str, language: str, msgid: str) -> str:
    message = _read_po(_po_path(package, language)).get(msgid)
    assert message is not None and message.string, f"{msgid!r} is not translated in {package}/{language}"
    return message.string


def _describe(ids: set) -> str:
    return ", ".join(sorted(repr(msgid) for msgid, _context in ids)[:10])


# -- the catalogues follow the source ------------------------------------------------------------------


@pytest.mark.parametrize("package", TRANSLATED_PACKAGES)
def test_every_string_of_the_source_is_in_the_catalogues(package):
    source = _ids(_source_catalog(package))
    if not source and not (ROOT / package / "translations").exists():
        pytest.skip(f"{package} has no translatable strings yet")
    for language in LANGUAGES:
        path = _po_path(package, language)
        assert path.exists(), f"{path.relative_to(ROOT)} is missing: {HINT}"
        catalogued = _ids(_read_po(path))
        missing = source - catalogued
        assert not missing, f"{len(missing)} new strings not in {package}/{language} ({_describe(missing)}): {HINT}"
        stale = catalogued - source
        assert not stale, f"{len(stale)} strings no longer in the {package} source ({_describe(stale)}): {HINT}"


@pytest.mark.parametrize(("package", "language"), _catalogues())
def test_po_file_parses_with_sound_header_and_placeholders(package, language):
    catalog = _read_po(_po_path(package, language))
    assert str(catalog.locale) == language
    assert catalog.plural_forms == PLURALS[language]
    # pybabel compile skips a catalogue whose header is fuzzy: the language would silently stay English.
    assert not catalog.fuzzy, f"{package}/{language}: the header is marked fuzzy"
    # A translation with a wrong %(name)s placeholder raises KeyError when the page renders.
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalog.check()]
    assert not problems, problems
    # XBlocks also use str.format: a translation must keep every {field} of its msgid.
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple):  # (singular, plural) against the forms, both languages having two
            pairs = zip(message.id, message.string, strict=False)
        else:
            pairs = [(message.id, message.string)]
        for msgid, translated in pairs:
            if translated:
                assert set(BRACE_FIELD.findall(msgid)) == set(BRACE_FIELD.findall(translated)), (msgid, translated)


@pytest.mark.parametrize(("package", "language"), _catalogues())
def test_committed_mo_matches_its_po(package, language):
    _assert_mo_matches(_po_path(package, language))


def _assert_mo_matches(path: Path) -> None:
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.relative_to(ROOT)} is missing: {HINT}"
    compiled = io.BytesIO()
    write_mo(compiled, _read_po(path))
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)
    with open(mo_path, "rb") as handle:
        committed = gettext.GNUTranslations(handle)
    # The header entry ("") holds dates only; the messages and the plural rule are what matter.
    expected_messages = {key: value for key, value in expected._catalog.items() if key != ""}
    committed_messages = {key: value for key, value in committed._catalog.items() if key != ""}
    assert committed_messages == expected_messages, f"{mo_path.relative_to(ROOT)} is out of date: {HINT}"
    assert [committed.plural(n) for n in range(4)] == [expected.plural(n) for n in range(4)]


def test_a_string_shared_by_two_packages_has_one_translation():
    # Flask-Babel merges the catalogues into one, the last package winning: two translations of the same
    # string would make the wording depend on the order of TRANSLATED_PACKAGES.
    for language in LANGUAGES:
        seen: dict = {}
        for package in _catalogued_packages():
            for message in _read_po(_po_path(package, language)):
                if message.id and message.string and not message.fuzzy:
                    key = (message.id, message.context)
                    first = seen.setdefault(key, (package, message.string))
                    assert first[1] == message.string, (
                        f"{message.id!r} is {first[1]!r} in {first[0]} but {message.string!r} in {package} ({language})"
                    )


def test_kinyarwanda_catalogues_ask_for_a_native_speakers_review():
    for package in _catalogued_packages():
        catalog = _read_po(_po_path(package, "rw"))
        assert "native speaker" in catalog.language_team
        assert "review" in catalog.header_comment.lower()


def test_plural_rules_follow_each_language(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context():
        with force_locale("fr"):
            # French uses the singular for 0 and 1.
            assert ngettext("%(num)d person", "%(num)d people", 0) == "0 personne"
            assert ngettext("%(num)d person", "%(num)d people", 1) == "1 personne"
            assert ngettext("%(num)d person", "%(num)d people", 2) == "2 personnes"
        with force_locale("rw"):
            singular, plural = _translation("lms", "rw", ("%(num)d person", "%(num)d people"))
            assert ngettext("%(num)d person", "%(num)d people", 1) == singular % {"num": 1}
            assert ngettext("%(num)d person", "%(num)d people", 0) == plural % {"num": 0}
            assert ngettext("%(num)d person", "%(num)d people", 5) == plural % {"num": 5}
        with force_locale("en"):
            assert ngettext("%(num)d person", "%(num)d people", 1) == "1 person"


def test_catalogues_of_all_packages_are_merged(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("fr"):
        assert gettext("Dashboard") == "Tableau de bord"  # lms
        assert gettext("Certificate code") == "Code du certificat"  # certificates
        assert gettext("My courses") == _translation("courses", "fr", "My courses") != "My courses"


# -- pages ---------------------------------------------------------------------------------------------


def _page(client, path: str = "/", **kwargs) -> str:
    # pytest-flask keeps one application context, hence one `g`, for the whole test and Flask-Babel caches
    # the locale in `g`; in production each request has its own. Forget the cached locale, as a new request
    # would.
    flask_babel.refresh()
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.status_code
    # Unescaped, so that expected texts compare whatever the escaping of apostrophes (&#39; or &#x27;).
    return unescape(response.get_data(as_text=True))


def test_language_switcher_translates_the_dashboard_and_menu(client, auth, factory):
    user = factory.user("learner", language="en")
    auth.login(user)
    html = _page(client)
    assert '<html lang="en">' in html and ">Dashboard<" in html and "Log out" in html

    response = client.post("/language", data={"lang": "fr", "next": "/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    html = _page(client)
    assert '<html lang="fr">' in html
    for french in ("Tableau de bord", "Se déconnecter", "Profil", "Mes cours", "Langue"):
        assert french in html, french
    assert ">Dashboard<" not in html and "Log out" not in html

    client.post("/language", data={"lang": "rw", "next": "/"})
    html = _page(client)
    assert '<html lang="rw">' in html
    for msgid in ("Dashboard", "Log out", "Profile"):
        assert _translation("lms", "rw", msgid) in html, msgid
    assert _translation("courses", "rw", "My courses") in html


def test_the_switch_is_remembered_as_the_users_preferred_language(client, auth, factory):
    from lms.accounts.models import User
    from lms.db import db

    user = factory.user("learner", language="en")
    auth.login(user)
    client.post("/language", data={"lang": "fr", "next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "fr"
    # A new session (another device) starts in French without switching.
    client.post("/logout")
    client.delete_cookie("session")
    auth.login(user)
    assert '<html lang="fr">' in _page(client)


def test_preferred_language_applies_after_login_without_switching(client, auth, factory):
    user = factory.user("learner", language="rw")
    response = auth.login(user)
    assert response.status_code == 302
    html = _page(client)
    assert '<html lang="rw">' in html
    assert _translation("lms", "rw", "Dashboard") in html
    assert _translation("lms", "rw", "Welcome, %(name)s") % {"name": user.name} in html


def test_anonymous_visitor_gets_browser_language_or_switched_language(client):
    html = _page(client, "/login")
    assert '<html lang="en">' in html and "Log in" in html

    html = _page(client, "/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in html
    # Template strings and the lazily translated form labels and button.
    for french in ("Se connecter", "Mot de passe", "Adresse e-mail", "Mot de passe oublié"):
        assert french in html, french

    client.post("/language", data={"lang": "rw", "next": "/login"})
    html = _page(client, "/login")
    assert '<html lang="rw">' in html
    assert _translation("lms", "rw", "Password") in html


def test_unknown_language_is_ignored(client, auth, factory):
    user = factory.user("learner", language="fr")
    auth.login(user)
    client.post("/language", data={"lang": "xx", "next": "/"})
    assert '<html lang="fr">' in _page(client)


# -- the XBlock i18n service ---------------------------------------------------------------------------

UNAVAILABLE_NOTICE = "This part of the course is not available here. Your trainer can give it to you another way."


def test_xblock_i18n_service_reads_our_package_catalogue():
    from lms.xblock_host.services import I18nService
    from lms.xblock_host.unavailable import UnavailableBlock

    for language in LANGUAGES:
        translated = I18nService(UnavailableBlock, language).ugettext(UNAVAILABLE_NOTICE)
        assert translated == _translation("lms", language, UNAVAILABLE_NOTICE) != UNAVAILABLE_NOTICE
    assert I18nService(UnavailableBlock, "en").ugettext(UNAVAILABLE_NOTICE) == UNAVAILABLE_NOTICE


def test_xblock_i18n_service_reads_the_courses_catalogue_for_course_blocks():
    from courses.blocks.structure import VerticalBlock
    from lms.xblock_host.services import I18nService

    for language in LANGUAGES:
        service = I18nService(VerticalBlock, language)
        assert service.ugettext("Untitled") == _translation("courses", language, "Untitled") != "Untitled"


def test_unavailable_block_notice_is_rendered_in_the_learners_language(app, client, auth, factory, monkeypatch):
    from flask import url_for

    from courses.studio import services as studio
    from courses.versions import publish
    from lms.db import db
    from lms.xblock_host.registry import BlockTypes

    author = factory.user("author")
    course = factory.course(owner=author)
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Module 1")
    lesson = studio.add_block(course, chapter, "sequential", author, "Lesson 1")
    unit = studio.add_block(course, lesson, "vertical", author, "Unit 1")
    studio.add_block(course, unit, "thumbs", author)
    publish(course, author)
    db.session.commit()
    learner = factory.user("learner", language="fr")
    factory.cohort(course=course, learners=[learner])
    # The installation stops allowing the block type after the course was published: learners get the
    # placeholder block and its notice, in their language.
    monkeypatch.setitem(app.extensions, "xblock_types", BlockTypes(["html"]))
    with app.test_request_context():
        path = url_for("courseware.unit", code=course.code, usage_key=unit)

    auth.login(learner)
    html = _page(client, path)
    assert "block-unavailable" in html
    assert _translation("lms", "fr", UNAVAILABLE_NOTICE) in html
    assert UNAVAILABLE_NOTICE not in html


# -- WTForms' own validation messages ------------------------------------------------------------------

WTFORMS_RW = ROOT / "lms" / "translations" / "rw" / "LC_MESSAGES" / "wtforms.po"


def test_the_kinyarwanda_catalogue_of_wtforms_messages_covers_the_installed_wtforms():
    with open(Path(messages_path()) / "wtforms.pot", "rb") as handle:
        wtforms_ids = _ids(read_po(handle))
    catalog = _read_po(WTFORMS_RW)
    assert str(catalog.locale) == "rw" and catalog.plural_forms == PLURALS["rw"] and not catalog.fuzzy
    missing = wtforms_ids - _ids(catalog)
    assert not missing, f"WTForms has new messages ({_describe(missing)}): {HINT}"
    untranslated = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert not untranslated, f"untranslated in {WTFORMS_RW.relative_to(ROOT)}: {untranslated}"
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalog.check()]
    assert not problems, problems
    assert "native speaker" in catalog.header_comment
    _assert_mo_matches(WTFORMS_RW)


def test_every_form_of_the_lms_translates_wtforms_messages_through_lms_forms(app):
    from flask_wtf import FlaskForm

    from lms.forms import Form

    def subclasses(cls: type) -> set[type]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(sub) for sub in found)) if found else found

    ours = [form for form in subclasses(FlaskForm) if form.__module__.split(".")[0] in TRANSLATED_PACKAGES]
    assert len(ours) > 20  # the app has imported every package's forms
    strays = sorted(f"{form.__module__}.{form.__qualname__}" for form in ours if not issubclass(form, Form))
    assert not strays, f"derive these from lms.forms.Form, so that their messages are translated: {strays}"


@pytest.mark.parametrize(
    ("language", "required", "bad_email"),
    [
        ("en", "This field is required.", "Invalid email address."),
        ("fr", "Ce champ est requis.", "Adresse électronique non valide."),
        ("rw", "Uyu mwanya ugomba kuzuzwa.", "Imeyili ntiyemewe."),
    ],
)
def test_wtforms_messages_are_shown_in_the_pages_language(client, language, required, bad_email):
    flask_babel.refresh()
    response = client.post(
        "/login", data={"email": "not-an-address", "password": ""}, headers={"Accept-Language": language}
    )
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and f'<html lang="{language}">' in html
    assert required in html and bad_email in html
    if language != "en":
        assert "This field is required." not in html and "Invalid email address." not in html


def test_the_kinyarwanda_wtforms_messages_come_from_our_catalogue(client):
    """The texts above for rw are ours (WTForms has no Kinyarwanda): a plural one follows the rule too."""
    from lms.i18n import wtforms_translations

    catalog = _read_po(WTFORMS_RW)
    flask_babel.refresh()
    with client.application.test_request_context("/", headers={"Accept-Language": "rw"}):
        translations = wtforms_translations()
        assert translations.gettext("This field is required.") == catalog.get("This field is required.").string
        plural = catalog.get("Field must be at least %(min)d character long.").string
        assert (
            translations.ngettext(
                "Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 8
            )
            == plural[1]
        )


def test_outside_a_request_messages_are_in_the_default_language_or_the_one_forced(app, outside_requests):
    """Commands and queued jobs have no request, hence no session or browser to choose a language from."""

    from lms.i18n import wtforms_translations

    def messages() -> tuple[str, str, str]:
        with app.app_context():
            default = flask_babel.gettext("Status")
            with flask_babel.force_locale("fr"):
                return default, flask_babel.gettext("Status"), wtforms_translations().gettext("Invalid input.")

    french_wtforms = support.Translations.load(messages_path(), ["fr"], domain="wtforms").gettext("Invalid input.")
    assert french_wtforms != "Invalid input."
    assert outside_requests(messages) == ("Status", _translation("lms", "fr", "Status"), french_wtforms)


@pytest.mark.parametrize(("language", "submit"), [("fr", "Soumettre"), ("rw", "Submit"), ("en", "Submit")])
def test_community_blocks_speak_what_their_packages_ship(client, auth, factory, language, submit):
    """poll ships a French catalogue and no Kinyarwanda one: its button follows a French page and stays
    English in a Kinyarwanda page (the README says which installed blocks are translated)."""
    from lms.db import db
    from tests.courses.test_community_blocks import setup_block, unit_page

    built, unit, _poll, learner = setup_block(factory, "poll", f"I18N-POLL-{language.upper()}")
    learner.language = language
    db.session.commit()
    auth.login(learner)
    html = unit_page(client, built, unit)
    block = html[html.index('class="poll-block themed-xblock"') :]
    assert f'<span class="submit-label">{submit}</span>' in block


# -- counts: plural forms through ngettext ---------------------------------------------------------------

# A number placeholder followed by an English plural noun ("%(n)d minutes", "{n} characters", "%(n)d new
# accounts") in a message without plural forms: "1 minutes" in English, "1 minutes" in French.
COUNT_BEFORE_PLURAL_NOUN = re.compile(r"(%\(\w+\)d|\{\w+\}) (?:\w+ )?(?!(?:is|was|has|does)\b)\w+s\b")


def _flat(text: str) -> str:
    """Page text without tags, with one kind of space (French puts a no-break space before a colon)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text.replace("\xa0", " ")))


@pytest.mark.parametrize("package", _catalogued_packages())
def test_a_count_followed_by_a_noun_goes_through_ngettext(package):
    singular_only = [message.id for message in _source_catalog(package) if isinstance(message.id, str)]
    counted = [msgid for msgid in singular_only if COUNT_BEFORE_PLURAL_NOUN.search(msgid)]
    assert not counted, f"use ngettext (or {{% trans count=… %}}) for: {counted}"


def test_module_counters_agree_with_the_number_done_in_french(client, auth, factory):
    """French takes the singular for 0 and 1 ("1 sur 2 terminé"), the plural from 2 ("2 sur 2 terminés")."""
    from tests.courses.helpers import build_course

    built = build_course(factory, {"Sécurité": {"Isolation": [["html"], ["html"]]}}, code="FR-PLURAL")
    learner = factory.user("learner", language="fr")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(learner)
    first, second = built.units

    assert "0 sur 2 terminé " in _flat(_page(client, "/learn/FR-PLURAL/")) + " "
    unit = _flat(_page(client, f"/learn/FR-PLURAL/unit/{first}"))
    assert "Module : 1 sur 2 terminé " in unit + " " and "terminés" not in unit
    assert "1 sur 2 terminé " in _flat(_page(client, "/learn/FR-PLURAL/")) + " "
    assert "Module : 2 sur 2 terminés" in _flat(_page(client, f"/learn/FR-PLURAL/unit/{second}"))
    assert "2 sur 2 terminés" in _flat(_page(client, "/learn/FR-PLURAL/"))


@pytest.mark.parametrize(
    ("retry_after", "language", "expected"),
    [
        (60, "fr", "Réessayez dans 1 minute ou"),
        (61, "fr", "Réessayez dans 2 minutes ou"),
        (60, "rw", "Ongera ugerageze mu munota 1 cyangwa"),
        (120, "rw", "Ongera ugerageze mu minota 2 cyangwa"),
        (60, "en", "Try again in 1 minute or"),
        (120, "en", "Try again in 2 minutes or"),
    ],
)
def test_the_log_in_lockout_counts_its_minutes_in_the_pages_language(
    client, monkeypatch, retry_after, language, expected
):
    from lms.accounts import services

    def throttled(*_args):
        raise services.LoginThrottled(retry_after)

    monkeypatch.setattr(services, "authenticate", throttled)
    client.post("/language", data={"lang": language, "next": "/login"})
    flask_babel.refresh()
    response = client.post("/login", data={"email": "someone@example.org", "password": "whatever it is"})
    assert response.status_code == 429
    assert expected in _flat(unescape(response.get_data(as_text=True)))


@pytest.mark.parametrize(
    ("required", "expected"),
    [(1, "0 entrée supervisée vérifiée sur 1"), (2, "Entrées supervisées vérifiées : 0 sur 2")],
)
def test_the_logbook_counts_its_entries_in_french(client, auth, factory, required, expected):
    """Our XBlocks take plural forms from their package's catalogue through the runtime's i18n service."""
    from tests.blocks.helpers import FIELDS, hospital_course

    fields = dict(FIELDS, procedure_log=dict(FIELDS["procedure_log"], min_supervised=required))
    built = hospital_course(factory, code=f"FR-LOG-{required}", fields=fields)
    learner = factory.user("learner", language="fr")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(learner)
    assert expected in _flat(_page(client, f"/learn/{built.course.code}/unit/{built.unit}"))


@pytest.mark.parametrize(
    ("language", "counts", "expected"),
    [
        ("fr", (1, 1, 0), "Import terminé : 1 inscription (1 nouveau compte), 0 déjà inscrit."),
        ("fr", (3, 2, 2), "Import terminé : 3 inscriptions (2 nouveaux comptes), 2 déjà inscrits."),
        ("rw", (1, 1, 1), "Byinjijwe: 1 yanditswe (konti nshya 1), 1 yari asanzwe yanditswe."),
        ("rw", (3, 2, 2), "Byinjijwe: 3 banditswe (konti nshya 2), 2 bari basanzwe banditswe."),
        ("en", (1, 1, 1), "Imported: 1 enrolled (1 new account), 1 already enrolled."),
    ],
)
def test_the_csv_import_summary_gives_each_count_its_plural_form(
    client, auth, factory, monkeypatch, language, counts, expected
):
    from lms.cohorts import services

    enrolled, created, already = counts
    report = services.ImportReport(enrolled=enrolled, accounts_created=created, already_enrolled=already)
    monkeypatch.setattr(services, "import_enrollments_csv", lambda *_args: report)  # the counts, not an import
    cohort = factory.cohort()
    auth.login(factory.user("admin", language=language))
    response = client.post(
        f"/cohorts/{cohort.id}/import",
        data={"file": (io.BytesIO(b"email,name\n"), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert expected in _flat(_page(client, f"/cohorts/{cohort.id}"))


@pytest.mark.parametrize(
    ("package", "singular", "plural", "cases"),
    [
        (
            "courses",
            "Deleted (%(num)d item). Learners keep seeing it until you publish.",
            "Deleted (%(num)d items). Learners keep seeing it until you publish.",
            {("fr", 1): "Supprimé (1 élément).", ("fr", 2): "Supprimé (2 éléments).", ("rw", 1): "(ikintu 1)"},
        ),
        (
            "lms",
            "Open this link to choose a new password (valid for %(num)d hour):",
            "Open this link to choose a new password (valid for %(num)d hours):",
            {("fr", 1): "(valable 1 heure)", ("fr", 24): "(valable 24 heures)", ("rw", 1): "(umara isaha 1)"},
        ),
        (
            "certificates",
            "Too many checks from your network. Try again in %(num)d second.",
            "Too many checks from your network. Try again in %(num)d seconds.",
            {("fr", 1): "dans 1 seconde.", ("fr", 30): "dans 30 secondes.", ("rw", 30): "mu masegonda 30."},
        ),
    ],
)
def test_messages_with_a_count_have_each_languages_forms(app, package, singular, plural, cases):
    for (language, number), expected in cases.items():
        with app.test_request_context(), flask_babel.force_locale(language):
            assert expected in flask_babel.ngettext(singular, plural, number).replace("\xa0", " ")
