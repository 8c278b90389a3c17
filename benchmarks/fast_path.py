"""Benchmark: the cost of one rockit_role_info task through the module path, through the fast path, and of set_fact.

Starts the Edge emulator, then times ansible-playbook runs of N tasks each (as one looped task and as N separate
tasks), side by side in one run, and prints the wall times and ratios. Not a test: run it with
``.venv/bin/python benchmarks/fast_path.py [--tasks 100] [--repeat 1]``.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)


def start_emulator():
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'emulator', 'edge_emulator.py'), '--host', '127.0.0.1',
                             '--port', '0', '--admin-api-key', 'rockit-demo-api-key'], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith('listening on '):
        proc.kill()
        sys.exit('emulator did not start: %r' % line)
    return proc, line.split(' ', 2)[2]


def playbook(task, n, looped):
    head = '- hosts: localhost\n  gather_facts: false\n  tasks:\n'
    if looped:
        return head + '    - name: t\n%s      loop: "{{ range(%d) | list }}"\n' % (task, n)
    return head + ''.join('    - name: t%d\n%s' % (i, task) for i in range(n))


TASKS = {
    'rockit_role_info': '      rockitplay.edge.rockit_role_info:\n        name: Administrators\n',
    'set_fact': '      ansible.builtin.set_fact:\n        x: 1\n',
}


def timed(path, env):
    start = time.perf_counter()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost ansible_connection=local ansible_python_interpreter=%s,'
                           % sys.executable, path], env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        sys.exit(proc.stdout[-3000:] + proc.stderr[-3000:])
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--tasks', type=int, default=100)
    parser.add_argument('--repeat', type=int, default=1)
    args = parser.parse_args()
    proc, url = start_emulator()
    base = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, '.build', 'collections'), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
                ROCKIT_EDGE_URL=url, ROCKIT_ORGNAME='ExampleOrg', ROCKIT_USERNAME='adminPrincipal', ROCKIT_API_KEY='rockit-demo-api-key',
                PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    runs = [
        ('module path', 'rockit_role_info', {'ROCKIT_FAST_PATH': 'false'}),
        ('fast path', 'rockit_role_info', {}),
        ('set_fact', 'set_fact', {}),
    ]
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for looped in (True, False):
                for label, task, extra in runs:
                    path = os.path.join(tmp, '%s-%s.yml' % (task, looped))
                    with open(path, 'w') as handle:
                        handle.write(playbook(TASKS[task], args.tasks, looped))
                    times = [timed(path, dict(base, **extra)) for _attempt in range(args.repeat)]
                    rows.append(('loop of %d' % args.tasks if looped else '%d tasks' % args.tasks, label, statistics.median(times)))
    finally:
        proc.terminate()
    print('%-14s %-12s %9s %12s' % ('shape', 'run', 'wall s', 's per task'))
    for shape, label, wall in rows:
        print('%-14s %-12s %9.2f %12.4f' % (shape, label, wall, wall / args.tasks))
    for shape in sorted(set(r[0] for r in rows)):
        walls = dict((r[1], r[2]) for r in rows if r[0] == shape)
        print('%s: fast path / set_fact = %.2f; module path / fast path = %.1f'
              % (shape, walls['fast path'] / walls['set_fact'], walls['module path'] / walls['fast path']))


if __name__ == '__main__':
    main()
