"""The agent's evaluation set: at least 50 conversations, at least 90% of them right."""

import pytest

from chat.evals.run import REQUIRED_RATE, evaluate, report

# A few minutes on a busy machine: more than the suite's per-test limit.
pytestmark = [pytest.mark.django_db, pytest.mark.timeout(600)]


def test_the_agent_passes_the_evaluation_set(capsys):
    outcomes = evaluate()
    summary = report(outcomes)
    with capsys.disabled():
        print("\n" + summary)
    assert len(outcomes) >= 50
    assert sum(o.passed for o in outcomes) / len(outcomes) >= REQUIRED_RATE, summary
