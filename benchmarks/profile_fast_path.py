"""Where the time of a warm run goes: cProfile in ansible-playbook's main process and in its forked workers.

Starts the Edge emulator, applies a generated organisation once (unprofiled) and then profiles a warm run
of the same playbook: either one looped task of a resource module over N objects (``--kind users``, the
fast path of a loop with many items) or the whole bootstrap role (``--kind role``). Prints the functions
that cost the most, for the workers (where a task's loop items run) and for the main process (strategy,
templating of loops, results, callbacks).

    .venv/bin/python benchmarks/profile_fast_path.py --kind users --objects 200
    .venv/bin/python benchmarks/profile_fast_path.py --kind role --objects 500 --out prof-role

``--module-path`` profiles with ROCKIT_FAST_PATH=false instead (then the module processes are not profiled).
"""
import argparse
import glob
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import org as orgmod  # noqa: E402  pylint: disable=wrong-import-position
import run as bench  # noqa: E402  pylint: disable=wrong-import-position

MODULES = {  # kind -> (module, its options (the first names the object), the role's input list)
    'deployments': ('rockit_deployment', ('name', 'origin', 'download_auth'), 'rockit_deployments'),
    'roles': ('rockit_role', ('name', 'label', 'permissions'), 'rockit_roles'),
    'users': ('rockit_user', ('username', 'type', 'email', 'first_name', 'surname', 'title', 'label', 'roles'), 'rockit_users'),
    'apps': ('rockit_app', ('name', 'label', 'max_builds', 'deployments', 'all_deployments'), 'rockit_apps'),
    'subscriptions': ('rockit_subscription', ('name', 'sender', 'events', 'webhook_url', 'slack_channel'), 'rockit_subscriptions'),
}

# Runs as the ansible-playbook process: patches the worker to profile itself, then runs the CLI.
PROFILED_MAIN = r'''
import cProfile, os, sys
out = sys.argv.pop(1)
from ansible.executor.process import worker
_run = worker.WorkerProcess._run
def profiled_run(self):
    prof = cProfile.Profile()
    prof.enable()
    try:
        return _run(self)
    finally:
        prof.disable()
        prof.dump_stats(os.path.join(out, 'worker-%d.prof' % os.getpid()))
        with open(os.path.join(out, 'worker-%d.task' % os.getpid()), 'w') as handle:
            handle.write(self._task.get_name())
worker.WorkerProcess._run = profiled_run
from ansible.cli.playbook import main
prof = cProfile.Profile()
prof.enable()
try:
    main(['ansible-playbook'] + sys.argv[1:])
finally:
    prof.disable()
    prof.dump_stats(os.path.join(out, 'main.prof'))
'''


def loop_playbook(kind):
    module, options, listname = MODULES[kind]
    return '\n'.join([
        '- name: Profile one looped task',
        '  hosts: localhost',
        '  gather_facts: false',
        '  tasks:',
        '    - name: Ensure every object',
        '      rockitplay.edge.%s:' % module,
    ] + ['        %s: "{{ item.%s | default(omit) }}"' % (option, option) for option in options] + [
        '      loop: "{{ %s }}"' % listname,
        '      loop_control:',
        '        label: "{{ item.%s }}"' % options[0],
        '',
    ])


def load(files):
    """The readable profiles (a worker ended by a signal may leave a cut-off file behind)."""
    stats, skipped = None, 0
    for path in files:
        try:
            stats = pstats.Stats(path) if stats is None else stats.add(path) or stats
        except (EOFError, ValueError, TypeError):
            skipped += 1
    return stats, skipped


def per_task(files):
    """Profiled seconds per task (one worker process runs one task, with all its loop items)."""
    rows = []
    for path in files:
        stats, _skipped = load([path])
        try:
            with open(path[:-len('.prof')] + '.task') as handle:
                name = handle.read()
        except OSError:
            name = '?'
        rows.append((stats.total_tt if stats else 0.0, name))
    print('=' * 100)
    print('workers per task (profiled seconds; the profiler roughly doubles the real time):')
    for seconds, name in sorted(rows, reverse=True):
        print('%8.2f  %s' % (seconds, name))


def show(title, files, limit):
    stats, skipped = load(files)
    if stats is None:
        print('%s: no profile written' % title)
        return
    if skipped:
        print('%s: %d unreadable profile(s) skipped' % (title, skipped))
    print('=' * 100)
    print('%s: %d process(es), %.2f s profiled' % (title, len(files), stats.total_tt))
    stats.sort_stats('tottime').print_stats(limit)
    stats.sort_stats('cumulative').print_stats(limit)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--kind', default='users', choices=sorted(MODULES) + ['role'])
    parser.add_argument('--objects', type=int, default=200, help='objects of the generated organisation (default mix scaled)')
    parser.add_argument('--module-path', action='store_true', help='ROCKIT_FAST_PATH=false')
    parser.add_argument('--limit', type=int, default=25, help='functions to print per table')
    parser.add_argument('--out', help='keep the .prof files in this directory')
    parser.add_argument('--collections-path', help='where ansible finds rockitplay.edge (default: the repository)')
    args = parser.parse_args()
    counts = orgmod.scale_mix(orgmod.parse_mix(bench.parse_args([]).mix), args.objects)
    org = orgmod.build(counts)
    subprocess.run([sys.executable, os.path.join(bench.ROOT, 'tests', 'tools', 'collection.py'), 'link'], check=True,
                   stdout=subprocess.DEVNULL)
    workdir = tempfile.mkdtemp(prefix='rockit-profile-')
    out = os.path.abspath(args.out) if args.out else os.path.join(workdir, 'prof')
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, '*.prof')):
        os.unlink(old)
    emulator = bench.Emulator()
    try:
        runner = bench.Bench(bench.parse_args(['--quick'] + (['--collections-path', args.collections_path] if args.collections_path else [])),
                             emulator, workdir)
        role_vars = orgmod.role_vars(org)
        setup = runner.write_vars('org-role.json', role_vars)
        # Create everything first, unprofiled: one looped task per kind.
        for kind in orgmod.KINDS:
            path = os.path.join(workdir, 'setup-%s.yml' % kind)
            with open(path, 'w') as handle:
                handle.write(loop_playbook(kind))
            subprocess.run([os.path.join(bench.BIN, 'ansible-playbook'), '-i', runner.inventory, path, '-e', '@' + setup],
                           env=runner.env, check=True, stdout=subprocess.DEVNULL, cwd=workdir)
        emulator.take_requests()
        if args.kind == 'role':
            playbook = os.path.join(bench.PLAYBOOKS, 'role_bootstrap.yml')
        else:
            playbook = os.path.join(workdir, 'setup-%s.yml' % args.kind)
        env = dict(runner.env, ROCKIT_FAST_PATH='false' if args.module_path else 'true')
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, '-c', PROFILED_MAIN, out, '-i', runner.inventory, playbook, '-e', '@' + setup],
                              env=env, capture_output=True, text=True, cwd=workdir, check=False)
        wall = time.perf_counter() - start
        if proc.returncode:
            sys.exit(proc.stdout[-4000:] + proc.stderr[-4000:])
        requests = emulator.take_requests()
        print('profiled warm run of %s (%s): %.2f s wall under the profiler, %d requests, %d writes' % (
            args.kind, 'module path' if args.module_path else 'fast path', wall, len(requests),
            sum(1 for r in requests if r['method'] in bench.WRITE_METHODS)))
        print(json.dumps(bench.summarize(requests)))
    finally:
        emulator.stop()
    per_task(sorted(glob.glob(os.path.join(out, 'worker-*.prof'))))
    show('workers', sorted(glob.glob(os.path.join(out, 'worker-*.prof'))), args.limit)
    show('main process', glob.glob(os.path.join(out, 'main.prof')), args.limit)
    if args.out:
        print('profiles kept in %s' % out)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
