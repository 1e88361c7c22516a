"""The prose under the tables: what this run's misses and surprises mean, from its numbers."""

from __future__ import annotations

from ._breakdown import BACKUP, FSYNC, RENAME, TEMPS
from ._format import X, seconds
from ._generator import NewVsCopier
from ._payload import human
from ._run import CROWD, FLOOR_JSON, RAW_JSON, Results
from ._setup import FLOOR, OURS
from ._stats import Summary


def notes(r: Results) -> list[str]:
    """Bullet paragraphs, each driven by the figures of this run."""
    out: list[str] = []
    save, floor, dumps = r.save.get(OURS), r.save.get(FLOOR), r.save.get(FLOOR_JSON)
    parts = r.typical_breakdown.get("save", {})
    floor_parts = r.typical_breakdown.get("floor", {})
    if save and save.ratio and floor:
        extra = _extra_phases(parts, floor_parts)
        top = sorted(extra.items(), key=lambda item: -item[1])[:4]
        listed = ", ".join(f"{name} +{seconds(value)}" for name, value in top if value > 0)
        serializing = f"{save.against(dumps).median:.2f}{X}" if dumps else "n/a"
        overhead = sum(parts.values()) - sum(floor_parts.values())
        fsync = parts.get(FSYNC, 0.0) / 2
        verdict = "misses" if save.ratio.median > 1.15 else "meets"
        out.append(
            f"- **`save()` {verdict} its target against the floor** ({save.ratio.median:.2f}"
            f"{X}; target 1.15{X}). The floor writes bytes that already exist, takes no lock "
            "and keeps no backup. A save also serializes and validates the state, takes the "
            "lock (the backup's rotation must not race another writer), reads the current "
            "file to decide what to keep, and links it as `.bak`. It frees and allocates no "
            "file, though: it writes into the backup the save before it retired (the spare), "
            "where the floor allocates a new file at each save and frees the old one at its "
            "rename, work the file system does within the floor's time. "
            f"The largest additions in this run: {listed}. Against the floor plus "
            f"`json.dumps`, the least any JSON store must do, the ratio is {serializing}."
        )
        if overhead > 0 and fsync > 0:
            slow = 5e-3
            share = 100 * overhead / (sum(floor_parts.values()) - 2 * fsync + 2 * slow)
            out.append(
                "- **The ratio depends on the disk.** The additions are CPU and metadata work "
                f"of about {seconds(overhead)} per save, while the floor is mostly its two "
                f"fsyncs, about {seconds(fsync)} each on this virtual disk. With fsyncs of "
                f"{slow * 1e3:.0f} ms each, the same {seconds(overhead)} would add about "
                f"{share:.0f}% (arithmetic, not measured). The absolute overhead is the "
                "portable figure."
            )
    crowded, alone = r.crowded.get(OURS), r.crowded.get(FLOOR)
    if crowded and crowded.ratio and alone and save and save.ratio:
        temps = r.crowded_breakdown.get("save", {}).get(TEMPS)
        out.append(
            f"- **A crowded directory.** With {CROWD} other files beside the state file a save "
            f"costs {crowded.ratio.median:.1f}{X} the floor in the same directory, against "
            f"{save.ratio.median:.1f}{X} alone (two races, each of which moves by a tenth or so "
            "between runs): no step of a save lists the directory. A writer "
            "killed mid-save names its temp files in the lock file first, so the next writer "
            "removes them by name"
            + (f" ({seconds(temps)} here)" if temps else "")
            + "; `compact()` and `recover()` list the directory for leftovers nobody named "
            "(a power loss)."
        )
    big = [p for p in r.scale if p.size >= 1_000_000 and OURS in p.save and FLOOR_JSON in p.save]
    if big:
        point = big[-1]
        ratio_dumps = point.save[OURS].against(point.save[FLOOR_JSON]).median
        share = _share(point.breakdown.get("save", {}), ("json.dumps", "dataclass → dict"))
        out.append(
            f"- **Large states.** At {point.size / 1e6:.0f} MB serialization is "
            f"{share:.0f}% of a save: the floor, which writes ready-made bytes, is no longer "
            f"the right yardstick. Against the floor plus `json.dumps` a save costs "
            f"{ratio_dumps:.2f}{X}."
        )
    load, raw = r.load.get(OURS), r.load.get(RAW_JSON)
    if load and load.ratio and raw:
        out.append(
            f"- **`load()` of an unchanged file** takes {seconds(load.seconds.median)} against "
            f"{seconds(raw.seconds.median)} for reading the file and `json.loads` "
            f"(about {load.ratio.median:.1f}{X}): it compares the bytes with those it read "
            "before and skips the parse, and what is left, type validation and building the "
            "dataclasses, grows with the number of values, not with the disk."
        )
    for point in r.scale:
        entry = point.load.get(OURS)
        if entry is None or entry.ratio is None or entry.ratio.median <= 1.5:
            continue
        phases = point.breakdown.get("load", {})
        total = sum(phases.values()) or 1.0
        shares = ", ".join(f"{name} {100 * value / total:.0f}%" for name, value in phases.items())
        out.append(
            f"- **`load()` at {human(point.size)}** misses 1.5{X} ({entry.ratio.median:.2f}{X}; "
            f"{shares}). Parsing is the same work as the baseline's; the validation and the "
            "other work grow with the state. The checksum is the price of catching a flipped "
            "bit that still parses (a digit, a letter): without it such a file would load as a "
            "different, plausible state. CRC-32 is the cheapest check that catches every "
            "single-bit error; adler32 was measured no faster here."
        )
    if isinstance(r.help, Summary) and r.help.median > 0.2:
        out.append(
            f"- **`--help`** took {seconds(r.help.median)}; Python itself starts in "
            f"{seconds(r.startup.median) if r.startup else 'n/a'}. The rest is importing "
            "the CLI's dependencies (see `python -X importtime -m stategen --help`)."
        )
    if isinstance(r.new, NewVsCopier):
        out.append(
            f"- **`stategen new`** adds {seconds(r.new.new.median - r.new.copier.median)} "
            "to a plain `copier copy` (spec validation, answers, and the process start)."
        )
    missing = [name for name, outcome in r.more_commands.items() if isinstance(outcome, str)]
    if missing:
        out.append(
            "- **Not measured:** "
            + ", ".join(f"`stategen {name}` ({r.more_commands[name]})" for name in missing)
            + "."
        )
    return out


def _share(parts: dict[str, float], prefixes: tuple[str, ...]) -> float:
    total = sum(parts.values()) or 1.0
    return 100 * sum(v for k, v in parts.items() if k.startswith(prefixes)) / total


def _extra_phases(ours: dict[str, float], floor: dict[str, float]) -> dict[str, float]:
    """What each phase adds over the floor's same phase.

    The floor's rename frees the file it replaces; a save's does not (the old file lives on
    as `.bak`, and the backup it replaces as the spare). So the rename's saving is credited
    to the backup, whose net cost is what the design adds.
    """
    extra = {phase: value - floor.get(phase, 0.0) for phase, value in ours.items()}
    if BACKUP in extra and RENAME in extra:
        extra[f"{BACKUP}, net of the cheaper rename"] = extra.pop(BACKUP) + extra.pop(RENAME)
    return extra
