"""The reliability tests report what they proved (faults survived, inputs refused, ...) at the end of the run."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def pytest_terminal_summary(terminalreporter):
    totals = {}
    for report in terminalreporter.stats.get('passed', []):
        if not report.nodeid.startswith('tests/reliability/') or report.when != 'call':
            continue
        for key, value in getattr(report, 'user_properties', ()):
            totals.setdefault(key, []).append('%s=%s' % (report.nodeid.rsplit('::', maxsplit=1)[-1], value))
    if totals:
        terminalreporter.section('reliability counts')
        for key in sorted(totals):
            terminalreporter.write_line('%s: %s' % (key, ', '.join(totals[key])))
