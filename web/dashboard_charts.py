"""The dashboard's figures as ``charts`` draws them. The template calls these with the
names and titles it has translated, so every word a person reads stays in the template
(and in the catalogue); what comes back is markup the chart functions have escaped."""

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from api.dashboard_models import OverdueRow, PeriodDashboard, UnitDistribution
from charts.bars import Bar, BarGroup, bar_chart, funnel
from charts.distribution import Band, distribution_curve
from charts.heat import HeatRow, heat_table
from domain.predikat import Predikat
from domain.stages import Stage

OVERDUE_STAGES = [stage for stage in Stage if stage is not Stage.SELESAI]  # nothing owed


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def band_of(unit: UnitDistribution, index: int) -> Band:
    """The ``index``-th bound of the unit's rule as a band over the predikat columns."""
    bound = unit.bands[index]
    order = list(Predikat)
    columns = sorted(order.index(p) for p in bound.predicates)
    rated = sum(unit.counts.values())
    if bound.at_least:
        least = max(bound.share, bound.minimum_count / rated if rated else 0.0)
        low, high = min(least, 1.0), 1.0
        label = (
            f"≥ {bound.minimum_count}"
            if bound.minimum_count and not bound.share
            else f"≥ {_percent(bound.share)}"
        )
    else:
        low, high, label = 0.0, bound.share, f"≤ {_percent(bound.share)}"
    return Band(
        first=columns[0],
        last=columns[-1],
        low=low,
        high=high,
        label=label,
        rule=bound.rule,
        broken=bound.broken,
        actual=bound.actual_count / rated if rated else 0.0,
    )


def _row_label(row: OverdueRow) -> str:
    """An agency by its name; a unit by its name and code (unit names repeat across
    agencies: every OPD has its Sekretariat)."""
    code = row.unit_code or row.agency_code
    if row.name is None or row.name == code:
        return code
    return f"{row.name} · {row.unit_code}" if row.unit_code else row.name


class DashboardCharts:
    """Charts of one dashboard, for its template."""

    def __init__(self, dashboard: PeriodDashboard) -> None:
        self.dashboard = dashboard

    def funnel(self, stage_names: Mapping[str, str], title: str, description: str) -> Markup:
        stages = [Bar(stage_names[s.stage.value], s.count) for s in self.dashboard.funnel]
        return Markup(funnel("corong", title, description, stages))  # noqa: S704 (escaped)

    def heat(
        self,
        rows: Sequence[OverdueRow],
        stage_names: Mapping[str, str],
        caption: str,
        corner: str,
        total_label: str,
        links: Mapping[str, str],
    ) -> Markup:
        """Overdue appraisals per row and stage; ``links`` maps a row's code to its page."""
        shown = [
            HeatRow(
                label=_row_label(row),
                cells=[row.by_stage.get(stage, 0) for stage in OVERDUE_STAGES],
                href=links.get(row.unit_code or row.agency_code),
                total=row.overdue,
            )
            for row in rows
        ]
        columns = [stage_names[stage.value] for stage in OVERDUE_STAGES]
        table = heat_table(caption, corner, columns, shown, total_label=total_label)
        return Markup(table)  # noqa: S704 (escaped by charts.heat)

    def escalations(
        self,
        stage_names: Mapping[str, str],
        level_word: str,
        title: str,
        description: str,
        empty: str,
    ) -> Markup:
        """One group per stage, one bar per level (steps of a stage summed)."""
        levels: dict[Stage, dict[int, int]] = {}
        for row in self.dashboard.escalations:
            by_level = levels.setdefault(row.stage, {})
            by_level[row.level] = by_level.get(row.level, 0) + row.count
        groups = [
            BarGroup(
                stage_names[stage.value],
                [Bar(f"{level_word} {level}", count) for level, count in sorted(counts.items())],
            )
            for stage, counts in levels.items()
        ]
        svg = bar_chart("eskalasi", title, description, groups, empty=empty)
        return Markup(svg)  # noqa: S704 (escaped)

    def training(self, names: Mapping[str, str], title: str, description: str) -> Markup:
        """People below expectations by where their development stands."""
        load = self.dashboard.training
        bars = [
            Bar(names["awaiting_result"], load.awaiting_result),
            Bar(names["unassigned"], load.unassigned),
            Bar(names["in_progress"], load.in_progress),
            Bar(names["completed"], load.completed),
        ]
        svg = bar_chart("tindak-lanjut", title, description, [BarGroup(None, bars)])
        return Markup(svg)  # noqa: S704 (escaped)

    def distribution(
        self,
        unit: UnitDistribution,
        predikat_names: Mapping[str, str],
        title: str,
        description: str,
        broken_word: str,
    ) -> Markup:
        svg = distribution_curve(
            f"sebaran-{unit.unit_code}",
            title,
            description,
            [predikat_names[p.value] for p in Predikat],
            [unit.counts.get(p, 0) for p in Predikat],
            [band_of(unit, index) for index in range(len(unit.bands))],
            broken_word=broken_word,
        )
        return Markup(svg)  # noqa: S704 (escaped)
