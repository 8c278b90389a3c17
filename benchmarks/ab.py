"""Measure a change: the warm bootstrap run of two copies of the collection, A and B, taking turns.

A change to plugins/ or roles/ is measured best on a patched copy of the collection, against the unpatched
one, in runs that alternate (the load of a shared machine drifts; paired runs cancel most of it):

    B=$(mktemp -d)
    ansible-galaxy collection build --output-path "$B"          # in the patched checkout
    ansible-galaxy collection install -p "$B" "$B"/rockitplay-edge-*.tar.gz
    .venv/bin/python benchmarks/ab.py --b "$B" --objects 500 --pairs 5

Both copies see the same organisation on the same emulator (created once, with A). Prints the wall time of
each run, the medians and the median of the ratios B/A (below 1: B is faster).
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import org as orgmod  # noqa: E402  pylint: disable=wrong-import-position
import run as bench  # noqa: E402  pylint: disable=wrong-import-position


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--a', default=os.path.join(bench.ROOT, '.build', 'collections'), help='collections path of A (default: this repository)')
    parser.add_argument('--b', required=True, help='collections path of B')
    parser.add_argument('--objects', type=int, default=500)
    parser.add_argument('--pairs', type=int, default=5)
    parser.add_argument('--module-path', action='store_true', help='ROCKIT_FAST_PATH=false (use a small --objects)')
    parser.add_argument('--latency-ms', type=float, default=0.0)
    args = parser.parse_args()
    counts = orgmod.scale_mix(orgmod.parse_mix(bench.parse_args([]).mix), args.objects)
    org = orgmod.build(counts)
    workdir = tempfile.mkdtemp(prefix='rockit-ab-')
    emulator = bench.Emulator()
    env = {'ROCKIT_FAST_PATH': 'false' if args.module_path else 'true'}
    try:
        runners = dict((side, bench.Bench(bench.parse_args(['--quick', '--collections-path', path]), emulator, workdir))
                       for side, path in (('A', args.a), ('B', args.b)))
        org_vars = runners['A'].write_vars('org-role.json', orgmod.role_vars(org))
        runners['A'].playbook(bench.Run('setup', 'setup: cold run with A', args.objects), 'role_bootstrap.yml', ['@' + org_vars])
        emulator.latency(args.latency_ms)
        runs = dict((side, bench.Run(side, 'warm run, %s' % side, args.objects)) for side in runners)
        for pair in range(args.pairs):
            order = ('A', 'B') if pair % 2 == 0 else ('B', 'A')
            for side in order:
                runners[side].playbook(runs[side], 'role_bootstrap.yml', ['@' + org_vars], env=env)
    finally:
        emulator.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    ratios = [b / a for a, b in zip(runs['A'].walls, runs['B'].walls)]
    print()
    print('A: %s: median %.2f s (%s)' % (args.a, runs['A'].wall, ', '.join('%.2f' % w for w in runs['A'].walls)))
    print('B: %s: median %.2f s (%s)' % (args.b, runs['B'].wall, ', '.join('%.2f' % w for w in runs['B'].walls)))
    print('requests A %d, B %d; writes A %d, B %d' % (runs['A'].request_count, runs['B'].request_count, len(runs['A'].writes),
                                                      len(runs['B'].writes)))
    print('B/A: median %.3f (min %.3f, max %.3f) over %d pairs' % (statistics.median(ratios), min(ratios), max(ratios), len(ratios)))


if __name__ == '__main__':
    main()
