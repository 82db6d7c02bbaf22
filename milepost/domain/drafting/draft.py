"""From an intake to a first plan: formulation factors, CBT cycle, goals, objectives,
interventions and targets, each with its sources, each judged by the SMART engine and the
plan checks.

Offline and deterministic: cue phrases and wordings from ``data/rules.toml``, goals,
objectives and interventions from the goal library, thresholds from the instruments' data.
Nothing is invented: a number the intake does not give is left for the clinician.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from milepost.domain import instruments, library, smart
from milepost.domain.drafting.model import (
    CycleItem,
    Draft,
    DraftFactor,
    DraftGoal,
    DraftIntervention,
    DraftObjective,
    DraftTarget,
    ExistingFactor,
    ForClinician,
    Intake,
    IntakeScore,
    InvalidIntake,
    Risk,
    Source,
)
from milepost.domain.drafting.rules import (
    AreaRule,
    MaintainingRule,
    Response,
    Rules,
    Wording,
    bundled,
)
from milepost.domain.plan_checks import PlanFinding, check_plan
from milepost.domain.plans import (
    FACTOR_KINDS,
    MAINTAINING,
    Diagnosis,
    Formulation,
    FormulationFactor,
    Goal,
    Intervention,
    Objective,
    Plan,
    Target,
    normalise_icd10cm,
)

MAX_GOALS = 4
MAX_AREAS = 2
MIN_AREA_SCORE = 2
MAX_TEXT = 5000
MAX_FACTOR_TEXT = 500

# A cue is not counted when one of these is among the three words before it
# ("no nightmares", "denies flashbacks", "not avoiding").
NEGATORS = frozenset({"no", "not", "denies", "denied", "deny", "never", "without", "nor"})

NUMBER_WORDS: dict[str, float] = {
    "no": 0,
    "none": 0,
    "zero": 0,
    "once": 1,
    "one": 1,
    "twice": 2,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "for",
        "from",
        "get",
        "go",
        "had",
        "has",
        "have",
        "i",
        "i'm",
        "in",
        "is",
        "it",
        "its",
        "just",
        "me",
        "my",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "too",
        "up",
        "was",
        "we",
        "were",
        "what",
        "when",
        "with",
        "would",
        "you",
        "your",
        "again",
        "all",
        "am",
        "not",
        "no",
        "more",
        "less",
        "want",
    ]
)


# ---------------------------------------------------------------- reading the intake


def parse_intake(raw: object) -> Intake:
    """An intake from parsed JSON (the CLI's file, the app's form).

    :class:`InvalidIntake` names the field that is wrong.
    """
    if not isinstance(raw, dict):
        raise InvalidIntake("intake", "must be a JSON object")
    known = {
        "presenting_problem",
        "client_words",
        "scores",
        "diagnoses",
        "formulation",
        "plan_date",
        "review_interval_days",
        "modality",
    }
    for key in raw:
        if key not in known:
            raise InvalidIntake(str(key)[:40], f"unknown field (known: {', '.join(sorted(known))})")
    problem = _text(raw.get("presenting_problem", ""), "presenting_problem")
    words = _text(raw.get("client_words", ""), "client_words")
    if not problem.strip() and not words.strip():
        raise InvalidIntake(
            "presenting_problem",
            "the intake is empty: write the presenting problem or the client's words",
        )
    scores = tuple(_score(s, f"scores[{i}]") for i, s in enumerate(_list(raw, "scores")))
    diagnoses = []
    for i, code in enumerate(_list(raw, "diagnoses")):
        if isinstance(code, dict):
            code = code.get("code")
        if not isinstance(code, str):
            raise InvalidIntake(f"diagnoses[{i}]", "must be an ICD-10-CM code such as F32.1")
        try:
            diagnoses.append(normalise_icd10cm(code))
        except ValueError as error:
            raise InvalidIntake(f"diagnoses[{i}]", str(error)) from None
    formulation = []
    for i, factor in enumerate(_list(raw, "formulation")):
        where = f"formulation[{i}]"
        if not isinstance(factor, dict):
            raise InvalidIntake(where, "must be an object with kind and text")
        kind = factor.get("kind")
        if kind == "maintaining":
            kind = MAINTAINING
        if kind not in FACTOR_KINDS:
            raise InvalidIntake(f"{where}.kind", f"must be one of {', '.join(FACTOR_KINDS)}")
        formulation.append(ExistingFactor(kind, _text(factor.get("text", ""), f"{where}.text")))
    plan_date = raw.get("plan_date")
    if plan_date is not None:
        plan_date = _date(plan_date, "plan_date")
    interval = raw.get("review_interval_days", 90)
    if isinstance(interval, bool) or not isinstance(interval, int) or not 1 <= interval <= 365:
        raise InvalidIntake("review_interval_days", "must be a whole number of days, 1 to 365")
    modality = _text(raw.get("modality", ""), "modality").strip()
    if modality:
        found = bundled().modality(modality)
        if found is None:
            names = ", ".join(m.names[0] for m in bundled().modalities)
            raise InvalidIntake("modality", f"unknown modality {modality[:40]!r} (known: {names})")
        modality = found.code
    return Intake(
        modality=modality,
        presenting_problem=problem,
        client_words=words,
        scores=scores,
        diagnoses=tuple(diagnoses),
        formulation=tuple(formulation),
        plan_date=plan_date,
        review_interval_days=interval,
    )


def _text(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidIntake(field, "must be text")
    if len(value) > MAX_TEXT:
        raise InvalidIntake(field, f"is longer than {MAX_TEXT} characters")
    return value


def _list(raw: dict[str, object], field: str) -> list[object]:
    value = raw.get(field) or []
    if not isinstance(value, list):
        raise InvalidIntake(field, "must be a list")
    return value


def _date(value: object, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidIntake(field, f"must be a date YYYY-MM-DD, not {str(value)[:20]!r}") from None


def _score(raw: object, where: str) -> IntakeScore:
    if not isinstance(raw, dict):
        raise InvalidIntake(where, "must be an object with instrument, total and date")
    name = raw.get("instrument")
    try:
        instrument = instruments.get(str(name))
    except instruments.UnknownInstrument:
        known = ", ".join(i.short_name for i in instruments.all_instruments())
        raise InvalidIntake(
            f"{where}.instrument", f"unknown instrument {str(name)[:30]!r} (known: {known})"
        ) from None
    total = raw.get("total")
    if isinstance(total, bool) or not isinstance(total, int | float) or not math.isfinite(total):
        raise InvalidIntake(f"{where}.total", "must be a number")
    if not instrument.total_min <= total <= instrument.total_max:
        raise InvalidIntake(
            f"{where}.total",
            f"{total:g} is out of range for {instrument.short_name} "
            f"({instrument.total_min} to {instrument.total_max})",
        )
    day = raw.get("date")
    return IntakeScore(instrument.code, float(total), _date(day, f"{where}.date") if day else None)


@dataclass(frozen=True)
class Sentence:
    field: str  # presenting_problem, client_words or formulation
    text: str

    @property
    def lower(self) -> str:
        return " " + re.sub(r"[’‘]", "'", self.text.lower())

    def source(self) -> Source:
        return Source("intake", self.field, self.text)


_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")


def sentences(intake: Intake) -> tuple[Sentence, ...]:
    found: list[Sentence] = []
    for field, text in (
        ("presenting_problem", intake.presenting_problem),
        ("client_words", intake.client_words),
        *(("formulation", f.text) for f in intake.formulation),
    ):
        for part in _SPLIT.split(text):
            part = part.strip().strip("\"“”'")
            if len(part) > 1:
                found.append(Sentence(field, part[:MAX_FACTOR_TEXT]))
    return tuple(found)


def cue_hits(text: str, cues: Iterable[str]) -> list[str]:
    """The cues found in ``text`` (lower case) at a word start and not negated."""
    hits = []
    for cue in cues:
        for match in re.finditer(r"(?<![a-z])" + re.escape(cue), text):
            before = re.findall(r"[a-z']+", text[: match.start()])[-3:]
            if not NEGATORS & set(before):
                hits.append(cue)
                break
    return hits


def _number(word: str) -> float | None:
    word = word.lower()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    try:
        return float(word)
    except ValueError:
        return None


def find_baseline(
    pattern: re.Pattern[str] | None, found: Iterable[Sentence]
) -> tuple[float, Sentence] | None:
    if pattern is None:
        return None
    for sentence in found:
        match = pattern.search(sentence.text)
        if match:
            groups = match.groupdict()
            word = groups.get("n") or groups.get("m")
            value = _number(word) if word else None
            if value is not None:
                return value, sentence
    return None


def _terms(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if w not in _STOP and len(w) > 2}


def _fmt(value: float) -> str:
    return f"{value:g}"


# ---------------------------------------------------------------- the draft


def draft(intake: Intake, *, today: dt.date, rules: Rules | None = None) -> Draft:
    """The first plan for ``intake``; deterministic for the same intake and day."""
    rules = rules or bundled()
    start = intake.plan_date or today
    found = sentences(intake)
    latest = _latest_scores(intake.scores)
    notes: list[ForClinician] = []

    areas = _areas(rules, found, intake.diagnoses, latest)
    factors = list(_factors(rules, found))
    cycle = _cycle(rules, found, factors)
    risk = _risk(rules, found)

    goals: list[DraftGoal] = []
    used_client: set[str] = set()
    area_codes = [a.code for a, _ in areas]
    for area, area_sources in areas:
        for goal in _goals_for_area(
            rules, area, area_sources, found, latest, factors, area_codes, start, intake.modality
        ):
            if len(goals) < MAX_GOALS:
                goals.append(goal)
    # Client's words: the sentence of the intake's client words nearest each goal.
    client_sentences = [s for s in found if s.field == "client_words"]
    goals = [_with_client_words(g, client_sentences, used_client, factors, rules) for g in goals]
    if risk.mentioned and goals:
        goals[0] = _with_safety_objective(rules, goals[0], risk, start)
    goals = number_items(goals)

    # What the intake does not say.
    if not area_codes:
        notes.append(
            ForClinician(
                "goals",
                "No problem area was recognised in the intake: no goal was drafted. "
                "Write the goals with the client, or add detail to the intake.",
            )
        )
    elif len(goals) < 2:
        notes.append(
            ForClinician(
                "goals",
                f"Only {len(goals)} goal could be drafted from the intake; most plans work "
                "best with 2–4 (seed 004). Add one with the client.",
            )
        )
    if not intake.diagnoses:
        notes.append(
            ForClinician("diagnoses", "The intake gives no diagnosis: add the ICD-10-CM code.")
        )
    if not intake.client_words.strip():
        notes.append(
            ForClinician(
                "client_words",
                "The intake has none of the client's own words: write each goal's words "
                "with the client.",
            )
        )
    for kind in FACTOR_KINDS:
        if not any(f.kind == kind for f in factors):
            label = "maintaining" if kind == MAINTAINING else kind
            notes.append(
                ForClinician(
                    f"formulation.{kind}",
                    f"The intake names no {label} factor: ask the client.",
                )
            )
    for area, _ in areas:
        if area.instrument and area.instrument not in latest:
            short = instruments.get(area.instrument).short_name
            notes.append(
                ForClinician(
                    "scores",
                    f"No {short} score in the intake: administer it for a baseline.",
                )
            )
    notes.append(ForClinician("risk", risk.message))

    plan = domain_plan(intake, start, factors, goals)
    plan_findings = check_plan(
        plan,
        today=start,
        scripted=scripted_id,
        read_words=lambda text: smart.analyse(text).structure,
    )
    goals = judged(goals, factors, plan_findings, start)
    return Draft(
        areas=tuple(area_codes),
        factors=tuple(factors),
        cycle=cycle,
        goals=tuple(goals),
        risk=risk,
        for_clinician=tuple(notes),
        plan_findings=tuple(_finding(f) for f in plan_findings if f.where == plan.id),
        plan_date=start,
        review_due=start + dt.timedelta(days=intake.review_interval_days),
    )


def scripted_id(text: str) -> str | None:
    item = library.scripted_match(text)
    return item.id if item is not None else None


def _finding(f: PlanFinding) -> dict[str, str]:
    return {
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
        "fix": f.fix,
        "reference": f.reference,
    }


def _latest_scores(scores: Iterable[IntakeScore]) -> dict[str, IntakeScore]:
    latest: dict[str, IntakeScore] = {}
    for s in scores:
        held = latest.get(s.instrument)
        if held is None or (s.date or dt.date.min) >= (held.date or dt.date.min):
            latest[s.instrument] = s
    return latest


def _areas(
    rules: Rules,
    found: tuple[Sentence, ...],
    diagnoses: tuple[str, ...],
    latest: dict[str, IntakeScore],
) -> list[tuple[AreaRule, tuple[Source, ...]]]:
    scored = []
    for order, area in enumerate(rules.areas):
        points = 0
        sources: list[Source] = []
        for s in found:
            strong = cue_hits(s.lower, area.strong)
            weak = [c for c in cue_hits(s.lower, area.cues) if not any(c in h for h in strong)]
            if strong or weak:
                points += 2 * len(strong) + len(weak)
                sources.append(s.source())
        for code in diagnoses:
            if any(code.startswith(prefix) for prefix in area.diagnoses):
                points += 3
                sources.append(Source("diagnosis", code))
        evidence = bool(sources)
        if area.instrument in latest and evidence:
            score = latest[area.instrument]
            points += 1
            sources.append(Source("score", area.instrument, f"{_fmt(score.total)}"))
        if evidence and points >= MIN_AREA_SCORE:
            scored.append((points, -order, area, tuple(sources)))
    if not scored:
        # Scores alone: the area of each instrument given, in rule order.
        for order, area in enumerate(rules.areas):
            if area.instrument in latest and all(
                a.instrument != area.instrument for _, _, a, _ in scored
            ):
                score = latest[area.instrument]
                scored.append(
                    (1, -order, area, (Source("score", area.instrument, _fmt(score.total)),))
                )
    scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
    return [(area, sources) for _, _, area, sources in scored[:MAX_AREAS]]


def _factors(rules: Rules, found: tuple[Sentence, ...]) -> Iterator[DraftFactor]:
    n = 0
    for rule in rules.maintaining:
        quotes = [s.source() for s in found if cue_hits(s.lower, rule.cues)]
        if quotes:
            n += 1
            yield DraftFactor(
                f"f{n}",
                MAINTAINING,
                rule.label,
                (*quotes, Source("rule", f"maintaining.{rule.code}", rule.source)),
                rule=rule.code,
            )
    for frule in rules.factors:
        for s in found:
            if s.field != "formulation" and cue_hits(s.lower, frule.cues):
                n += 1
                yield DraftFactor(
                    f"f{n}",
                    frule.kind,
                    s.text,
                    (s.source(), Source("rule", f"factors.{frule.kind}", frule.source)),
                )


def _cycle(
    rules: Rules, found: tuple[Sentence, ...], factors: list[DraftFactor]
) -> tuple[CycleItem, ...]:
    items: list[CycleItem] = []
    rule_source = Source("rule", "cycle", rules.cycle_source)
    thoughts = [
        s for s in found if s.field == "client_words" and cue_hits(s.lower, rules.thought_markers)
    ]
    by_code = {r.code: r for r in rules.maintaining}
    for f in factors:
        rule = by_code.get(f.rule)
        if rule is not None and rule.thought:
            thoughts.extend(
                Sentence(src.ref, src.quote) for src in f.sources if src.kind == "intake"
            )
    if thoughts:
        unique = list(dict.fromkeys(thoughts))
        items.append(
            CycleItem(
                "thoughts",
                " / ".join(f"“{s.text}”" for s in unique),
                (*(s.source() for s in unique), rule_source),
            )
        )
    emotion_words: list[str] = []
    emotion_sources: list[Source] = []
    for s in found:
        hits = [
            h
            for h in cue_hits(s.lower, rules.emotions)
            if re.search(rf"\b{re.escape(h)}\b", s.lower)
        ]
        if hits:
            emotion_words.extend(h for h in hits if h not in emotion_words)
            emotion_sources.append(s.source())
    if emotion_words:
        items.append(
            CycleItem("emotions", ", ".join(emotion_words), (*emotion_sources, rule_source))
        )
    behaviours = [f for f in factors if (r := by_code.get(f.rule)) is not None and r.behaviour]
    if behaviours:
        items.append(
            CycleItem(
                "behaviours",
                "; ".join(f.text for f in behaviours),
                tuple(src for f in behaviours for src in f.sources if src.kind == "intake"),
            )
        )
    precip = [f for f in factors if f.kind == "precipitating"]
    if precip:
        items.append(CycleItem("situation", precip[0].text, precip[0].sources))
    return tuple(items)


def _risk(rules: Rules, found: tuple[Sentence, ...]) -> Risk:
    # Negated mentions ("denies suicidal thoughts") are quoted too: the clinician wrote them
    # and must confirm them; only silence is never turned into a statement.
    quotes = tuple(s.source() for s in found if any(c in s.lower for c in rules.risk_cues))
    if quotes:
        return Risk(
            True,
            quotes,
            "The intake speaks of risk (quoted): assess it and record your assessment; "
            "a safety-planning objective is suggested.",
        )
    return Risk(
        False,
        (),
        "The intake says nothing about risk: assess and record it. Nothing about risk has "
        "been drafted (silence is not 'denies suicidal ideation').",
    )


# ---------------------------------------------------------------- goals and targets


def _instrument_target(
    rules: Rules, code: str, score: IntakeScore | None, weeks: int, start: dt.date, area: AreaRule
) -> DraftTarget | None:
    inst = instruments.get(code)
    if not inst.higher_is_worse:
        return None
    cutoff, rc = inst.caseness_cutoff, inst.reliable_change
    reasons: list[str] = []
    sources: list[Source] = [Source("rule", "targets", rules.target_source)]
    baseline = score.total if score is not None else None
    candidates: list[float] = []
    if cutoff is not None:
        candidates.append(cutoff - 1)
        reasons.append(
            f"{cutoff - 1:g} or below is under the {inst.short_name} caseness cut-off of {cutoff}"
        )
        sources.append(
            Source("instrument", f"{code}.caseness", inst.caseness.source if inst.caseness else "")
        )
    if rc is not None and baseline is not None:
        candidates.append(baseline - rc)
        reasons.append(
            f"{baseline - rc:g} or below is at least one reliable change ({rc:g} points) "
            f"from the baseline of {baseline:g}"
        )
        sources.append(
            Source("instrument", f"{code}.reliable_change", inst.change.reliable_change_source)
        )
    if not candidates:
        return None
    value = min(candidates)
    direction = "decrease"
    if value < inst.total_min or (baseline is not None and value >= baseline):
        # Already below the cut-off with no room for a reliable change: keep it there.
        if baseline is None:
            return None
        value, direction = baseline, "maintain"
        reasons = [
            f"the baseline of {baseline:g} leaves no room for a reliable change below "
            "caseness: keep it there"
        ]
    if baseline is not None:
        sources.insert(
            0,
            Source(
                "score",
                code,
                f"{baseline:g}" + (f" on {score.date}" if score and score.date else ""),
            ),
        )
    reasons.append(f"due in {weeks} weeks: the typical course for {area.symptoms} ({area.source})")
    return DraftTarget(
        measure=inst.short_name,
        instrument=code,
        unit="points",
        period="",
        baseline=baseline,
        target=value,
        comparator="<=",
        direction=direction,
        weeks=weeks,
        due_date=start + dt.timedelta(weeks=weeks),
        reasons=tuple(reasons),
        sources=tuple(sources),
    )


def _band_words(code: str, baseline: float | None, target: float) -> str:
    inst = instruments.get(code)
    if baseline is None:
        return ""
    a, b = inst.band_for(baseline), inst.band_for(target)
    if a is None or b is None or a == b:
        return ""
    return f" ({a.label.lower()} to {b.label.lower()})"


def _instrument_goal(
    rules: Rules,
    area: AreaRule,
    area_sources: tuple[Source, ...],
    latest: dict[str, IntakeScore],
    start: dt.date,
) -> tuple[DraftGoal, list[ForClinician]] | None:
    if not area.instrument:
        return None
    score = latest.get(area.instrument)
    target = _instrument_target(rules, area.instrument, score, area.weeks, start, area)
    if target is None or target.target is None:
        return None
    short = target.measure
    notes: list[ForClinician] = []
    if target.direction == "maintain":
        statement = (
            f"Keep {short} at {_fmt(target.target)} or below for the next {area.weeks} weeks."
        )
    elif target.baseline is not None:
        bands = _band_words(area.instrument, target.baseline, target.target)
        statement = (
            f"Reduce {area.symptoms}{bands}: "
            f"{short} from {_fmt(target.baseline)} to {_fmt(target.target)} or below "
            f"within {area.weeks} weeks."
        )
    else:
        statement = (
            f"Reduce {area.symptoms}: {short} to {_fmt(target.target)} or below "
            f"within {area.weeks} weeks."
        )
        notes.append(
            ForClinician(
                "target.baseline",
                f"No {short} score in the intake: the baseline is left for you; the target "
                "is the caseness cut-off alone until a baseline is known.",
            )
        )
    goal_items = [
        i
        for i in library.all_items()
        if i.kind == "goal" and i.area == area.code and area.instrument in i.instruments
    ]
    lib_id = goal_items[0].id if goal_items else ""
    sources = (*area_sources, Source("rule", f"areas.{area.code}", area.source))
    if lib_id:
        sources = (*sources, Source("library", lib_id))
    return (
        DraftGoal(
            id="",
            area=area.code,
            library_id=lib_id,
            client_words="",
            statement=statement,
            target=target,
            factors=(),
            objectives=(),
            sources=sources,
            for_clinician=tuple(notes),
        ),
        notes,
    )


def _metric_target(
    item: library.LibraryItem,
    wording: Wording,
    baseline: tuple[float, Sentence] | None,
    weeks: int,
    start: dt.date,
) -> DraftTarget:
    metric = item.metrics[0] if item.metrics else None
    inst = item.instruments[0] if item.instruments and metric is None else ""
    value = wording.target
    reasons = [
        f"{wording.comparator} {_fmt(value)}: the library item {item.id}",
        f"due in {weeks} weeks: the library item's time frame",
    ]
    sources = [Source("library", item.id, item.text)]
    start_value = None
    if baseline is not None:
        start_value = baseline[0]
        reasons.insert(0, f"baseline {_fmt(start_value)} from the intake")
        sources.insert(0, baseline[1].source())
    direction = "increase" if wording.comparator in (">=", ">") else "decrease"
    return DraftTarget(
        measure=metric.name if metric else (instruments.get(inst).short_name if inst else ""),
        instrument=inst,
        unit=metric.unit if metric else "points",
        period=metric.period if metric else "",
        baseline=start_value,
        target=value,
        comparator=wording.comparator,
        direction=direction,
        weeks=weeks,
        due_date=start + dt.timedelta(weeks=weeks),
        reasons=tuple(reasons),
        sources=tuple(sources),
    )


def _worded(
    item: library.LibraryItem,
    wording: Wording | None,
    found: tuple[Sentence, ...],
    start: dt.date,
) -> tuple[str, DraftTarget | None, list[ForClinician], tuple[Source, ...]]:
    """An objective's or functional goal's words and target, with the intake's baseline."""
    if wording is None:
        # Library words that state no baseline (a test keeps it so) are used as they are.
        st = smart.analyse(item.text).structure
        weeks = (st.deadline.days // 7) if st.deadline and st.deadline.days else 0
        target = None
        if st.target is not None and st.comparator and weeks:
            target = _metric_target(
                item,
                Wording(item.id, "", item.text, None, st.target, st.comparator, weeks),
                None,
                weeks,
                start,
            )
        left = (
            []
            if target
            else [ForClinician("target", "Set the target and its date with the client.")]
        )
        return item.text, target, left, (Source("library", item.id, item.text),)
    baseline = find_baseline(wording.baseline, found)
    notes: list[ForClinician] = []
    if baseline is not None:
        statement = wording.with_baseline.format(baseline=_fmt(baseline[0]))
        sources: tuple[Source, ...] = (baseline[1].source(), Source("library", item.id, item.text))
    else:
        statement = wording.without_baseline
        sources = (Source("library", item.id, item.text),)
        if wording.baseline is not None:
            notes.append(
                ForClinician(
                    "target.baseline",
                    "The intake gives no baseline for this: ask the client, or keep a "
                    "log for a week first.",
                )
            )
    target = _metric_target(item, wording, baseline, wording.weeks, start)
    return statement, target, notes, sources


def _interventions(
    ids: Iterable[str], factor_ids: tuple[str, ...], why: Source
) -> tuple[DraftIntervention, ...]:
    out = []
    for item_id in ids:
        item = library.get(item_id)
        out.append(
            DraftIntervention(
                id="",
                library_id=item.id,
                modality=item.modality,
                description=item.text,
                type=item.type or "individual",
                frequency=item.frequency or "weekly",
                session_minutes=item.session_minutes,
                factors=factor_ids,
                sources=(Source("library", item.id, item.text), why),
            )
        )
    return tuple(out)


def _response(rule: MaintainingRule, area_codes: list[str]) -> Response | None:
    ranked = sorted(
        (r for r in rule.responses if r.area in area_codes), key=lambda r: area_codes.index(r.area)
    )
    return ranked[0] if ranked else None


def _for_modality(
    rules: Rules,
    modality: str,
    interventions: tuple[str, ...],
    objective: library.LibraryItem,
    why: Source,
) -> tuple[tuple[str, ...], Source, ForClinician | None]:
    """The interventions for the clinician's modality when the objective offers them."""
    chosen = rules.modality(modality) if modality else None
    if chosen is None:
        return interventions, why, None
    offered = tuple(dict.fromkeys((*interventions, *objective.intervention_ids)))
    matching = tuple(x for x in offered if x in chosen.interventions)
    if matching:
        return matching, Source("rule", f"modalities.{chosen.code}", chosen.source), None
    note = ForClinician(
        "interventions",
        f"The library has no {chosen.names[0]} intervention for this: the rules' choice is shown.",
    )
    return interventions, why, note


def _goals_for_area(
    rules: Rules,
    area: AreaRule,
    area_sources: tuple[Source, ...],
    found: tuple[Sentence, ...],
    latest: dict[str, IntakeScore],
    factors: list[DraftFactor],
    area_codes: list[str],
    start: dt.date,
    modality: str = "",
) -> list[DraftGoal]:
    by_code = {r.code: r for r in rules.maintaining}
    # Objectives that answer this area's maintaining factors.
    objectives: list[DraftObjective] = []
    linked: list[str] = []
    seen_objectives: dict[str, int] = {}
    for f in factors:
        rule = by_code.get(f.rule)
        response = _response(rule, area_codes) if rule else None
        if rule is None or response is None or response.area != area.code:
            continue
        linked.append(f.id)
        if response.objective in seen_objectives:
            i = seen_objectives[response.objective]
            o = objectives[i]
            objectives[i] = replace(o, factors=(*o.factors, f.id))
            continue
        item = library.get(response.objective)
        statement, target, notes, sources = _worded(
            item, rules.objectives.get(item.id), found, start
        )
        why = Source("rule", f"maintaining.{rule.code}", rule.source)
        chosen, why, note = _for_modality(rules, modality, response.interventions, item, why)
        if note is not None:
            notes.append(note)
        seen_objectives[response.objective] = len(objectives)
        objectives.append(
            DraftObjective(
                id="",
                library_id=item.id,
                statement=statement,
                target=target,
                interventions=_interventions(chosen, (f.id,), why),
                factors=(f.id,),
                sources=(*sources, why),
                for_clinician=tuple(notes),
            )
        )
    goals: list[DraftGoal] = []
    instrument_goal = _instrument_goal(rules, area, area_sources, latest, start)
    if instrument_goal is not None:
        goal, _ = instrument_goal
        goals.append(replace(goal, factors=tuple(linked), objectives=tuple(objectives)))
        objectives = []
    # A functional goal when the intake names its everyday outcome.
    candidates = [g for g in rules.functional_goals if g.area == area.code]
    hit = next((g for g in candidates if any(cue_hits(s.lower, g.cues) for s in found)), None)
    if hit is None and not goals and candidates:
        hit = candidates[0]
    if hit is not None:
        item = library.get(hit.library)
        statement, target, notes, sources = _worded(item, hit, found, start)
        cue_sources = tuple(s.source() for s in found if cue_hits(s.lower, hit.cues))
        goal_objectives = objectives
        if not goal_objectives:
            used = {o.library_id for g in goals for o in g.objectives}
            spare = [oid for oid in item.objective_ids if oid not in used]
            if spare:
                o_item = library.get(spare[0])
                o_statement, o_target, o_notes, o_sources = _worded(
                    o_item, rules.objectives.get(o_item.id), found, start
                )
                why = Source("library", item.id, "the goal's typical objective")
                goal_objectives = [
                    DraftObjective(
                        id="",
                        library_id=o_item.id,
                        statement=o_statement,
                        target=o_target,
                        interventions=_interventions(o_item.intervention_ids[:2], (), why),
                        factors=(),
                        sources=o_sources,
                        for_clinician=tuple(o_notes),
                    )
                ]
        targeted = [
            f.id
            for f in factors
            if f.id in linked
            and (r := by_code.get(f.rule)) is not None
            and (resp := _response(r, area_codes)) is not None
            and resp.objective in item.objective_ids
        ]
        goals.append(
            DraftGoal(
                id="",
                area=area.code,
                library_id=item.id,
                client_words="",
                statement=statement,
                target=target,
                factors=tuple(targeted or linked),
                objectives=tuple(goal_objectives),
                sources=(*cue_sources, *sources),
                for_clinician=tuple(notes),
            )
        )
    return goals


def _with_client_words(
    goal: DraftGoal,
    client_sentences: list[Sentence],
    used: set[str],
    factors: list[DraftFactor],
    rules: Rules,
) -> DraftGoal:
    area = rules.area(goal.area)
    words = _terms(goal.statement)
    if goal.target is not None and goal.target.instrument:
        words |= _terms(" ".join([area.symptoms, *area.strong, *area.cues]))
        # A symptom goal is about every maintaining factor it is linked to.
        by_id = {f.id: f for f in factors}
        for fid in goal.factors:
            words |= _terms(by_id[fid].text)
            rule = next((r for r in rules.maintaining if r.code == by_id[fid].rule), None)
            if rule is not None:
                words |= _terms(" ".join(rule.cues))
    else:
        words |= _terms(
            " ".join(
                c for g in rules.functional_goals if g.library == goal.library_id for c in g.cues
            )
        )
    if goal.library_id:
        words |= _terms(library.get(goal.library_id).client_words)
    best: tuple[int, Sentence] | None = None
    for s in client_sentences:
        if s.text in used:
            continue
        overlap = len(_terms(s.text) & words)
        if overlap and (best is None or overlap > best[0]):
            best = (overlap, s)
    if best is None:
        note = ForClinician(
            "client_words",
            "None of the client's words in the intake is about this goal: "
            "write them with the client.",
        )
        return replace(goal, for_clinician=(*goal.for_clinician, note))
    used.add(best[1].text)
    return replace(goal, client_words=best[1].text, sources=(best[1].source(), *goal.sources))


def _with_safety_objective(rules: Rules, goal: DraftGoal, risk: Risk, start: dt.date) -> DraftGoal:
    item = library.get(rules.risk_objective)
    why = Source("rule", "risk", rules.risk_source)
    objective = DraftObjective(
        id="",
        library_id=item.id,
        statement=item.text,
        target=None,
        interventions=_interventions(rules.risk_interventions, (), why),
        factors=(),
        sources=(*risk.quotes, Source("library", item.id, item.text), why),
        for_clinician=(
            ForClinician("risk", "Suggested because the intake speaks of risk: assess first."),
        ),
    )
    return replace(goal, objectives=(objective, *goal.objectives))


def number_items(goals: list[DraftGoal]) -> list[DraftGoal]:
    out = []
    for gi, g in enumerate(goals, start=1):
        objectives = []
        for oi, o in enumerate(g.objectives, start=1):
            oid = f"g{gi}.o{oi}"
            interventions = tuple(
                replace(x, id=f"{oid}.i{ii}") for ii, x in enumerate(o.interventions, start=1)
            )
            objectives.append(replace(o, id=oid, interventions=interventions))
        out.append(replace(g, id=f"g{gi}", objectives=tuple(objectives)))
    return out


# ---------------------------------------------------------------- checks


def _domain_target(t: DraftTarget | None) -> Target | None:
    if t is None or t.target is None:
        return None
    return Target(
        measure=t.instrument or t.measure,
        instrument=bool(t.instrument),
        target_value=t.target,
        comparator=t.comparator,
        direction=t.direction,
        baseline=t.baseline,
        unit=t.unit if not t.instrument else "",
        period=t.period,
        due_date=t.due_date,
    )


def domain_plan(
    intake: Intake, start: dt.date, factors: list[DraftFactor], goals: list[DraftGoal]
) -> Plan:
    by_id = {f.id: FormulationFactor(f.id, f.kind, f.text) for f in factors}
    return Plan(
        id="plan",
        version=1,
        status="draft",
        created_on=start,
        review_interval_days=intake.review_interval_days,
        diagnoses=tuple(Diagnosis(code, "", i) for i, code in enumerate(intake.diagnoses, start=1)),
        formulation=Formulation(
            presenting_problems=intake.presenting_problem, factors=tuple(by_id.values())
        ),
        goals=tuple(
            Goal(
                id=g.id,
                order=gi,
                statement=g.statement,
                client_words=g.client_words,
                factors=tuple(by_id[f] for f in g.factors),
                target=_domain_target(g.target),
                objectives=tuple(
                    Objective(
                        id=o.id,
                        order=oi,
                        statement=o.statement,
                        target=_domain_target(o.target),
                        interventions=tuple(
                            Intervention(
                                id=x.id,
                                modality=x.modality,
                                type=x.type,
                                frequency=x.frequency,
                                session_minutes=x.session_minutes,
                            )
                            for x in o.interventions
                        ),
                    )
                    for oi, o in enumerate(g.objectives, start=1)
                ),
            )
            for gi, g in enumerate(goals, start=1)
        ),
    )


def _context(
    target: DraftTarget | None,
    factor_texts: tuple[str, ...],
    client_words: str | None,
    *,
    active_goals: int | None = None,
) -> smart.GoalContext:
    return smart.GoalContext(
        baseline=target.baseline if target else None,
        instrument=target.instrument or None if target else None,
        formulation_factors=factor_texts,
        client_words=client_words,
        active_goals=active_goals,
    )


def judged(
    goals: list[DraftGoal],
    factors: list[DraftFactor],
    findings: tuple[PlanFinding, ...],
    start: dt.date,
) -> list[DraftGoal]:
    by_id = {f.id: f.text for f in factors}
    out = []
    for g in goals:
        texts = tuple(by_id[f] for f in g.factors)
        words = g.client_words or None
        analysis = smart.as_dict(
            smart.analyse(
                g.statement,
                _context(g.target, texts, words, active_goals=len(goals)),
                today=start,
            ),
            id=g.id,
        )
        objectives = []
        for o in g.objectives:
            o_analysis = smart.analyse(o.statement, _context(o.target, texts, words), today=start)
            o_dict = smart.as_dict(o_analysis, id=o.id)
            o_dict["findings"] = [
                f for f in o_dict["findings"] if f["code"] not in smart.GOAL_ONLY_FINDINGS
            ]
            objectives.append(
                replace(
                    o,
                    analysis=o_dict,
                    findings=tuple(
                        _finding(f)
                        for f in findings
                        if f.where == o.id or f.where.startswith(o.id + ".")
                    ),
                )
            )
        out.append(
            replace(
                g,
                analysis=analysis,
                objectives=tuple(objectives),
                findings=tuple(_finding(f) for f in findings if f.where == g.id),
            )
        )
    return out
