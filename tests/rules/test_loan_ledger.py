"""Tests of the loan ledger: disbursement, failure, service, growth and its money identities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzsim.rules.loan_ledger import COMPLETED, DISBURSING, FAILED, LoanLedger, annuity_payment


def test_annuity_payment_hand_values() -> None:
    # 100 over 12 months at 1% a month: 100 * 0.01 / (1 - 1.01^-12) = 8.88488
    assert annuity_payment(np.array([100.0]), np.array([0.12]), np.array([12]))[0] == (
        pytest.approx(8.884879, rel=1e-6)
    )
    assert annuity_payment(np.array([120.0]), np.array([0.0]), np.array([12]))[0] == 10.0
    assert annuity_payment(np.array([50.0]), np.array([0.12]), np.array([1]))[0] == (
        pytest.approx(50.5)
    )
    assert annuity_payment(np.array([50.0]), np.array([0.12]), np.array([0]))[0] == (
        pytest.approx(50.5)
    )
    # a vanishing rate converges to equal parts
    assert annuity_payment(np.array([120.0]), np.array([1e-9]), np.array([12]))[0] == (
        pytest.approx(10.0)
    )


def test_annuity_payments_repay_the_balance() -> None:
    balance, rate, months = 10.0, 0.03, 180
    payment = annuity_payment(np.array([balance]), np.array([rate]), np.array([months]))[0]
    for _ in range(months):
        balance = balance * (1 + rate / 12) - payment
    assert balance == pytest.approx(0.0, abs=1e-9)


def add_loans(ledger: LoanLedger, principals: list[float], signed: int = 0, **kw: Any) -> slice:
    n = len(principals)
    defaults: dict[str, Any] = {
        "rate": np.full(n, 0.03),
        "maturity": np.full(n, 120),
        "grace": np.full(n, 24),
        "disbursement_months": np.full(n, 12),
        "region": np.zeros(n, dtype=np.int64),
        "sector": np.zeros(n, dtype=np.int64),
    }
    defaults.update(kw)
    return ledger.add(principal=np.array(principals), signed=signed, **defaults)


def test_ledger_disburses_over_the_disbursement_period_then_completes() -> None:
    ledger = LoanLedger()
    add_loans(ledger, [1.2])
    amounts = [ledger.disburse()[0] for _ in range(13)]
    np.testing.assert_allclose(amounts[:12], 0.1)
    assert amounts[12] == 0.0
    assert ledger.status[0] == COMPLETED
    assert ledger.outstanding[0] == pytest.approx(1.2)


def test_ledger_failure_cancels_and_writes_off() -> None:
    ledger = LoanLedger()
    add_loans(ledger, [1.0, 1.0])
    for _ in range(4):
        ledger.disburse()
    cancelled, lost = ledger.fail(0, 0.5)
    assert cancelled == pytest.approx(1.0 - 4 / 12)
    assert lost == pytest.approx(0.5 * 4 / 12)
    assert ledger.status[0] == FAILED and ledger.status[1] == DISBURSING
    assert ledger.disburse()[0] == 0.0
    assert ledger.outstanding[0] == pytest.approx(2 / 12)
    assert np.abs(ledger.balance_error()).max() < 1e-12


def test_completed_value_counts_completed_projects_of_one_sector() -> None:
    ledger = LoanLedger()
    # Three transport loans (sector 0) and one energy loan (sector 1); projects worth 1/0.3 of
    # their loans. One transport project fails before completion, one takes two years.
    add_loans(
        ledger,
        [0.3, 0.6, 0.3, 0.9],
        sector=np.array([0, 0, 0, 1]),
        disbursement_months=np.array([12, 12, 24, 12]),
        project_value=np.array([1.0, 2.0, 1.0, 3.0]),
    )
    assert ledger.completed_value(0) == 0.0
    ledger.disburse()
    ledger.fail(1, 0.5)
    for _ in range(11):
        ledger.disburse()
    assert ledger.completed_value(0) == pytest.approx(1.0)  # the failed and unfinished are out
    assert ledger.completed_value(1) == pytest.approx(3.0)
    for _ in range(12):
        ledger.disburse()
    assert ledger.completed_value(0) == pytest.approx(2.0)


def test_ledger_service_pays_interest_in_grace_and_amortises_to_zero_by_maturity() -> None:
    ledger = LoanLedger()
    add_loans(ledger, [1.2], grace=np.array([24]), maturity=np.array([120]))
    for step in range(120):
        ledger.disburse()
        interest, principal = ledger.service(step)
        if step < 24:
            assert principal[0] == 0.0
            assert interest[0] > 0.0
        else:
            assert principal[0] > 0.0
    assert ledger.outstanding[0] == 0.0
    assert ledger.repaid[0] == pytest.approx(1.2)


def test_ledger_grows_past_its_capacity() -> None:
    ledger = LoanLedger()
    for k in range(40):
        add_loans(ledger, [0.1 * (k + 1)])
    assert ledger.size == 40
    np.testing.assert_allclose(ledger.principal[:40], 0.1 * np.arange(1, 41))


OPERATION = st.one_of(
    st.tuples(st.just("add"), st.floats(0.01, 5.0), st.integers(1, 40), st.integers(0, 60)),
    st.tuples(st.just("disburse")),
    st.tuples(st.just("service")),
    st.tuples(st.just("fail"), st.integers(0, 50), st.floats(0.0, 1.0)),
    st.tuples(st.just("equity"), st.floats(0.0, 1.0)),
    st.tuples(st.just("write_off"), st.floats(0.0, 1.0)),
    st.tuples(st.just("reschedule"), st.integers(1, 120)),
)


@given(
    operations=st.lists(OPERATION, min_size=1, max_size=80),
    rate=st.floats(0.0, 0.2),
    legacy=st.floats(0.0, 50.0),
)
@settings(max_examples=150, deadline=None)
def test_ledger_balances_under_any_sequence(
    operations: list[tuple[Any, ...]], rate: float, legacy: float
) -> None:
    ledger = LoanLedger()
    if legacy > 0:
        add_loans(ledger, [legacy], rate=np.array([rate]), grace=np.array([0]), predisbursed=True)
    for step, op in enumerate(operations, start=1):
        if op[0] == "add":
            add_loans(
                ledger,
                [op[1]],
                signed=step,
                rate=np.array([rate]),
                disbursement_months=np.array([op[2]]),
                grace=np.array([op[3]]),
                maturity=np.array([op[3] + 12]),
            )
        elif op[0] == "disburse":
            ledger.disburse()
        elif op[0] == "service":
            ledger.service(step)
        elif op[0] == "fail" and op[1] < ledger.size and ledger.status[op[1]] == DISBURSING:
            ledger.fail(op[1], op[2])
        elif op[0] == "equity":
            ledger.convert_to_equity(op[1])
        elif op[0] == "write_off":
            ledger.write_off(op[1])
        elif op[0] == "reschedule":
            ledger.reschedule(op[1])
    n = ledger.size
    scale = max(1.0, float(ledger.principal[:n].sum()))
    assert np.abs(ledger.balance_error()).max(initial=0.0) <= 1e-9 * scale
    assert ledger.outstanding[:n].min(initial=0.0) >= -1e-12 * scale
    assert ledger.undisbursed().min(initial=0.0) >= -1e-12 * scale
    for column in ("repaid", "written_off", "converted", "cancelled", "disbursed"):
        assert getattr(ledger, column)[:n].min(initial=0.0) >= 0.0
