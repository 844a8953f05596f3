from __future__ import annotations

from pathlib import Path

import pytest

from generator.model import ApiModel
from generator.pipeline import model_from_book

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BOOKS = FIXTURES / "books"
AIDP_BOOK = ROOT / "input" / "aidp"


@pytest.fixture(scope="session")
def aidp_model() -> ApiModel:
    model, _ = model_from_book(AIDP_BOOK)
    return model
