"""`make bench`: run every bench/bench_*.py, print a table, write var/bench/results.json."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Result  # noqa: E402


def main() -> int:
    results: list[Result] = []
    bench_dir = Path(__file__).resolve().parent
    for info in sorted(pkgutil.iter_modules([str(bench_dir)]), key=lambda i: i.name):
        if not info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        results.extend(module.run())
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps([r.as_dict() for r in results], indent=2) + "\n")
    header = (
        f"{'benchmark':<40} {'value':>14} {'unit':<18} "
        f"{'baseline':<32} {'baseline value':>14} {'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<40} {r.value:>14,.1f} {r.unit:<18} {r.baseline_name:<32} "
            f"{r.baseline_value:>14,.1f} {r.ratio:>8.3f}"
        )
    print(f"\n{len(results)} benchmarks; results in var/bench/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
