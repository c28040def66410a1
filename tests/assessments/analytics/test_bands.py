"""Words for the figures: Moodle's facility and discrimination bands, Hake's gain bands."""

import pytest

from assessments.analytics import (
    DiscriminationBand,
    FacilityBand,
    HakeBand,
    discrimination_band,
    facility_band,
    hake_band,
)


@pytest.mark.parametrize(
    ("facility", "band"),
    [
        (-0.1, FacilityBand.EXTREMELY_DIFFICULT),  # penalties can take the mean below zero
        (0.0, FacilityBand.EXTREMELY_DIFFICULT),
        (0.05, FacilityBand.EXTREMELY_DIFFICULT),  # "5 or less"
        (0.06, FacilityBand.VERY_DIFFICULT),
        (0.10, FacilityBand.VERY_DIFFICULT),
        (0.11, FacilityBand.DIFFICULT),
        (0.20, FacilityBand.DIFFICULT),
        (0.21, FacilityBand.MODERATELY_DIFFICULT),
        (0.345, FacilityBand.MODERATELY_DIFFICULT),
        (0.35, FacilityBand.ABOUT_RIGHT),
        (0.64, FacilityBand.ABOUT_RIGHT),
        (0.65, FacilityBand.FAIRLY_EASY),  # the published table skips 65: split there
        (0.80, FacilityBand.FAIRLY_EASY),
        (0.805, FacilityBand.FAIRLY_EASY),
        (0.81, FacilityBand.EASY),
        (0.89, FacilityBand.EASY),
        (0.90, FacilityBand.VERY_EASY),
        (0.94, FacilityBand.VERY_EASY),
        (0.95, FacilityBand.EXTREMELY_EASY),
        (1.0, FacilityBand.EXTREMELY_EASY),
    ],
)
def test_facility_bands(facility, band):
    assert facility_band(facility) is band


@pytest.mark.parametrize(
    ("index", "band"),
    [
        (-0.01, DiscriminationBand.INVALID),
        (0, DiscriminationBand.VERY_WEAK),
        (19.9, DiscriminationBand.VERY_WEAK),
        (20, DiscriminationBand.WEAK),
        (29.9, DiscriminationBand.WEAK),
        (30, DiscriminationBand.ADEQUATE),
        (49.9, DiscriminationBand.ADEQUATE),
        (50, DiscriminationBand.VERY_GOOD),
        (100, DiscriminationBand.VERY_GOOD),
    ],
)
def test_discrimination_bands(index, band):
    assert discrimination_band(index) is band


@pytest.mark.parametrize(
    ("g", "band"),
    [(-0.2, HakeBand.LOW), (0.29, HakeBand.LOW), (0.3, HakeBand.MEDIUM), (0.69, HakeBand.MEDIUM), (0.7, HakeBand.HIGH)],
)
def test_hake_bands(g, band):
    assert hake_band(g) is band


def test_undefined_figures_have_no_band():
    assert facility_band(None) is None and discrimination_band(None) is None and hake_band(None) is None


def test_bands_are_machine_codes():
    assert FacilityBand.ABOUT_RIGHT == "about_right" and DiscriminationBand.INVALID == "invalid"
