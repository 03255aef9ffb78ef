"""The loan ledger: every Chinese loan, one row per loan, and the money flows on it (BR2-BR6, BR10).

A data structure of its own, used by the ``bri_loans`` rule: loans are signed (``add``), disbursed
in monthly tranches until their project is completed (``disburse``), serviced with interest
throughout and annuity principal after grace (``service``), failed (``fail``: the undisbursed part
is cancelled, a share of the debt written off), and, when Kazakhstan is in distress, rescheduled,
swapped for equity or written off across the board. The pre-BRI stock is one fully disbursed
``LEGACY`` loan. Every operation keeps the money identities of :class:`LoanLedger`, which
``balance_error`` checks.

References:
    docs/model.md, section 7.2 (state kept on the rule; debt service). The annuity formula is the
    standard one, ``A = B r / (1 - (1 + r)^-n)``.

"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Loan status codes.
DISBURSING, COMPLETED, FAILED, LEGACY = 0, 1, 2, 3


def annuity_payment(balance: FloatArray, annual_rate: FloatArray, months: IntArray) -> FloatArray:
    """Monthly annuity that repays ``balance`` over ``months`` at ``annual_rate / 12``.

    ``A = B r / (1 - (1 + r)^-n)``; for ``r -> 0`` it is ``B / n`` (plus the interest ``B r``).
    ``months`` below 1 count as 1.
    """
    r = np.asarray(annual_rate, dtype=np.float64) / 12.0
    n = np.maximum(np.asarray(months), 1).astype(np.float64)
    balance = np.asarray(balance, dtype=np.float64)
    positive = r > 1e-12  # below that the interest is negligible: repay in equal parts
    safe_r = np.where(positive, r, 1.0)
    # 1 - (1 + r)^-n written with expm1/log1p so that small rates keep their precision
    with_interest = balance * safe_r / -np.expm1(-n * np.log1p(safe_r))
    payment: FloatArray = np.where(positive, with_interest, balance / n + balance * r)
    return payment


def _floats() -> FloatArray:
    return np.zeros(0, dtype=np.float64)


def _ints() -> IntArray:
    return np.zeros(0, dtype=np.int64)


@dataclass
class LoanLedger:
    """Every Chinese loan, one row per loan, in preallocated arrays that double when full.

    Money identities (US$ bn), per loan:
        ``disbursed - repaid - written_off - converted = outstanding`` and
        ``principal = disbursed + cancelled + undisbursed``.
    """

    size: int = 0
    principal: FloatArray = field(default_factory=_floats)
    project_value: FloatArray = field(default_factory=_floats)
    disbursed: FloatArray = field(default_factory=_floats)
    repaid: FloatArray = field(default_factory=_floats)
    written_off: FloatArray = field(default_factory=_floats)
    converted: FloatArray = field(default_factory=_floats)
    cancelled: FloatArray = field(default_factory=_floats)
    outstanding: FloatArray = field(default_factory=_floats)
    interest_paid: FloatArray = field(default_factory=_floats)
    rate: FloatArray = field(default_factory=_floats)
    leakage: FloatArray = field(default_factory=_floats)
    content: FloatArray = field(default_factory=_floats)
    maturity: IntArray = field(default_factory=_ints)
    grace: IntArray = field(default_factory=_ints)
    disbursement_months: IntArray = field(default_factory=_ints)
    signed: IntArray = field(default_factory=_ints)
    region: IntArray = field(default_factory=_ints)
    sector: IntArray = field(default_factory=_ints)
    status: IntArray = field(default_factory=_ints)

    def _reserve(self, extra: int) -> None:
        capacity = self.principal.size
        if self.size + extra <= capacity:
            return
        new_capacity = max(16, 2 * capacity, self.size + extra)
        for column in fields(self):
            if column.name == "size":
                continue
            old = getattr(self, column.name)
            grown = np.zeros(new_capacity, dtype=old.dtype)
            grown[: old.size] = old
            setattr(self, column.name, grown)

    def add(
        self,
        *,
        principal: FloatArray,
        rate: FloatArray,
        maturity: IntArray,
        grace: IntArray,
        disbursement_months: IntArray,
        signed: int,
        region: IntArray,
        sector: IntArray,
        project_value: FloatArray | None = None,
        leakage: FloatArray | None = None,
        content: FloatArray | None = None,
        predisbursed: bool = False,
    ) -> slice:
        """Sign new loans (arrays of equal length); return their rows.

        A ``predisbursed`` loan (the legacy stock) is fully disbursed and outstanding at once.
        """
        n = int(np.asarray(principal).size)
        self._reserve(n)
        rows = slice(self.size, self.size + n)
        zeros = np.zeros(n)
        self.principal[rows] = principal
        self.project_value[rows] = principal if project_value is None else project_value
        self.rate[rows] = rate
        self.maturity[rows] = maturity
        self.grace[rows] = grace
        self.disbursement_months[rows] = disbursement_months
        self.signed[rows] = signed
        self.region[rows] = region
        self.sector[rows] = sector
        self.leakage[rows] = zeros if leakage is None else leakage
        self.content[rows] = zeros if content is None else content
        if predisbursed:
            self.disbursed[rows] = principal
            self.outstanding[rows] = principal
            self.status[rows] = LEGACY
        else:
            self.status[rows] = DISBURSING
        self.size += n
        return rows

    def undisbursed(self) -> FloatArray:
        """Principal neither disbursed nor cancelled, per loan."""
        n = self.size
        rest: FloatArray = self.principal[:n] - self.disbursed[:n] - self.cancelled[:n]
        return rest

    def disbursing(self) -> BoolArray:
        """Loans whose projects are under construction."""
        mask: BoolArray = self.status[: self.size] == DISBURSING
        return mask

    def disburse(self) -> FloatArray:
        """Disburse one month's tranche of every loan under construction; return the amounts.

        The tranche is ``principal / disbursement_months``; the last one takes exactly what is
        left, and the project is then completed.
        """
        n = self.size
        active = self.disbursing()
        rest = self.undisbursed()
        tranche = self.principal[:n] / np.maximum(self.disbursement_months[:n], 1)
        amount = np.where(active, np.minimum(tranche, rest), 0.0)
        finishing = active & (rest - amount <= 1e-9 * np.maximum(self.principal[:n], 1e-12))
        amount = np.where(finishing, rest, amount)
        self.disbursed[:n] += amount
        self.outstanding[:n] += amount
        self.status[:n][finishing] = COMPLETED
        out: FloatArray = amount
        return out

    def project_spending(self, disbursed: FloatArray) -> float:
        """Project money spent with this month's loan tranches, US$ bn (loans scaled to value).

        Each project spends in step with its loan: ``sum(disbursed * value / principal)``.
        """
        n = disbursed.size
        scale = self.project_value[:n] / np.maximum(self.principal[:n], 1e-12)
        return float(disbursed @ scale)

    def completed_value(self, sector: int) -> float:
        """Project value of the completed (not failed) projects of ``sector``, US$ bn."""
        n = self.size
        done = (self.status[:n] == COMPLETED) & (self.sector[:n] == sector)
        return float(self.project_value[:n][done].sum())

    def fail(self, index: int, writeoff_share: float) -> tuple[float, float]:
        """Fail a project: cancel its undisbursed part, write off a share of its debt.

        Returns:
            ``(cancelled, written_off)`` in US$ bn.

        """
        cancelled = float(self.principal[index] - self.disbursed[index] - self.cancelled[index])
        self.cancelled[index] += cancelled
        lost = writeoff_share * float(self.outstanding[index])
        self.written_off[index] += lost
        self.outstanding[index] -= lost
        self.status[index] = FAILED
        return cancelled, lost

    def service(self, month: int) -> tuple[FloatArray, FloatArray]:
        """Pay this month's interest on all debt and annuity principal on loans past grace.

        Args:
            month: the current month, on the clock of the loans' ``signed`` months.

        Returns:
            Per-loan ``(interest, principal repaid)`` in US$ bn.

        """
        n = self.size
        outstanding = self.outstanding[:n]
        owing = outstanding > 0.0
        rate = self.rate[:n]
        interest = np.where(owing, outstanding * rate / 12.0, 0.0)
        age = month - self.signed[:n]
        remaining = self.maturity[:n] - age
        due = owing & (age >= self.grace[:n])
        payment = annuity_payment(outstanding, rate, remaining)
        principal_part = np.clip(payment - outstanding * rate / 12.0, 0.0, outstanding)
        principal_part = np.where(remaining <= 1, outstanding, principal_part)
        principal_part = np.where(due, principal_part, 0.0)
        self.repaid[:n] += principal_part
        self.outstanding[:n] -= principal_part
        self.interest_paid[:n] += interest
        return interest, principal_part

    def convert_to_equity(self, share: float) -> float:
        """Swap ``share`` of every loan's outstanding debt for equity; return the amount."""
        n = self.size
        amount = share * self.outstanding[:n]
        self.converted[:n] += amount
        self.outstanding[:n] -= amount
        return float(amount.sum())

    def write_off(self, share: float) -> float:
        """Write off ``share`` of every loan's outstanding debt; return the amount."""
        n = self.size
        amount = share * self.outstanding[:n]
        self.written_off[:n] += amount
        self.outstanding[:n] -= amount
        return float(amount.sum())

    def reschedule(self, months: int) -> int:
        """Extend the maturity of every loan with debt outstanding; return how many."""
        n = self.size
        owing = self.outstanding[:n] > 0.0
        self.maturity[:n][owing] += months
        return int(owing.sum())

    def balance_error(self) -> FloatArray:
        """Per loan, ``disbursed - repaid - written_off - converted - outstanding`` (0 if sound)."""
        n = self.size
        error: FloatArray = (
            self.disbursed[:n]
            - self.repaid[:n]
            - self.written_off[:n]
            - self.converted[:n]
            - self.outstanding[:n]
        )
        return error

    @property
    def total_outstanding(self) -> float:
        """Debt owed to Chinese lenders, US$ bn."""
        return float(self.outstanding[: self.size].sum())
