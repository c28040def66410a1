"""Canonicalisation refuses what a signature would not cover, and stops on pathological graphs."""

from __future__ import annotations

import time

import pytest

from certificates.vc import canonical, contexts
from certificates.vc.errors import AlteredContext, DataLoss, Malformed, TooComplex, UnknownContext
from tests.certificates.vc import samples

OB = [
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def legacy(document: dict) -> dict:
    """Drop what only OB 3.0.3 defines."""
    document.pop("awardedDate", None)
    document["credentialSubject"]["achievement"].pop("inLanguage", None)
    return document


def test_every_bundled_file_has_its_manifest_hash():
    contexts.forget()
    for url in contexts.MANIFEST:
        assert contexts.document_loader(url)["document"]["@context"]
    assert set(contexts.context_hashes()) == set(contexts.MANIFEST)


@pytest.mark.parametrize("url", OB)
def test_open_badges_contexts_3_0_0_to_3_0_3(url):
    # 3.0.0 and 3.0.1 were published for VC 1.1; 3.0.2 onwards for VC 2.0.
    document = samples.unsigned_v1(url) if url in OB[:2] else samples.unsigned(url)
    if url != OB[3]:
        legacy(document)
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementSubject" in canonical.canonize(document)


@pytest.mark.parametrize(
    ("change", "term"),
    [
        (lambda d: d["credentialSubject"].__setitem__("grade", "Distinction"), "grade"),
        (lambda d: d["credentialSubject"]["achievement"].__setitem__("grade", "Distinction"), "grade"),
        (lambda d: d["issuer"].__setitem__("name ", "Forged"), "name "),
        (lambda d: d.__setitem__("fakeTopLevel", 1), "fakeTopLevel"),
        (lambda d: d["type"].append("Bogus"), "Bogus"),
        (lambda d: d["credentialSubject"]["achievement"].__setitem__("id", "achievements/1"), "achievements/1"),
    ],
)
def test_data_loss(change, term):
    document = samples.unsigned()
    change(document)
    with pytest.raises(DataLoss) as raised:
        canonical.canonize(document)
    assert raised.value.term == term


def test_unknown_context():
    document = samples.unsigned()
    document["@context"].append("https://example.com/ctx")
    with pytest.raises(UnknownContext) as raised:
        canonical.canonize(document)
    assert raised.value.reason == "unknown context https://example.com/ctx"


def test_altered_context(monkeypatch):
    filename, _digest = contexts.MANIFEST[contexts.OB_V3P0]
    monkeypatch.setitem(contexts.MANIFEST, contexts.OB_V3P0, (filename, "0" * 64))
    canonical.forget()
    try:
        with pytest.raises(AlteredContext):
            canonical.canonize(samples.unsigned())
    finally:
        monkeypatch.undo()
        canonical.forget()
    assert canonical.canonize(samples.unsigned())


def test_not_json_ld():
    with pytest.raises(Malformed):
        canonical.canonize({"@context": 5})
    with pytest.raises(Malformed):
        canonical.canonize([])


def clique(size: int) -> dict:
    """A blank-node clique (rdf-canon test074's shape): every node points at every other."""
    nodes = [{"@id": f"_:n{i}"} for i in range(size)]
    for i, node in enumerate(nodes):
        node["http://example.org/p"] = [{"@id": f"_:n{j}"} for j in range(size) if j != i]
    return {"@context": {}, "@graph": nodes}


def test_pathological_graph_stops_within_the_time_limit():
    started = time.monotonic()
    with pytest.raises(TooComplex):
        canonical.canonize(clique(10), time_limit=0.5)
    assert time.monotonic() - started < 2


def test_small_clique_still_canonicalises():
    assert canonical.canonize(clique(3)).count("\n") == 6


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("Caf\u0065\u0301", "Caf\u00e9"), ("a\x00b\x08c\x7f", "abc"), ("line\n\ttab\r", "line\n\ttab\r")],
)
def test_clean_text(raw, clean):
    assert canonical.clean_text(raw) == clean


def test_time_limit_works_in_threads():
    # The web app may verify in worker threads: the limit is a clock check, not a signal or a fork.
    from concurrent.futures import ThreadPoolExecutor

    def attempt(_index: int) -> str:
        try:
            canonical.canonize(clique(10), time_limit=0.3)
        except TooComplex:
            return "stopped"
        return "finished"

    with ThreadPoolExecutor(max_workers=3) as pool:
        assert list(pool.map(attempt, range(3))) == ["stopped"] * 3
