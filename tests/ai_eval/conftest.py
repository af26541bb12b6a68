"""Prints the eval's pass rate per provider at the end of the run, with or without ``-s``."""

from __future__ import annotations

from tests.ai_eval.checks import RESULTS, THRESHOLDS, pass_rate


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not RESULTS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("AI eval: pass rate per provider")
    write(f"{'provider':<14}{'cases':>7}{'passed':>8}{'rate':>9}{'needed':>9}")
    for provider, outcomes in RESULTS.items():
        passed = sum(o.passed for o in outcomes)
        write(
            f"{provider:<14}{len(outcomes):>7}{passed:>8}"
            f"{pass_rate(provider):>9.0%}{THRESHOLDS.get(provider, 1.0):>9.0%}"
        )
    if "real-model" not in RESULTS:
        write("real-model: not run (set AI_EVAL_BASE_URL and AI_EVAL_API_KEY to evaluate one)")
    for provider, outcomes in RESULTS.items():
        for outcome in outcomes:
            if not outcome.passed:
                write(f"  {provider} / {outcome.case}: " + "; ".join(outcome.failures))
