"""`make demo`: start the Edge emulator, apply the example bootstrap playbook twice, show what changed, stop.

The first run creates the example organisation; the second run shows that nothing changes.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')


def main():
    emulator = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'emulator', 'edge_emulator.py'),
                                 '--host', '127.0.0.1', '--port', '0', '--fixtures', 'docs',
                                 '--admin-api-key', 'rockit-demo-api-key'],
                                stdout=subprocess.PIPE, text=True)
    try:
        line = emulator.stdout.readline().strip()
        if not line.startswith('listening on '):
            sys.exit('the emulator did not start: %r' % line)
        url = line.split(' ', 2)[2]
        print('Edge emulator: %s (organisation ExampleOrg, machine user adminPrincipal)' % url, flush=True)
        env = dict(os.environ,
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, '.build', 'collections'),
                   ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
                   ANSIBLE_NOCOLOR='1',
                   ROCKIT_EDGE_URL=url, ROCKIT_ORGNAME='ExampleOrg', ROCKIT_USERNAME='adminPrincipal',
                   ROCKIT_API_KEY='rockit-demo-api-key', PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
        env.pop('ROCKIT_PASSWORD', None)
        env.pop('ROCKIT_TOKEN', None)
        inventory = 'localhost ansible_connection=local ansible_python_interpreter=%s,' % sys.executable
        rc = 0
        for title in ('First run: the organisation is created', 'Second run: nothing to change'):
            print('\n=== %s ===' % title, flush=True)
            rc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', inventory, PLAYBOOK], env=env, cwd=ROOT,
                                check=False).returncode
            if rc:
                break
        sys.exit(rc)
    finally:
        emulator.terminate()
        emulator.wait(10)


if __name__ == '__main__':
    main()
