"""Chart tables as data, and the one evaluator for them (case-format.md §6).

Everything clinical is declared as a ``ModuleTable``: an opening condition and one or more small
``Table``s of ``Row``s (the ``diare`` module has three: dehydration, persistent, dysentery). Each
row has a stable rule id, a colour, a condition, the classification code, the treatments, the
follow-up days, its chart source and a confidence mark. Conditions are built from the combinators
below and evaluated with three-valued logic: ``True``, ``False`` or ``None`` (unknown).

Evaluation of one table (``evaluate_table``) is exactly §6: top-down, the first true row is printed;
an unknown row stops the table (``incomplete`` with a ``missing`` list), except that past an unknown
``merah`` row the ``merah`` rows directly below are still tried. A row with ``when=None`` is the
"none of the above" row: it is true, and its ``because`` lists the inputs that ruled out the rows
above.

How to add a module table (e.g. in ``bayi_muda.py``)::

    from mtbs_tui.rules.table import (ModuleTable, Row, Table, Tx, register, yes, eq, num,
                                      any_of, all_of, at_least, not_, fact, printed)

    INFEKSI = ModuleTable(
        module="bm_infeksi", pathway="bayi_muda", charts=("2015", "2022"), rule_chart="2022",
        opening=None,
        tables=(Table("bm_infeksi", (
            Row("PENYAKIT_SANGAT_BERAT_ATAU_INFEKSI_BAKTERI_BERAT", "merah",
                any_of(yes("sianosis"), num("napas_per_menit", ">=", 60)),
                treatments=(Tx("AMPISILIN_IM", dose=my_dose_fn),), source="ref §4.1 row 1; S4 p.40",
                confidence="M"),
            Row("MUNGKIN_BUKAN_INFEKSI", "hijau", None, source="ref §4.1 row 3", confidence="M"),
        )),))
    register(INFEKSI)

Rule ids are ``<rule_chart>.<module>.<CODE>[.<suffix>]``. Derived inputs (fever, fast breathing,
z-scores, age) are ``Quantity``/fact functions registered with ``register_quantity`` /
``register_fact``; the engine (``engine.py``) builds the ``Ctx`` and runs the registered tables of
the pathway in ``ModuleTable.order``. Treatment-only modules (immunisation, vitamin A) register a
``TreatmentModule`` whose function returns treatments and missing keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence, cast

from mtbs_tui.rules.codes import SEVERITY
from mtbs_tui.rules.vocabulary import FINDINGS, TOP_LEVEL, doc_sorted

MERAH, KUNING, HIJAU = "merah", "kuning", "hijau"
def severity(colour: str) -> int:
    """0 hijau, 1 kuning, 2 merah (the order lives with the codes: ``codes.SEVERITY``)."""
    return SEVERITY[colour]


# --------------------------------------------------------------------------------------------
# Three-valued outcomes

class Outcome(NamedTuple):
    """The value of a condition: ``value`` True/False/None; ``because`` the inputs that settle a
    known value (present signs for true, ruling-out inputs for false); ``missing`` the absent
    inputs the condition reads (§6: listed for the stopping row and every row below it, even a
    row already decided). An ``all_of`` that is false reads nothing more: that is how a gate (age
    below 6 months for MUAC, no ear discharge for its duration) keeps an input out of ``missing``.
    (A NamedTuple: immutable and cheap, it is built per leaf.)"""

    value: bool | None
    because: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


def _merge(parts: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Union of name lists in first-seen order (hot path: most parts are empty, or just one is
    not, and that one is returned as it is)."""
    nonempty = [p for p in parts if p] if not isinstance(parts, list) else parts
    if not nonempty:
        return ()
    if len(nonempty) == 1:
        return tuple(nonempty[0])
    return tuple(dict.fromkeys(chain.from_iterable(nonempty)))


class Q(NamedTuple):
    """A quantity read from the case: a value or None, the names to cite, the names to ask for."""

    value: Any
    because: tuple[str, ...]
    missing: tuple[str, ...]


QuantityFn = Callable[["Ctx"], Q]
_QUANTITIES: dict[str, QuantityFn] = {}
_FACTS: dict[str, Callable[["Ctx"], Outcome]] = {}


def register_quantity(name: str) -> Callable[[QuantityFn], QuantityFn]:
    def deco(fn: QuantityFn) -> QuantityFn:
        _QUANTITIES[name] = fn
        return fn
    return deco


def register_fact(name: str) -> Callable[[Callable[["Ctx"], Outcome]], Callable[["Ctx"], Outcome]]:
    def deco(fn: Callable[["Ctx"], Outcome]) -> Callable[["Ctx"], Outcome]:
        _FACTS[name] = fn
        return fn
    return deco


# --------------------------------------------------------------------------------------------
# The evaluation context

# Internal results: plain slotted classes, not dataclasses (import time counts on old PCs).
class TableResult:
    __slots__ = ("table", "outcomes", "printed", "stop", "missing")

    def __init__(self, table: "Table", outcomes: list[Outcome], printed: int | None,
                 stop: int | None, missing: tuple[str, ...]) -> None:
        self.table = table
        self.outcomes = outcomes
        self.printed = printed  # index of the printed row
        self.stop = stop  # index of the row that stopped the table (unknown), if any
        self.missing = missing


class ModuleResult:
    __slots__ = ("module", "applies", "tables", "missing", "incomplete")

    def __init__(self, module: str, applies: bool | None, tables: list[TableResult],
                 missing: tuple[str, ...], incomplete: bool) -> None:
        self.module = module
        self.applies = applies  # opening condition
        self.tables = tables
        self.missing = missing
        self.incomplete = incomplete


class Ctx:
    """Everything a condition may read: the validated case, derived values, earlier results."""

    def __init__(self, values: Mapping[str, Any], chart: str, pathway: str, age_days: int,
                 age_months: int, settings: Any) -> None:
        self.values = values  # top-level fields and findings in one mapping, None removed
        self.chart = chart
        self.pathway = pathway
        self.age_days = age_days
        self.age_months = age_months
        self.settings = settings
        self.results: dict[str, ModuleResult] = {}
        self._cache: dict[str, Any] = {}
        # Set after classification, read by treatment conditions.
        self.printed_codes: tuple[str, ...] = ()
        self.refer_urgently = False

    def value(self, key: str) -> Any:
        return self.values.get(key)

    def has(self, key: str) -> bool:
        return self.values.get(key) is not None

    def quantity(self, name: str) -> Q:
        k = "q:" + name
        if k not in self._cache:
            self._cache[k] = _quantity(self, name)
        return cast(Q, self._cache[k])

    def fact(self, name: str) -> Outcome:
        k = "f:" + name
        if k not in self._cache:
            self._cache[k] = _FACTS[name](self)
        return cast(Outcome, self._cache[k])

    def add_result(self, res: ModuleResult) -> None:
        self.results[res.module] = res

    def printed(self, module: str, code: str) -> Outcome:
        """§6: true when the module printed the code; false when it printed another row, did not
        apply or stopped below the code's row; unknown when it stopped at or above it."""
        res = self.results.get(module)
        if res is None:
            raise KeyError(f"module {module} read before it was evaluated")
        if res.applies is False:
            return Outcome(False)
        if res.applies is None:
            return Outcome(None, missing=res.missing)
        # A code may have several rows (e.g. one per age band): printed by any of them wins.
        rows = [(tr, i) for tr in res.tables for i, row in enumerate(tr.table.rows)
                if row.code == code]
        for tr, i in rows:
            if tr.printed == i:
                return Outcome(True, because=tr.outcomes[i].because)
        for tr, i in rows:
            if tr.stop is not None and tr.stop <= i:
                return Outcome(None, missing=tr.missing)
        if rows:
            tr, i = rows[-1]
            return Outcome(False, because=_merge(o.because for o in tr.outcomes[: i + 1]))
        return Outcome(False)

    def printed_rows(self) -> list[tuple[str, "Row", "TableResult"]]:
        out = []
        for res in self.results.values():
            for tr in res.tables:
                if tr.printed is not None:
                    out.append((res.module, tr.table.rows[tr.printed], tr))
        return out


def _quantity(ctx: Ctx, name: str) -> Q:
    if name in _QUANTITIES:
        return _QUANTITIES[name](ctx)
    spec = FINDINGS.get(name) or TOP_LEVEL.get(name)
    if spec is None:
        raise KeyError(f"unknown input {name}")
    value = ctx.value(name)
    if value is None:
        return Q(None, (), () if spec.optional else (name,))
    return Q(value, (name,), ())


def _is_optional(name: str) -> bool:
    spec = FINDINGS.get(name) or TOP_LEVEL.get(name)
    return bool(spec and spec.optional and name not in _QUANTITIES)


# --------------------------------------------------------------------------------------------
# Conditions

class Cond:
    """A condition: ``fn(ctx) -> Outcome`` and its text for docs/chart.md."""

    __slots__ = ("fn", "text")

    def __init__(self, fn: Callable[[Ctx], Outcome], text: str) -> None:
        self.fn = fn
        self.text = text

    def __call__(self, ctx: Ctx) -> Outcome:
        return self.fn(ctx)

    def __str__(self) -> str:
        return self.text


def _leaf(name: str, test: Callable[[Any], bool], text: str) -> Cond:
    optional = _is_optional(name)
    cite_, ask = (name,), (name,)
    unknown = Outcome(False) if optional else Outcome(None, (), ask)

    def fn(ctx: Ctx) -> Outcome:
        if name in _QUANTITIES:
            q = ctx.quantity(name)
            if q.value is None:
                return Outcome(False) if optional else Outcome(None, (), q.missing)
            return Outcome(bool(test(q.value)), q.because, ())
        # Hot path: a plain input read straight from the case.
        value = ctx.values.get(name)
        if value is None:
            return unknown  # §1: an absent optional test cannot fire, the row is still decided
        return Outcome(bool(test(value)), cite_, ())
    return Cond(fn, text)


def yes(name: str) -> Cond:
    """A yes/no input (or derived quantity) is true."""
    return _leaf(name, lambda v: v is True, name)


def no(name: str) -> Cond:
    """A yes/no input is false (assessed, not present)."""
    return _leaf(name, lambda v: v is False, f"{name} = tidak")


def eq(name: str, *values: Any) -> Cond:
    """An enum input is one of ``values``."""
    shown = " / ".join(str(v) for v in values)
    return _leaf(name, lambda v: v in values, f"{name} = {shown}")


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def num(name: str, op: str, bound: float | Callable[[Ctx], float]) -> Cond:
    """A number compared with a bound (the bound may be read from the settings)."""
    compare = _OPS[op]
    optional = _is_optional(name)
    shown = bound if not callable(bound) else getattr(bound, "text", "setelan")

    def fn(ctx: Ctx) -> Outcome:
        q = ctx.quantity(name)
        if q.value is None:
            if optional:
                return Outcome(False)
            return Outcome(None, missing=q.missing)
        b = bound(ctx) if callable(bound) else bound
        return Outcome(bool(compare(q.value, b)), because=q.because)
    return Cond(fn, f"{name} {op} {shown}")


def between(name: str, lower: float, upper: float) -> Cond:
    """``lower <= value < upper``, the chart's band reading."""
    optional = _is_optional(name)

    def fn(ctx: Ctx) -> Outcome:
        q = ctx.quantity(name)
        if q.value is None:
            if optional:
                return Outcome(False)
            return Outcome(None, missing=q.missing)
        return Outcome(lower <= q.value < upper, because=q.because)
    return Cond(fn, f"{lower} <= {name} < {upper}")


def fact(name: str, text: str | None = None) -> Cond:
    """A derived yes/no fact registered with ``register_fact`` (fever, danger sign, ...)."""
    return Cond(lambda ctx: ctx.fact(name), text or name)


def printed(module: str, code: str) -> Cond:
    return Cond(lambda ctx: ctx.printed(module, code), f"{module} = {code}")


def holds(cond: Cond) -> Callable[[Ctx], bool]:
    """A ``Tx.when`` from a row condition: the treatment is given when ``cond`` is known true
    (so a treatment reuses the condition its row is written with instead of restating it)."""
    return lambda ctx: cond(ctx).value is True


def gate(test: Callable[[Ctx], bool], text: str) -> Cond:
    """A condition on always-known derived values (age, chart): never unknown, cites nothing."""
    return Cond(lambda ctx: Outcome(bool(test(ctx))), text)


def cite(names: Sequence[str], cond: Cond) -> Cond:
    """``cond``, citing ``names`` as well when it is known (e.g. birth_date for an age rule)."""
    def fn(ctx: Ctx) -> Outcome:
        out = cond.fn(ctx)
        if out.value is None:
            return out
        return Outcome(out.value, _merge((out.because, names)), out.missing)
    return Cond(fn, cond.text)


def not_(cond: Cond) -> Cond:
    def fn(ctx: Ctx) -> Outcome:
        out = cond.fn(ctx)
        if out.value is None:
            return out
        return Outcome(not out.value, out.because, out.missing)
    return Cond(fn, f"bukan ({cond.text})")


def any_of(*conds: Cond) -> Cond:
    """True as soon as one known item is true; false when every item is false."""
    fns = tuple(c.fn for c in conds)

    def fn(ctx: Ctx) -> Outcome:
        true_b: list[tuple[str, ...]] = []
        false_b: list[tuple[str, ...]] = []
        miss: list[tuple[str, ...]] = []
        unknown = False
        for f in fns:  # every item: a true row cites every sign present
            out = f(ctx)
            if out.missing:
                miss.append(out.missing)
            if out.value is True:
                true_b.append(out.because)
            elif out.value is None:
                unknown = True
            else:
                false_b.append(out.because)
        missing = _merge(miss)
        if true_b:
            return Outcome(True, _merge(true_b), missing)
        if unknown:
            return Outcome(None, (), missing)
        return Outcome(False, _merge(false_b), missing)
    return Cond(fn, "(" + " ATAU ".join(c.text for c in conds) + ")")


def all_of(*conds: Cond) -> Cond:
    """False as soon as one known item is false; true when every item is true."""
    fns = tuple(c.fn for c in conds)

    def fn(ctx: Ctx) -> Outcome:
        because: list[tuple[str, ...]] = []
        miss: list[tuple[str, ...]] = []
        unknown = False
        for f in fns:
            out = f(ctx)
            if out.value is False:
                # One known false item settles it; it is what ruled the row out, and the other
                # items are not read (a gate).
                return Outcome(False, out.because, ())
            if out.missing:
                miss.append(out.missing)
            if out.value is None:
                unknown = True
            else:
                because.append(out.because)
        if unknown:
            return Outcome(None, (), _merge(miss))
        return Outcome(True, _merge(because), _merge(miss))
    return Cond(fn, "(" + " DAN ".join(c.text for c in conds) + ")")


def at_least(n: int, *conds: Cond) -> Cond:
    """True when ``n`` known items are true; false when even the unknown ones could not make n."""
    fns = tuple(c.fn for c in conds)

    def fn(ctx: Ctx) -> Outcome:
        true_b: list[tuple[str, ...]] = []
        false_b: list[tuple[str, ...]] = []
        miss: list[tuple[str, ...]] = []
        unknown = 0
        for f in fns:
            out = f(ctx)
            if out.missing:
                miss.append(out.missing)
            if out.value is True:
                true_b.append(out.because)
            elif out.value is None:
                unknown += 1
            else:
                false_b.append(out.because)
        missing = _merge(miss)
        if len(true_b) >= n:
            return Outcome(True, _merge(true_b), missing)
        if len(true_b) + unknown < n:
            return Outcome(False, _merge(false_b), missing)
        return Outcome(None, (), missing)
    return Cond(fn, f"sedikitnya {n} dari (" + "; ".join(c.text for c in conds) + ")")


def only_if(test: Callable[[Ctx], bool], cond: Cond, text: str) -> Cond:
    """``cond`` when ``test`` holds; otherwise true, reading nothing (e.g. MUAC only from 6
    months: below it the clause is left out of the row, §5.6)."""
    def fn(ctx: Ctx) -> Outcome:
        return cond.fn(ctx) if test(ctx) else Outcome(True)
    return Cond(fn, f"({text}: {cond.text})")


def none_of(*conds: Cond) -> Cond:
    """Every item known and false (a green "none of these signs" row, citing each item)."""
    inner = any_of(*conds)
    return Cond(not_(inner).fn, "tidak ada dari (" + "; ".join(c.text for c in conds) + ")")


TRUE = Cond(lambda ctx: Outcome(True), "selalu")


# --------------------------------------------------------------------------------------------
# Rows, tables, treatments

@dataclass(frozen=True)
class Tx:
    """A treatment a row calls for. ``when`` decides it at treatment time (after every module was
    classified, so it may read ``ctx.refer_urgently`` and ``ctx.printed_codes``); ``dose`` returns
    the Indonesian dose text or None (no band, no weight)."""

    code: str
    label: str | None = None
    dose: Callable[[Ctx], str | None] | None = None
    when: Callable[[Ctx], bool] | None = None
    note: str = ""  # when/why, for docs/chart.md


class TxItem(NamedTuple):
    code: str
    label: str
    dose: str | None


FollowUp = "int | Callable[[Ctx, Outcome], int | None] | None"


@dataclass(frozen=True)
class Row:
    code: str
    colour: str
    when: Cond | None  # None: "none of the above"
    treatments: tuple[Tx, ...] = ()
    follow_up: Any = None  # int, None, or fn(ctx, outcome) -> int | None
    follow_up_conditional: bool = False
    source: str = ""
    confidence: str = "M"
    suffix: str = ""
    note: str = ""

    def follow_up_days(self, ctx: Ctx, outcome: Outcome) -> int | None:
        if callable(self.follow_up):
            return cast("int | None", self.follow_up(ctx, outcome))
        return cast("int | None", self.follow_up)


@dataclass(frozen=True)
class Table:
    name: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ModuleTable:
    module: str
    pathway: str
    charts: tuple[str, ...]
    rule_chart: str  # prefix of the rule ids ("2022" for bayi muda under both charts, §11.7)
    opening: Cond | None
    tables: tuple[Table, ...]
    order: int = 0  # evaluation order (dependencies first, §4); output order is chart order
    source: str = ""
    # Treatments the module gives besides its rows (e.g. TES_HIV when hiv printed no row).
    extra: Callable[[Ctx, ModuleResult], list[TxItem]] | None = None

    def rule_id(self, row: Row) -> str:
        rid = f"{self.rule_chart}.{self.module}.{row.code}"
        return f"{rid}.{row.suffix}" if row.suffix else rid


@dataclass(frozen=True)
class TreatmentModule:
    """A "—" module of §4: gives treatments (vaccines, supplements) and possibly missing keys."""

    module: str
    pathway: str
    charts: tuple[str, ...]
    run: Callable[[Ctx], tuple[list[TxItem], tuple[str, ...]]]
    order: int = 0
    source: str = ""
    text: str = ""


# pathway -> chart -> module id -> spec
REGISTRY: dict[str, dict[str, dict[str, ModuleTable | TreatmentModule]]] = {}


def register(spec: ModuleTable | TreatmentModule) -> ModuleTable | TreatmentModule:
    for chart in spec.charts:
        slot = REGISTRY.setdefault(spec.pathway, {}).setdefault(chart, {})
        if spec.module in slot:
            raise ValueError(f"module {spec.module} registered twice for {spec.pathway} {chart}")
        slot[spec.module] = spec
    if isinstance(spec, ModuleTable):
        ids = [spec.rule_id(r) for t in spec.tables for r in t.rows]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate rule id in {spec.module}")
    return spec


# Alternative tables chosen by a setting (e.g. the 2015 HIV row order): (pathway, chart, module,
# predicate on the settings, spec used when the predicate is true).
VARIANTS: list[tuple[str, str, str, Callable[[Any], bool], ModuleTable]] = []


def register_variant(chart: str, predicate: Callable[[Any], bool], spec: ModuleTable) -> None:
    VARIANTS.append((spec.pathway, chart, spec.module, predicate, spec))


def registered(pathway: str, chart: str, settings: Any = None) -> list[ModuleTable | TreatmentModule]:
    """The registered modules of a pathway and chart, in evaluation order (with the variants the
    settings select)."""
    specs = dict(REGISTRY.get(pathway, {}).get(chart, {}))
    if settings is not None:
        for p, c, module, predicate, spec in VARIANTS:
            if p == pathway and c == chart and predicate(settings):
                specs[module] = spec
    return sorted(specs.values(), key=lambda s: s.order)


# --------------------------------------------------------------------------------------------
# Evaluation

def evaluate_table(table: Table, ctx: Ctx) -> TableResult:
    outcomes: list[Outcome] = []
    printed_at: int | None = None
    stop: int | None = None
    for i, row in enumerate(table.rows):
        if row.when is None:
            out = Outcome(True, because=_merge(o.because for o in outcomes))
        else:
            out = row.when(ctx)
        outcomes.append(out)
        if printed_at is not None:
            continue  # rows below a printed row are evaluated only for the missing list
        if stop is None:
            if out.value is True:
                printed_at = i
                break
            if out.value is None:
                stop = i
        else:
            # Past an unknown merah row only the merah rows directly below may still print.
            if table.rows[stop].colour == MERAH and row.colour == MERAH and out.value is True \
                    and all(r.colour == MERAH for r in table.rows[stop:i + 1]):
                printed_at = i
    missing: tuple[str, ...] = ()
    if stop is not None:
        # The stopping row and every row below it (evaluated now if the loop broke early).
        for j in range(len(outcomes), len(table.rows)):
            row = table.rows[j]
            outcomes.append(Outcome(True) if row.when is None else row.when(ctx))
        missing = tuple(doc_sorted(_merge(o.missing for o in outcomes[stop:])))
    return TableResult(table, outcomes, printed_at, stop, missing)


def evaluate_module(spec: ModuleTable, ctx: Ctx) -> ModuleResult:
    if spec.opening is not None:
        opening = spec.opening(ctx)
        if opening.value is False:
            return ModuleResult(spec.module, False, [], (), False)
        if opening.value is None:
            # It counts as the first row: its absent inputs and those of every row. Rows reading
            # this module's own tables see it as unknown, missing the opening's inputs.
            ctx.add_result(ModuleResult(spec.module, None, [], opening.missing, True))
            outs = [r.when(ctx) for t in spec.tables for r in t.rows if r.when is not None]
            missing = doc_sorted(_merge([opening.missing, *(o.missing for o in outs)]))
            return ModuleResult(spec.module, None, [], tuple(missing), True)
    results: list[TableResult] = []
    partial = ModuleResult(spec.module, True, results, (), False)
    ctx.add_result(partial)  # later tables of the same module read the earlier ones
    for table in spec.tables:
        tr = evaluate_table(table, ctx)
        results.append(tr)
        ctx.add_result(partial)
    stopped = [tr for tr in results if tr.stop is not None]
    stopped_missing = tuple(doc_sorted(_merge(tr.missing for tr in stopped)))
    return ModuleResult(spec.module, True, results, stopped_missing, bool(stopped))
