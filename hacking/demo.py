"""`make demo`: the real first run, from nothing but the installation's admin token, against the Edge emulator.

1. starts the emulator with only an admin token (no organisation of ours, no API key anywhere);
2. runs ``ansible-playbook rockitplay.edge.environment``: it creates the organisation DemoStudio and its
   primary administrator, logs in with the administrator's password, creates the automation role,
   machine user and key (kept in an API keys file, mode 0600), applies playbooks/vars/example_environment.yml
   with the role rockitplay.edge.bootstrap as that machine user, and logs out;
3. runs it again: nothing changes, no write is sent, no key is created;
4. tears the organisation down (-e rockit_environment_state=absent) and stops the emulator.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
VARS = os.path.join(ROOT, 'playbooks', 'vars', 'example_environment.yml')
ADMIN_TOKEN = 'rockit-demo-admin-token'
WRITES = ('POST', 'PATCH', 'PUT', 'DELETE')


def control(url, method, path):
    request = urllib.request.Request(url + '/_emulator/' + path, method=method, headers={'Accept': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as answer:  # nosec - the local emulator
        body = answer.read()
    return json.loads(body) if body else {}


def summary(url):
    log = control(url, 'GET', 'requests')['requests']
    control(url, 'DELETE', 'requests')
    writes = [r for r in log if r['method'] in WRITES]
    logins = [r for r in writes if r['path'] == '/be/v1/login']
    keys = [r for r in writes if r['method'] == 'POST' and r['path'] in ('/be/v1/apikeys', '/be/v1/users')]
    print('--- the Edge saw %d requests: %d writes (%d login requests, %d logouts, %d users or API keys created)'
          % (len(log), len(writes), len(logins), len([r for r in writes if r['path'] == '/be/v1/logout']), len(keys)),
          flush=True)
    return log, writes


def main():
    scratch = tempfile.mkdtemp(prefix='rockit-demo-')
    emulator = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'emulator', 'edge_emulator.py'),
                                 '--host', '127.0.0.1', '--port', '0', '--admin-token', ADMIN_TOKEN],
                                stdout=subprocess.PIPE, text=True)
    try:
        line = emulator.stdout.readline().strip()
        if not line.startswith('listening on '):
            sys.exit('the emulator did not start: %r' % line)
        url = line.split(' ', 2)[2]
        print('Edge emulator: %s, started with only an admin token' % url, flush=True)
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ROCKIT_'))
        env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, '.build', 'collections'),
                   ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false', ANSIBLE_NOCOLOR='1',
                   ROCKIT_EDGE_URL=url, ROCKIT_ADMIN_TOKEN=ADMIN_TOKEN,
                   PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
        inventory = 'localhost ansible_connection=local ansible_python_interpreter=%s,' % sys.executable
        extra = ['-e', '@' + VARS, '-e', json.dumps({
            'rockit_environment_org': 'DemoStudio',
            # In real use this comes from Ansible Vault; the demo's organisation lives only in the emulator's memory.
            'rockit_environment_admin_password': 'Demo-admin-pw-2026',
            'rockit_environment_keys_file': os.path.join(scratch, 'keys', 'api-keys.yml'),
        })]
        playbook = [os.path.join(BIN, 'ansible-playbook'), '-i', inventory, 'rockitplay.edge.environment'] + extra
        steps = (
            ('First run: the organisation, its automation user and key, then the declared objects', []),
            ('Second run: nothing to change, no write, no new key', []),
            ('Teardown: -e rockit_environment_state=absent', ['-e', 'rockit_environment_state=absent']),
        )
        for number, (title, args) in enumerate(steps):
            print('\n=== %s ===' % title, flush=True)
            rc = subprocess.run(playbook + args, env=env, cwd=scratch, check=False).returncode
            if rc:
                sys.exit(rc)
            writes = summary(url)[1]
            if number == 1 and writes:
                sys.exit('the second run sent writes: %s' % ', '.join('%s %s' % (r['method'], r['path']) for r in writes))
        print('\nThe key of automation_bot was kept in an API keys file (mode 0600) until the teardown.')
    finally:
        emulator.terminate()
        emulator.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == '__main__':
    main()
