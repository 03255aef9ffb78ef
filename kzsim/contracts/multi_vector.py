"""Contract of the multi-vector rule: parameters, engagement and alignment series, the channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from kzsim.contract import Channel, FloatArray, RuleState, var
from kzsim.contracts.base import RuleConfig
from kzsim.series import RegionalSeries, Series

#: Partners (rows of the engagement matrix) and domains (columns).
PARTNERS = ("russia", "china", "west")
DOMAINS = ("economic", "security", "political")
#: Domains the BRI debt trap moves (P L66-68: debt dependency turns into political alignment).
TRAP_DOMAINS = ("economic", "political")


class Config(RuleConfig):
    """Multi-vector balancing: benefits, what holds engagement back, costs of moving."""

    economic_half_life_months: float = Field(
        18.0,
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap between economic engagement and its target "
        "(costs of moving: contracts, projects); (A)",
    )
    security_half_life_months: float = Field(
        60.0,
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap in security engagement, the slowest domain "
        "(arms, training, treaties: T L1218-1230, L2129-2131); size (A)",
    )
    political_half_life_months: float = Field(
        12.0,
        gt=0.0,
        le=600.0,
        description="months; half-life of the gap in political engagement; (A)",
    )
    trade_gain: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="benefit per unit of a partner's import share (market access; O L23, E L102: "
        "the EU is almost a third of trade); size (A)",
    )
    union_gain: float = Field(
        0.3,
        ge=0.0,
        le=10.0,
        description="Russia's economic benefit of EAEU membership (the union's market; E L93); "
        "size (A)",
    )
    investment_gain: float = Field(
        6.0,
        ge=0.0,
        le=100.0,
        description="China's economic benefit per unit of BRI investment over GDP (China "
        '"has invested far more money in Kazakhstan than it has loaned", T L888-894; O L29, '
        "E L44); size (A)",
    )
    transit_gain: float = Field(
        50.0,
        ge=0.0,
        le=1000.0,
        description="China's economic benefit per unit of corridor transit revenue (US$ bn a "
        "year) over GDP (transit fees, P L610-613; BR5); size (A)",
    )
    need_gain: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="investment benefit x (1 + this x capital_need): scarce capital makes China's "
        "money weigh more (MV4, E L41); size (A)",
    )
    security_gain: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="Russia's security benefit per unit of its security leverage (arms, "
        "training; T L1218-1224, L1383-1385); size (A)",
    )
    gratitude_gain: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="Russia's political benefit per unit of CSTO gratitude: concessions owed "
        "for the rescue, which fade (RL5, T L297-307); size (A)",
    )
    money_spillover: float = Field(
        0.5,
        ge=0.0,
        le=10.0,
        description="political benefit per unit of a partner's economic benefit: elites follow "
        "money, not public opinion (MV4, T L2083-2089, L2127-2129); size (A)",
    )
    hedge_gain: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="political benefit to China and the West together per unit of threat "
        "perception (MV2, T L1987-1989); size (A)",
    )
    hedge_share_china: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        description="share of the hedge that goes to China (E L44: joining OBOR balances "
        "Russia), the rest to the West (T L1981-1989, E L102); (A)",
    )
    threat_aversion: float = Field(
        0.5,
        ge=0.0,
        le=10.0,
        description="Russia's political target x exp(-this x threat_perception) (balance of "
        "threat, Walt 1987; T L1987-1995); size (A)",
    )
    dependence_aversion: float = Field(
        1.0,
        ge=0.0,
        le=20.0,
        description="target x exp(-this x (effective share of a domain - comfort_share)) above "
        "the comfort share (hedging, Kuik 2008; O L29, C L64); size (A)",
    )
    comfort_share: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="share of a domain's engagement one partner may hold before it holds "
        "engagement with that partner back; (A)",
    )
    mutual_damping: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Russia's (China's) effective share x (1 - this x China's (Russia's) mean "
        "engagement); MV1 P L604-609; size (A)",
    )

    @property
    def half_lives(self) -> tuple[float, float, float]:
        """Half-lives of the economic, security and political domains, months."""
        return (
            self.economic_half_life_months,
            self.security_half_life_months,
            self.political_half_life_months,
        )


READS = (
    "kazakhstan.gdp_usd_bn",
    "tariff_harmonisation.eaeu_member",
    "tariff_harmonisation.import_share_russia",
    "tariff_harmonisation.import_share_china",
    "tariff_harmonisation.import_share_other",
    "bri_loans.capital_need",
    "bri_loans.china_investment_usd_bn",
    "bri_loans.transit_revenue_usd_bn",
    "russian_reactions.security_leverage_russia",
    "russian_reactions.csto_gratitude",
    "russian_reactions.threat_perception",
)
#: Channels this rule posts to: none, it moves only its own state.
POSTS: tuple[str, ...] = ()
#: The citizens' arrays (kzsim.agents.population) this rule owns and alone writes.
CITIZENS: tuple[str, ...] = ()

_SCOPES: dict[str, Any] = {"russia": "russia", "china": "china", "west": "kazakhstan"}
_NAMES = {"russia": "Russia", "china": "China", "west": "the West"}


def _engagement(default: float, partner: str, domain: str, why: str) -> Any:
    return var(
        default,
        unit="index 0-1",
        description=f"{domain} engagement with {_NAMES[partner]} (0 none, 1 full); initial "
        f"level {why}",
        scope=_SCOPES[partner],
    )


@dataclass
class State(RuleState):
    """Engagement with each partner in each domain, the alignment derived from it, and the holds.

    The multi-vector rule alone writes these fields. Other rules move engagement only through the
    ``multi_vector.alignment`` channel (:func:`shift_toward_china`). The scenario's initial section
    and its events set the alignment; the engagement is then rescaled partner by partner so that
    the alignment derived from it is the one set (:func:`match_alignment`).
    """

    owner = "multi_vector"
    initial_from: ClassVar[dict[str, str]] = {
        "kazakhstan.alignment_russia": "alignment_russia",
        "kazakhstan.alignment_china": "alignment_china",
        "kazakhstan.alignment_west": "alignment_west",
    }

    engagement_russia_economic: float = _engagement(
        0.6, "russia", "economic", "(A), then scaled to the initial alignment"
    )
    engagement_russia_security: float = _engagement(
        0.8,
        "russia",
        "security",
        "(A; Russia ~60% of Central Asian arms imports, T L1383-1385), then scaled",
    )
    engagement_russia_political: float = _engagement(
        0.6, "russia", "political", "(A), then scaled to the initial alignment"
    )
    engagement_china_economic: float = _engagement(
        0.35, "china", "economic", "(A), then scaled to the initial alignment"
    )
    engagement_china_security: float = _engagement(
        0.1, "china", "security", "(A; China's arms share small, T L1381-1388), then scaled"
    )
    engagement_china_political: float = _engagement(
        0.25, "china", "political", "(A), then scaled to the initial alignment"
    )
    engagement_west_economic: float = _engagement(
        0.5, "west", "economic", "(A; EU almost a third of trade, E L102), then scaled"
    )
    engagement_west_security: float = _engagement(
        0.15, "west", "security", "(A; NATO Partnership for Peace, O L26), then scaled"
    )
    engagement_west_political: float = _engagement(
        0.35, "west", "political", "(A), then scaled to the initial alignment"
    )
    alignment_russia: float = var(
        0.5,
        unit="share 0-1",
        description="Russia's share of Kazakhstan's engagement (all domains, equal weights)",
        headline=True,
        group="alignment",
    )
    alignment_china: float = var(
        0.2,
        unit="share 0-1",
        description="China's share of Kazakhstan's engagement (all domains, equal weights)",
        headline=True,
        group="alignment",
    )
    alignment_west: float = var(
        0.3,
        unit="share 0-1",
        description="the West's share of Kazakhstan's engagement (all domains, equal weights)",
        headline=True,
        group="alignment",
    )
    leverage_russia: float = var(
        0.0,
        unit="share 0-1",
        description="Russia's hold: its mean share of each domain's engagement, damped by "
        "China's presence (MV1)",
        scope="russia",
        group="alignment",
    )
    leverage_china: float = var(
        0.0,
        unit="share 0-1",
        description="China's hold: its mean share of each domain's engagement, damped by "
        "Russia's presence (MV1)",
        scope="china",
        group="alignment",
    )
    china_economic_weight: float = var(
        0.0,
        unit="share 0-1",
        description="China's share of Kazakhstan's economic engagement (before MV1 damping)",
        scope="china",
    )
    autonomy_index: float = var(
        1.0,
        unit="share 0-1",
        description="1 - the stronger of Russia's and China's hold",
        headline=True,
        group="alignment",
    )

    @classmethod
    def create(cls, regions: int, initial: Any = None) -> State:
        """The state at the start: defaults, the initial alignment, engagement scaled to it."""
        state = super().create(regions, initial)
        match_alignment(state)
        return state


#: Series derived from more than this rule's state (none).
DERIVED: tuple[Series, ...] = ()
DERIVED_REGIONAL: tuple[RegionalSeries, ...] = ()


def engagement_matrix(state: State) -> FloatArray:
    """The engagement as a (partner, domain) array, in :data:`PARTNERS` x :data:`DOMAINS` order."""
    return np.array(
        [[getattr(state, f"engagement_{p}_{d}") for d in DOMAINS] for p in PARTNERS],
        dtype=np.float64,
    )


def alignment_shares(engagement: FloatArray) -> FloatArray:
    """Each partner's share of all engagement (domains weighted equally); sums to 1.

    With no engagement at all the shares are equal.
    """
    totals = np.clip(engagement, 0.0, None).sum(axis=1)
    grand = float(totals.sum())
    if grand <= 0.0:
        return np.full(len(PARTNERS), 1.0 / len(PARTNERS))
    return np.asarray(totals / grand, dtype=np.float64)


def write_engagement(state: State, engagement: FloatArray) -> None:
    """Write the engagement (clipped to [0, 1]) and the alignment derived from it."""
    engagement = np.clip(engagement, 0.0, 1.0)
    for i, partner in enumerate(PARTNERS):
        for j, domain in enumerate(DOMAINS):
            setattr(state, f"engagement_{partner}_{domain}", float(engagement[i, j]))
    shares = alignment_shares(engagement)
    state.alignment_russia, state.alignment_china, state.alignment_west = (
        float(shares[0]),
        float(shares[1]),
        float(shares[2]),
    )


def scale_to_alignment(engagement: FloatArray, alignment: FloatArray) -> FloatArray:
    """Rescale each partner's engagement so that its share of the total is ``alignment``.

    The alignment is first normalised (an event may leave it off the simplex); the total
    engagement is kept. A partner with no engagement gets the same level in every domain.
    Entries above 1 are clipped, so a very lopsided alignment is met only approximately.
    """
    weights = np.clip(np.asarray(alignment, dtype=np.float64), 0.0, None)
    if weights.sum() <= 0.0:
        return np.clip(engagement, 0.0, 1.0)
    weights = weights / weights.sum()
    current = np.clip(np.asarray(engagement, dtype=np.float64), 0.0, None)
    grand = max(float(current.sum()), 1e-9)
    rows = current.sum(axis=1)
    scaled = current.copy()
    for i in range(len(PARTNERS)):
        wanted = weights[i] * grand
        if rows[i] > 0.0:
            scaled[i] *= wanted / rows[i]
        else:
            scaled[i] = wanted / len(DOMAINS)
    return np.asarray(np.clip(scaled, 0.0, 1.0), dtype=np.float64)


def match_alignment(state: State) -> None:
    """If the alignment fields differ from the engagement's shares, rescale the engagement.

    The scenario's initial section and its events set the alignment; this makes the engagement
    carry it.
    """
    engagement = engagement_matrix(state)
    given = np.array(
        [state.alignment_russia, state.alignment_china, state.alignment_west], dtype=np.float64
    )
    if np.allclose(given, alignment_shares(engagement), rtol=0.0, atol=1e-12):
        return
    write_engagement(state, scale_to_alignment(engagement, given))


def shift_toward_china(state: State, delta: float) -> None:
    """The debt trap's shift (BR10): China's economic and political engagement close ``delta``.

    ``E_CN,d += delta (1 - E_CN,d)`` for the economic and political domains (P L66-68:
    dependency turns into political alignment); the alignment follows from the engagement, so
    Russia's and the West's engagement are unchanged and their shares fall in proportion.
    """
    match_alignment(state)
    engagement = engagement_matrix(state)
    china = PARTNERS.index("china")
    for domain in TRAP_DOMAINS:
        j = DOMAINS.index(domain)
        engagement[china, j] += delta * (1.0 - engagement[china, j])
    write_engagement(state, engagement)


def channels(state: State, population: Any) -> dict[str, Channel[Any]]:
    """The alignment channel: other rules' shifts toward China (the BRI debt trap, BR10)."""
    return {
        "multi_vector.alignment": Channel(
            "multi_vector.alignment", lambda delta: shift_toward_china(state, delta), abs
        )
    }
