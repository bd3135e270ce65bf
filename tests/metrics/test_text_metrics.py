import pytest

import punchup.metrics as metrics
from punchup.metrics import text_metrics


def test_all_exports_exist() -> None:
    for name in metrics.__all__:
        assert hasattr(metrics, name), name


def test_text_metrics_combines_the_individual_metrics() -> None:
    text = (
        "In that moment, a shiver ran down her spine. The lighthouse stood on the rock. "
        "The lighthouse stood on the rock."
    )
    result = text_metrics(text)
    assert result.words == metrics.word_count(text) == 21
    assert result.slop_per_1000 == pytest.approx(1000 * 2 / 21)
    assert set(result.slop_phrases) == {"in that moment", "shiver down her spine"}
    assert result.repetition_3gram == pytest.approx(metrics.repetition(text, n=3))
    assert result.repetition_3gram > 0
    assert result.lexical_diversity == pytest.approx(metrics.lexical_diversity(text))
    assert result.refusal.label == "comply"
    assert result.slop_list_version == metrics.SLOP_LIST_VERSION


def test_text_metrics_flags_a_refusal() -> None:
    result = text_metrics("I'm sorry, but I can't help with that.")
    assert result.refusal.label == "refuse"
    assert result.slop_per_1000 == 0.0


def test_text_metrics_round_trips_through_json() -> None:
    result = text_metrics("A short story about a tapestry.")
    assert type(result).model_validate_json(result.model_dump_json()) == result
