"""`make bench`: the rockitplay.edge.bootstrap role against a hand-written ansible.builtin.uri playbook and the floor.

Starts the Edge emulator, generates an organisation of N objects (default 500) and runs, one after another,
reading (and clearing) the emulator's request log after each run:

  1. the bootstrap role, cold (every object created);
  2. the bootstrap role, warm (nothing to change);
  3. the same warm run through the module path (ROCKIT_FAST_PATH=false), optionally on a sample of objects;
  4. the hand-written ansible.builtin.uri playbook (benchmarks/playbooks/uri_bootstrap.yml), warm;
  5. the floor: one ansible.builtin.set_fact task looped over N items;
  6. runs 2 and 4 again with the emulator adding a latency to every request (run 4 optionally on a sample);
  7. the role cold and warm at that latency and at a higher one (150 ms), the organisation emptied before each cold run;
  8. the role cold and warm against a second emulator whose gateway admits 20 requests per second for all clients;
  9. the warm role with a password login instead of an API key (in the rounds of run 2, for the ratio);
plus ansible-playbook's start-up (an empty loop), the role with nothing declared (its fixed cost), the floor
with the organisation loaded as variables, N/10 looped ansible.builtin.ping tasks (the cost of a module task)
beside N/10 looped rockit_role_info tasks on the module path (the cost of one of the collection's modules),
and a check that the uri playbook creates what the role creates. It prints a table and the ratios against the
targets (see docs/performance.md), and writes the same to benchmarks/results/latest.md
(--quick: benchmarks/results/quick.md.tmp).

Run it with ``make bench`` or ``.venv/bin/python benchmarks/run.py [--quick] [--objects N] ...``.
"""
import argparse
import collections
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import org as orgmod  # noqa: E402  pylint: disable=wrong-import-position

try:
    import psutil
except ImportError:  # the /proc fallback below
    psutil = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, 'benchmarks')
PLAYBOOKS = os.path.join(BENCH, 'playbooks')
BIN = os.path.dirname(sys.executable)
ORG, USER, API_KEY, PASSWORD = 'ExampleOrg', 'adminPrincipal', 'rockit-demo-api-key', 'rockit-demo-password'
WRITE_METHODS = frozenset(('POST', 'PUT', 'PATCH', 'DELETE'))

# The targets of docs/performance.md.
TARGET_WARM_REQUEST_SLACK = 10      # warm run: requests <= N + this
TARGET_WARM_VS_URI = 20.0           # warm run at least this many times faster than the uri playbook
TARGET_WARM_VS_FLOOR = 1.6          # warm run at most this many times the floor
TARGET_MODULE_VS_PING = 1.25        # module path per object at most this many times a ping task
TARGET_LATENCY = 1.5                # warm run with latency at most this many times (requests x latency + floor)
TARGET_WARM_LATENCY_VS_LOOPBACK = 1.5   # warm run at --latency-ms at most this many times the warm run on the loopback
TARGET_COLD_LATENCY_VS_LOOPBACK = 2.0   # cold run at --latency-ms at most this many times the cold run on the loopback
TARGET_RATE_LIMIT_FACTOR = 1.15     # under a gateway limit: wall <= loopback + this x (requests / limit)
TARGET_PASSWORD_VS_API_KEY = 1.10   # warm run with a password login at most this many times the one with an API key
LOGIN_REQUESTS_PER_LOGIN = 2        # the 2026 login flow of the emulator's release: two POST /be/v1/login per login


# ---------------------------------------------------------------------------------------------- the emulator
class Emulator(object):
    """The Edge emulator on a free port of 127.0.0.1, with its test-control API."""

    def __init__(self, *extra):
        self.proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'emulator', 'edge_emulator.py'), '--host', '127.0.0.1',
                                      '--port', '0', '--quiet', '--org', ORG, '--admin-user', USER, '--admin-api-key', API_KEY,
                                      '--admin-password', PASSWORD] + list(extra),
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith('listening on '):
            self.proc.kill()
            sys.exit('the Edge emulator did not start: %r' % line)
        self.url = line.split(' ', 2)[2]

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json', 'Accept': 'application/json'})
        with urllib.request.urlopen(req, timeout=60) as answer:
            return json.loads(answer.read().decode() or '{}')

    def take_requests(self):
        """The API requests served since the last call (the log is cleared)."""
        entries = self.control('GET', '/_emulator/requests')['requests']
        self.control('DELETE', '/_emulator/requests')
        return [e for e in entries if e['path'].startswith('/be/v1/')]

    def latency(self, ms):
        self.control('POST', '/_emulator/latency', {'ms': ms})

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# ---------------------------------------------------------------------------------------------- memory
def _proc_children():
    """{ppid: [pid, ...]} from /proc (the fallback when psutil is missing)."""
    tree = collections.defaultdict(list)
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(')') + 2:].split()
        tree[int(fields[1])].append(int(entry))
    return tree


def _proc_rss(pid):
    try:
        with open('/proc/%d/statm' % pid) as handle:
            return int(handle.read().split()[1]) * resource.getpagesize()
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(pid):
    """The summed resident set size of a process and all its descendants, in bytes."""
    if psutil is not None:
        try:
            root = psutil.Process(pid)
            procs = [root] + root.children(recursive=True)
        except psutil.Error:
            return 0
        total = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total
    tree = _proc_children()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _proc_rss(current)
        todo.extend(tree.get(current, ()))
    return total


MEMORY_METHOD = ('sum of RSS of ansible-playbook and its descendants, sampled every 50 ms with psutil %s' % psutil.__version__
                 if psutil is not None else 'sum of RSS of ansible-playbook and its descendants, sampled every 50 ms from /proc')


class PeakMemory(threading.Thread):
    def __init__(self, pid, interval=0.05):
        super(PeakMemory, self).__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self.done.wait(self.interval)


# ---------------------------------------------------------------------------------------------- runs
class Run(object):
    """One ansible-playbook run and what the emulator saw."""

    def __init__(self, key, title, objects):
        self.key, self.title, self.objects = key, title, objects
        self.walls, self.cpus, self.peaks, self.loads = [], [], [], []
        self.requests = []
        self.recap = {}
        self.scaled_to = None      # N when the run covered a sample and its time is extrapolated
        self.note = ''

    @property
    def wall(self):
        return statistics.median(self.walls)

    @property
    def cpu(self):
        return statistics.median(self.cpus)

    @property
    def server_seconds(self):
        return sum(float(r.get('duration_ms') or 0) for r in self.requests) / 1000.0

    @property
    def request_count(self):
        return len(self.requests)

    @property
    def writes(self):
        return [r for r in self.requests if r['method'] in WRITE_METHODS]

    def wall_range(self):
        return '' if len(self.walls) < 2 else ' (%.2f-%.2f)' % (min(self.walls), max(self.walls))


class Bench(object):
    def __init__(self, args, emulator, workdir):
        self.args, self.emulator, self.workdir = args, emulator, workdir
        self.inventory = os.path.join(workdir, 'inventory')
        with open(self.inventory, 'w') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
        self.env = dict(os.environ)
        for key in list(self.env):
            if key.startswith('ROCKIT_') or key.startswith('ANSIBLE_'):
                del self.env[key]
        self.env.update(ANSIBLE_COLLECTIONS_PATH=args.collections_path, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
                        ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'),
                        ROCKIT_EDGE_URL=emulator.url, ROCKIT_ORGNAME=ORG, ROCKIT_USERNAME=USER, ROCKIT_API_KEY=API_KEY,
                        PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
        self.runs = collections.OrderedDict()
        self.logs = 0

    def write_vars(self, name, data):
        path = os.path.join(self.workdir, name)
        with open(path, 'w') as handle:
            json.dump(data, handle)
        return path

    def playbook(self, run, playbook, extra=(), env=None, emulator=None):
        """Run a playbook once into ``run``: wall time, CPU time, peak memory, the request log."""
        emulator = emulator or self.emulator
        env = dict(env or {})
        if emulator is not self.emulator:
            env.setdefault('ROCKIT_EDGE_URL', emulator.url)
        emulator.take_requests()
        cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', self.inventory, os.path.join(PLAYBOOKS, playbook)]
        for item in extra:
            cmd += ['-e', item]
        self.logs += 1
        log_path = os.path.join(self.workdir, '%02d-%s.log' % (self.logs, run.key))
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(log_path, 'w') as log:
            start = time.perf_counter()
            run_env = dict(self.env, **env)
            for key in [k for k, v in env.items() if v is None]:
                del run_env[key]
            proc = subprocess.Popen(cmd, env=run_env, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
            sampler = PeakMemory(proc.pid)
            sampler.start()
            proc.wait()
            wall = time.perf_counter() - start
            sampler.done.set()
            sampler.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        requests = emulator.take_requests()
        with open(log_path) as log:
            output = log.read()
        if proc.returncode:
            sys.exit('%s failed (exit %d):\n%s' % (run.title, proc.returncode, output[-6000:]))
        run.walls.append(wall)
        run.cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        run.peaks.append(sampler.peak)
        run.loads.append(load)
        if run.requests and len(run.requests) != len(requests):
            run.note += ' requests differ between repeats (%d, %d).' % (len(run.requests), len(requests))
        run.requests = requests
        run.recap = parse_recap(output)
        recap = ' '.join('%s=%s' % kv for kv in sorted(run.recap.items()))
        print('  %-46s %8.2f s  %5d requests  %4d writes  %s' % (run.title[:46], wall, len(requests), len(run.writes), recap), flush=True)
        return run

    def add(self, key, title, objects):
        run = self.runs[key] = Run(key, title, objects)
        return run


def parse_recap(output):
    for line in output.splitlines():
        if line.startswith('localhost') and 'ok=' in line:
            return dict(part.split('=', 1) for part in line.split(':', 1)[1].split() if '=' in part)
    return {}


def summarize(requests, statuses=False):
    """{'GET /be/v1/users/*': 12, ...}: the requests by method and collection (and status, with ``statuses``)."""
    counts = collections.Counter()
    for req in requests:
        parts = req['path'].split('/')
        where = '/'.join(parts[:4]) + ('/*' if len(parts) > 4 else '')
        counts['%s %s%s' % (req['method'], where, ' %s' % req['status'] if statuses else '')] += 1
    return counts


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as handle:
            for line in handle:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ''
    try:
        with open('/proc/meminfo') as handle:
            kib = int(handle.readline().split()[1])
            memory = '%.1f GiB' % (kib / 1024.0 / 1024.0)
    except (OSError, ValueError, IndexError):
        pass
    try:
        from ansible.release import __version__ as ansible_version
    except ImportError:
        ansible_version = 'unknown'
    return collections.OrderedDict([
        ('CPU', cpu), ('cores', str(os.cpu_count())), ('memory', memory), ('OS', '%s %s' % (platform.system(), platform.release())),
        ('Python', platform.python_version()), ('ansible-core', ansible_version),
    ])


def fingerprint(collection):
    """A short hash of the collection's roles/ and plugins/ (to tell whether the code changed during a run)."""
    digest = hashlib.sha256()
    for top in ('roles', 'plugins'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(collection, top)):
            dirnames[:] = sorted(d for d in dirnames if d != '__pycache__')
            for name in sorted(filenames):
                if name.endswith('.pyc'):
                    continue
                path = os.path.join(dirpath, name)
                digest.update(os.path.relpath(path, collection).encode())
                with open(path, 'rb') as handle:
                    digest.update(handle.read())
    return digest.hexdigest()[:12]


def uptime():
    one, five, fifteen = os.getloadavg()
    return 'load average %.2f, %.2f, %.2f' % (one, five, fifteen)


# ---------------------------------------------------------------------------------------------- the benchmark
def per_object(run, base):
    """Seconds per object of a run above ``base`` (the start-up, or the role's fixed cost)."""
    return (run.wall - base) / float(run.objects)


def scale(run, base, objects):
    """The wall time of ``run`` extrapolated from its sample to ``objects`` (``base`` once, the rest per object)."""
    if run.objects >= objects:
        return run.wall
    run.scaled_to = objects
    return base + (run.wall - base) * objects / float(run.objects)


PASSWORD_ENV = {'ROCKIT_API_KEY': None, 'ROCKIT_PASSWORD': PASSWORD}


def with_latency(emulator, ms, action):
    """``action()`` with the emulator adding ``ms`` to every request."""
    emulator.latency(ms)
    try:
        return action()
    finally:
        emulator.latency(0)


def execute(args, bench, org, counts):
    n = orgmod.total(counts)
    role_all = bench.write_vars('org-role.json', orgmod.role_vars(org))
    uri_all = bench.write_vars('org-uri.json', orgmod.uri_vars(org))
    module_org = orgmod.sample(org, args.module_path_sample) if args.module_path_sample else org
    role_module = bench.write_vars('org-role-module-sample.json', orgmod.role_vars(module_org))
    uri_lat_org = orgmod.sample(org, args.uri_latency_sample) if args.uri_latency_sample else org
    uri_latency = bench.write_vars('org-uri-latency-sample.json', orgmod.uri_vars(uri_lat_org))

    def size(organisation):
        return sum(len(organisation[k]) for k in orgmod.KINDS)

    def count_var(count):
        return 'bench_count=%d' % count

    latencies = [args.latency_ms] + ([args.high_latency_ms] if args.high_latency_ms else [])
    other = Emulator('--rate-limit', '%g' % args.gateway_limit) if args.gateway_limit else None
    try:
        # Cold runs take turns, round after round (the organisation emptied before each): on the loopback, at each
        # latency, and against the second Edge whose gateway limits the rate for all clients (runs 1, 7 and 8).
        cold = bench.add('cold', '1. role, cold', n)
        cold_lat = [(ms, bench.add('cold_%g' % ms, '7. role, cold, +%g ms' % ms, n)) for ms in latencies]
        cold_rl = bench.add('cold_limit', '8. role, cold, gateway limit %g/s' % args.gateway_limit, n) if other else None
        for round_ in range(max(1, args.cold_repeat)):
            print('the bootstrap role, cold: on the loopback, with latency%s, round %d'
                  % (', under the gateway limit' if other else '', round_ + 1), flush=True)
            bench.emulator.control('POST', '/_emulator/reset')
            bench.playbook(cold, 'role_bootstrap.yml', ['@' + role_all])
            check_created(bench.emulator, ORG, org)
            for ms, run in cold_lat:
                bench.emulator.control('POST', '/_emulator/reset')
                with_latency(bench.emulator, ms, lambda: bench.playbook(run, 'role_bootstrap.yml', ['@' + role_all]))
                check_created(bench.emulator, ORG, org)
            if other:
                other.control('POST', '/_emulator/reset')
                bench.playbook(cold_rl, 'role_bootstrap.yml', ['@' + role_all], emulator=other)
                check_created(other, ORG, org)

        # The warm runs take turns, round after round, so that their ratios are measured under the same load:
        # the start-up, the role with nothing declared, the warm role (API key, password login, each latency, the
        # rate-limited Edge) and the floors.
        startup = bench.add('startup', 'ansible-playbook start-up (empty loop)', 0)
        warm = bench.add('warm', '2. role, warm', n)
        floor = bench.add('floor', '5. floor: set_fact looped over N', n)
        floor_vars = bench.add('floor_vars', '5b. floor, with the organisation loaded as variables', n)
        empty = bench.add('empty', 'role, nothing declared (its fixed cost)', 0)
        password = bench.add('password', '9. role, warm, password login', n)
        warm_lat = [(ms, bench.add('warm_%g' % ms, '%s. role, warm, +%g ms' % ('6' if ms == args.latency_ms else '7', ms), n))
                    for ms in latencies]
        warm_rl = bench.add('warm_limit', '8. role, warm, gateway limit %g/s' % args.gateway_limit, n) if other else None
        for round_ in range(max(1, args.repeat)):
            print('start-up, warm role and floor, round %d' % (round_ + 1), flush=True)
            bench.playbook(startup, 'floor.yml', [count_var(0)])
            bench.playbook(empty, 'role_bootstrap.yml')
            bench.playbook(warm, 'role_bootstrap.yml', ['@' + role_all])
            bench.playbook(password, 'role_bootstrap.yml', ['@' + role_all], env=PASSWORD_ENV)
            for ms, run in warm_lat:
                with_latency(bench.emulator, ms, lambda: bench.playbook(run, 'role_bootstrap.yml', ['@' + role_all]))
            if other:
                bench.playbook(warm_rl, 'role_bootstrap.yml', ['@' + role_all], emulator=other)
            bench.playbook(floor, 'floor.yml', [count_var(n)])
            bench.playbook(floor_vars, 'floor.yml', [count_var(n), '@' + role_all])
    finally:
        if other:
            other.stop()

    module = None
    if not args.skip_module_path:
        print('the module path', flush=True)
        module = bench.playbook(bench.add('module', '3. role, warm, module path', size(module_org)), 'role_bootstrap.yml',
                                ['@' + role_module], env={'ROCKIT_FAST_PATH': 'false'})
    ping_count = max(10, n // 10)
    ping = bench.playbook(bench.add('ping', 'ansible.builtin.ping looped over N/10', ping_count), 'ping.yml', [count_var(ping_count)])
    module_loop = bench.playbook(bench.add('module_loop', 'rockit_role_info looped over N/10, module path', ping_count), 'module_loop.yml',
                                 [count_var(ping_count)], env={'ROCKIT_FAST_PATH': 'false'})

    print('the hand-written uri playbook', flush=True)
    uri = bench.playbook(bench.add('uri', '4. uri playbook, warm', n), 'uri_bootstrap.yml', ['@' + uri_all])

    print('the hand-written uri playbook with %g ms of latency per request' % args.latency_ms, flush=True)
    uri_lat = with_latency(bench.emulator, args.latency_ms, lambda: bench.playbook(
        bench.add('uri_latency', '6. uri playbook, warm, +%g ms' % args.latency_ms, size(uri_lat_org)), 'uri_bootstrap.yml',
        ['@' + uri_latency]))
    latency_runs = [(ms, dict(cold_lat)[ms], dict(warm_lat)[ms]) for ms in latencies]
    limited = (cold_rl, warm_rl) if other else None

    verified = None
    if args.verify_uri:
        print('the uri playbook on a new organisation: does it create what the role created?', flush=True)
        verified = verify_uri(bench, org, args.verify_uri)
    return dict(n=n, startup=startup, empty=empty, floor=floor, floor_vars=floor_vars, cold=cold, warm=warm, module=module, ping=ping,
                module_loop=module_loop, uri=uri, warm_lat=dict(warm_lat)[args.latency_ms], uri_lat=uri_lat, verified=verified,
                password=password, latency_runs=latency_runs, limited=limited)


STATE_KEYS = (('deployments', 'name'), ('roles', 'name'), ('users', 'username'), ('apps', 'name'), ('subscriptions', 'name'))
VOLATILE = frozenset(('created', 'updated', 'orgName', 'dxfName'))  # differ between two organisations by nature


def state_objects(emulator, org_name):
    """{(kind, name): object} of an organisation, without the fields that differ between organisations by nature."""
    state = emulator.control('GET', '/_emulator/state?org=%s' % org_name)
    return dict(((kind, obj.get(key)), dict((k, v) for k, v in obj.items() if k not in VOLATILE))
                for kind, key in STATE_KEYS for obj in state.get(kind, []))


def check_created(emulator, org_name, org):
    """After a cold run, every declared object must exist."""
    have = state_objects(emulator, org_name)
    missing = ['%s %s' % (kind[:-1], obj[key]) for kind, key in STATE_KEYS for obj in org[kind] if (kind, obj[key]) not in have]
    if missing:
        sys.exit('the cold run did not create: %s' % ', '.join(missing[:20]))


def verify_uri(bench, org, size):
    """Apply a sample with the uri playbook to a new organisation and compare it with what the role created."""
    subset = orgmod.closed_sample(org, size)
    check_org = 'UriCheck'
    bench.emulator.control('POST', '/_emulator/orgs', {'org': check_org, 'admin_user': USER, 'admin_api_key': API_KEY + '-check'})
    path = bench.write_vars('org-uri-verify.json', orgmod.uri_vars(subset))
    run = bench.add('uri_verify', 'uri playbook, cold, sample (check of run 4)', sum(len(subset[k]) for k in orgmod.KINDS))
    bench.playbook(run, 'uri_bootstrap.yml', ['@' + path], env={'ROCKIT_ORGNAME': check_org, 'ROCKIT_API_KEY': API_KEY + '-check'})
    check_created(bench.emulator, check_org, subset)
    by_role, by_uri = state_objects(bench.emulator, ORG), state_objects(bench.emulator, check_org)
    differ = ['%s %s' % (kind[:-1], obj[key]) for kind, key in STATE_KEYS for obj in subset[kind]
              if by_role.get((kind, obj[key])) != by_uri.get((kind, obj[key]))]
    writes = len(run.writes)
    return {'objects': run.objects, 'writes': writes, 'differ': differ}


# ---------------------------------------------------------------------------------------------- the report
def verdict(ok):
    return 'met' if ok else '**not met**'


def paired_cpu(a, b):
    """The median of the CPU ratios a/b of runs made in the same rounds."""
    return statistics.median([x / y for x, y in zip(a.cpus, b.cpus)])


def paired(a, b):
    """The median and range of the ratios a/b of runs made in the same rounds."""
    ratios = [x / y for x, y in zip(a.walls, b.walls)]
    return statistics.median(ratios), min(ratios), max(ratios)


def report(args, r, counts, info, load_before, load_after, command, code):
    n, startup = r['n'], r['startup'].wall
    lat = args.latency_ms / 1000.0
    warm, cold, uri, floor, floor_vars, ping, module = (r['warm'], r['cold'], r['uri'], r['floor'], r['floor_vars'], r['ping'],
                                                        r['module'])
    warm_lat, uri_lat = r['warm_lat'], r['uri_lat']
    lines = []
    out = lines.append
    out('# Benchmark: the bootstrap role, a hand-written uri playbook and the floor')
    out('')
    out('- Organisation: %d objects: %s; connection: API key of a machine user (run 9: a password login); the Edge emulator on 127.0.0.1 '
        '(run 8: a second one whose gateway admits %g requests per second for all clients); the modules\' default concurrency (16).'
        % (n, orgmod.describe(counts), args.gateway_limit))
    out('- Machine: %s.' % '; '.join('%s %s' % kv for kv in info.items()))
    out('- Load (other processes share the cores): %s before, %s after; per run in the table.' % (load_before, load_after))
    out('- Code measured: roles/ and plugins/ with content hash %s%s.' % (code[0], '' if code[0] == code[1] else
        ' at the start and %s at the end: **the code changed during the run**, so runs may have measured different code' % code[1]))
    out('- Reproduce: `%s`' % command)
    out('')
    out('| run | objects | wall s | requests | writes | server s | CPU s | peak MB | load |')
    out('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    for run in r['runs']:
        out('| %s | %d | %.2f%s | %d | %d | %.2f | %.1f | %.0f | %.1f |' % (
            run.title, run.objects, run.wall, run.wall_range(), run.request_count, len(run.writes), run.server_seconds, run.cpu,
            max(run.peaks) / 1048576.0, statistics.median(run.loads)))
    out('')
    out('- wall s: the whole ansible-playbook process; %s.' % (
        'the median of %d rounds (min-max) for the start-up, the warm runs (loopback, password, latency, gateway limit) and the '
        'floors, which take turns in each round, and of %d rounds for the cold runs (loopback, latency, gateway limit), which '
        'also take turns; one run for the others' % (args.repeat, args.cold_repeat) if args.repeat > 1 else 'one run each'))
    out('- requests, writes: what the emulator served (its request log); writes are POST, PUT, PATCH and DELETE.')
    out('- server s: the time the emulator took to answer, summed over the requests (the added latency included).')
    out('- CPU s: user + system time of ansible-playbook and its children (the emulator is not included).')
    out('- peak MB: %s; forked workers share pages, so the sum counts shared memory more than once.' % MEMORY_METHOD)
    out('- load: the 1-minute load average when the run started.')
    out('')

    ping_per = per_object(ping, startup)
    startup_cpu, fixed = r['startup'].cpu, r['empty'].wall
    ratios = []

    def add(name, wall_ratio, cpu_ratio, target, limit, lower_is_better=True):
        ok = None if limit is None else (wall_ratio <= limit if lower_is_better else wall_ratio >= limit)
        ratios.append((name, wall_ratio, cpu_ratio, target, ok))

    add('warm role / uri playbook (run 2 / run 4)', warm.wall / uri.wall, warm.cpu / uri.cpu,
        '<= %.2f (%gx faster)' % (1 / TARGET_WARM_VS_URI, TARGET_WARM_VS_URI), 1 / TARGET_WARM_VS_URI)
    med, low, high = paired(warm, floor)
    add('warm role / floor (run 2 / run 5)%s' % (' [per round: %.2f, %.2f-%.2f]' % (med, low, high) if len(warm.walls) > 1 else ''),
        warm.wall / floor.wall, warm.cpu / floor.cpu, '<= %.1f' % TARGET_WARM_VS_FLOOR, TARGET_WARM_VS_FLOOR)
    add('warm role / floor with the organisation loaded (run 2 / run 5b)', warm.wall / floor_vars.wall, warm.cpu / floor_vars.cpu,
        'for information', None)
    if module is not None:
        module_wall = scale(module, fixed, n)
        module_per = per_object(module, fixed)
        module_cpu_per = (module.cpu - r['empty'].cpu) / float(module.objects)
        ping_cpu_per = (ping.cpu - startup_cpu) / float(ping.objects)
        add('module path / fast path (run 3%s / run 2)' % (' extrapolated' if module.scaled_to else ''), module_wall / warm.wall,
            (r['empty'].cpu + module_cpu_per * n) / warm.cpu, 'for information', None)
        add('module path per object / ping task per item (%.3f s / %.3f s)' % (module_per, ping_per), module_per / ping_per,
            module_cpu_per / ping_cpu_per, '<= %.2f' % TARGET_MODULE_VS_PING, TARGET_MODULE_VS_PING)
    loop_per = per_object(r['module_loop'], startup)
    add('one module task per item: rockit_role_info / ping, both looped, module path (%.3f s / %.3f s)' % (loop_per, ping_per),
        loop_per / ping_per, (r['module_loop'].cpu - startup_cpu) / (ping.cpu - startup_cpu), 'for information', None)
    expected = warm_lat.request_count * lat + floor.wall
    add('warm role +%g ms / (%d requests x %g ms + floor %.2f s = %.2f s)' % (
        args.latency_ms, warm_lat.request_count, args.latency_ms, floor.wall, expected), warm_lat.wall / expected, None,
        '<= %.1f' % TARGET_LATENCY, TARGET_LATENCY)
    uri_lat_wall = scale(uri_lat, startup, n)
    add('warm role +%g ms / uri playbook +%g ms%s' % (args.latency_ms, args.latency_ms, ' (uri extrapolated)' if uri_lat.scaled_to else ''),
        warm_lat.wall / uri_lat_wall, None, 'for information', None)
    password = r['password']
    med, low, high = paired(password, warm)
    spread = ' [per round: %.2f-%.2f]' % (low, high) if len(password.walls) > 1 else ''
    add('warm role, password login / API key (run 9 / run 2, median of the rounds)%s' % spread,
        med, paired_cpu(password, warm), '<= %.2f' % TARGET_PASSWORD_VS_API_KEY, TARGET_PASSWORD_VS_API_KEY)

    def rounds(a, b, title):
        """The median of the ratios a/b over the rounds both took part in, and the title with them."""
        med, low, high = paired(a, b)
        return med, '%s%s' % (title, ' [per round: %.2f-%.2f]' % (low, high) if len(a.walls) > 1 else '')

    for ms, cold_ms, warm_ms in r['latency_runs']:
        main = ms == args.latency_ms
        med, title = rounds(warm_ms, warm, 'warm role +%g ms / warm role on the loopback (run %s / run 2, median of the rounds)'
                            % (ms, '6' if main else '7'))
        add(title, med, paired_cpu(warm_ms, warm), '<= %.1f' % TARGET_WARM_LATENCY_VS_LOOPBACK if main else 'for information',
            TARGET_WARM_LATENCY_VS_LOOPBACK if main else None)
        med, title = rounds(cold_ms, cold, 'cold role +%g ms / cold role on the loopback (run 7 / run 1, median of the rounds)' % ms)
        add(title, med, paired_cpu(cold_ms, cold), '<= %.1f' % TARGET_COLD_LATENCY_VS_LOOPBACK if main else 'for information',
            TARGET_COLD_LATENCY_VS_LOOPBACK if main else None)
    if r['limited']:
        limit = args.gateway_limit
        for run, base in zip(r['limited'], (cold, warm)):
            admitted = len([q for q in run.requests if q['status'] != 429])
            bounds = [b + TARGET_RATE_LIMIT_FACTOR * admitted / limit for b in base.walls]
            per_round = [w / b for w, b in zip(run.walls, bounds)]
            add('%s / (loopback + %.2f x %d requests / %g per s; median of the rounds: %.2f s / %.2f s)%s'
                % (run.title[3:], TARGET_RATE_LIMIT_FACTOR, admitted, limit, run.wall, statistics.median(bounds),
                   ' [per round: %.2f-%.2f]' % (min(per_round), max(per_round)) if len(per_round) > 1 else ''),
                statistics.median(per_round), None, '<= 1.0', 1.0)
    out('| ratio | wall | CPU | target | verdict (wall) |')
    out('|---|---:|---:|---|---|')
    for name, wall_ratio, cpu_ratio, target, ok in ratios:
        cpu_text = '-' if cpu_ratio is None else '%.3f' % cpu_ratio
        out('| %s | %.3f | %s | %s | %s |' % (name, wall_ratio, cpu_text, target, '' if ok is None else verdict(ok)))
    out('')
    out('- CPU: the same ratio of CPU seconds (user + system of the playbook process tree); it is much less affected '
        'than wall time by other processes on the machine, so compare the two when the load was high.')
    out('- per object: for a role run (wall - the role\'s fixed cost, its run with nothing declared: %.2f s) / objects; '
        'for a ping or set_fact loop (wall - start-up) / items. A ping task costs %.3f s per item ((%.2f s - %.2f s) / %d); '
        'the fast path %.3f s per object ((%.2f s - %.2f s) / %d); set_fact %.3f s per item.'
        % (fixed, ping_per, ping.wall, startup, ping.objects, per_object(warm, fixed), warm.wall, fixed, n, per_object(floor, startup)))
    for run in (module, uri_lat):
        if run is not None and run.scaled_to:
            base, base_name = (fixed, 'fixed cost') if run is module else (startup, 'start-up')
            scaled = scale(run, base, n)
            out('- sampled: "%s" ran on %d of the %d objects (the same share of every kind), and is extrapolated to N as '
                '%s + (wall - %s) x %d / %d = %.1f s.' % (run.title, run.objects, n, base_name, base_name, n, run.objects, scaled))
    out('')

    out('| target | measured | |')
    out('|---|---|---|')
    slack = warm.request_count - n
    out('| warm run: zero writes | %d writes | %s |' % (len(warm.writes), verdict(not warm.writes)))
    slack_ok = verdict(slack <= TARGET_WARM_REQUEST_SLACK)
    out('| warm run: requests <= N + %d | %d requests (N %+d) | %s |' % (TARGET_WARM_REQUEST_SLACK, warm.request_count, slack, slack_ok))
    extra = len(cold.writes) - n
    out('| cold run: one write per object, plus what the API needs | %d writes (N %+d) | %s |' % (len(cold.writes), extra, verdict(extra == 0)))
    out('| uri playbook, warm: zero writes | %d writes | %s |' % (len(uri.writes), verdict(not uri.writes)))
    if module is not None:
        out('| module path, warm: zero writes | %d writes | %s |' % (len(module.writes), verdict(not module.writes)))
    logins = [q for q in password.requests if q['path'] == '/be/v1/login']
    logouts = [q for q in password.requests if q['path'] == '/be/v1/logout']
    one_login = len(logins) == LOGIN_REQUESTS_PER_LOGIN and len(logouts) == 1
    out('| password login: one login per play and host, ended at the end | %d login requests (%d login of %d steps), %d logout | %s |'
        % (len(logins), len(logins) // LOGIN_REQUESTS_PER_LOGIN, LOGIN_REQUESTS_PER_LOGIN, len(logouts), verdict(one_login)))
    api_requests = len([q for q in password.requests if q['path'] not in ('/be/v1/login', '/be/v1/logout', '/be/v1/refresh')])
    out('| password login, warm: the same requests as with an API key, besides the login | %d requests (API key: %d) | %s |'
        % (api_requests, warm.request_count, verdict(api_requests == warm.request_count)))
    for ms, cold_ms, warm_ms in r['latency_runs']:
        out('| warm run +%g ms: requests <= N + %d | %d requests | %s |'
            % (ms, TARGET_WARM_REQUEST_SLACK, warm_ms.request_count, verdict(warm_ms.request_count - n <= TARGET_WARM_REQUEST_SLACK)))
    for run in r['limited'] or ():
        refused = [q for q in run.requests if q['status'] == 429]
        last = {}
        for q in run.requests:
            last[(q['method'], q['path'])] = q['status']
        unanswered = [key for key, status in last.items() if status == 429]
        failed = int(run.recap.get('failed', 0) or 0)
        out('| %s: no failure, no 429 left unanswered | %d failed tasks; %d answers 429, %d of them never retried with success | %s |'
            % (run.title[3:], failed, len(refused), len(unanswered), verdict(not failed and not unanswered)))
    verified = r.get('verified')
    if verified:
        same = not verified['differ']
        out('| uri playbook does the same job: %d objects applied to a new organisation equal the role\'s | %s | %s |' % (
            verified['objects'], 'equal' if same else 'differ: %s' % ', '.join(verified['differ'][:10]), verdict(same)))
    out('')
    out('Requests by kind:')
    out('')
    for run in [cold, warm, uri, password] + list(r['limited'] or ()):
        out('- %s: %s.' % (run.title, ', '.join('%s %d' % kv for kv in sorted(summarize(run.requests, statuses=run in (r['limited'] or ())).items()))))
    for run in r['runs']:
        if run.note:
            out('- note on %s:%s' % (run.title, run.note))
    return '\n'.join(lines) + '\n'


def command_line(argv):
    if not argv:
        return 'make bench'
    return '.venv/bin/python benchmarks/run.py %s' % ' '.join(argv)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--objects', type=int, help='number of objects N; the mix is scaled to it (default: the mix, 500)')
    parser.add_argument('--mix', default=','.join('%s=%d' % kv for kv in orgmod.DEFAULT_MIX),
                        help='objects per kind (machine_users is part of users); default: %(default)s')
    parser.add_argument('--quick', action='store_true', help='a fast check: N=100 unless --objects, one run each, result in results/quick.md.tmp')
    parser.add_argument('--skip-module-path', action='store_true', help='leave out run 3 (the module path)')
    parser.add_argument('--module-path-sample', type=int, default=0,
                        help='run the module path on a sample of K objects and extrapolate to N (0: all N objects); default: %(default)s')
    parser.add_argument('--uri-latency-sample', type=int, default=50,
                        help='run the uri playbook with latency on a sample of K objects and extrapolate to N (0: all N objects); default: %(default)s')
    parser.add_argument('--full', action='store_true', help='no sampling: every run on all N objects (slow)')
    parser.add_argument('--verify-uri', type=int, default=10, metavar='K',
                        help='check the uri playbook: apply K objects with it to a new organisation and compare them '
                             'with the role\'s (0: no check); default: %(default)s')
    parser.add_argument('--latency-ms', type=float, default=50.0,
                        help='latency the emulator adds to every request in runs 6 and 7; default: %(default)s')
    parser.add_argument('--high-latency-ms', type=float, default=150.0,
                        help='a second latency for run 7 (0: none); default: %(default)s')
    parser.add_argument('--gateway-limit', type=float, default=20.0,
                        help='requests per second the gateway of run 8 admits for all clients (0: no run 8); default: %(default)s')
    parser.add_argument('--repeat', type=int, default=3,
                        help='rounds of the start-up, the role with nothing declared, the warm role and the floors '
                             '(medians reported); default: %(default)s')
    parser.add_argument('--cold-repeat', type=int, default=2,
                        help='rounds of the cold runs (loopback, each latency, the rate-limited Edge; medians reported); '
                             'default: %(default)s')
    parser.add_argument('--seed', type=int, default=42, help='seed of the generated organisation; default: %(default)s')
    parser.add_argument('--output', help='the result file (default: benchmarks/results/latest.md; --quick: results/quick.md.tmp)')
    parser.add_argument('--collections-path', default=os.path.join(ROOT, '.build', 'collections'),
                        help='where ansible finds rockitplay.edge (default: this repository\'s .build/collections; e.g. a patched copy, to measure a change)')
    parser.add_argument('--keep', action='store_true', help='keep the work directory (playbook logs, generated variables)')
    args = parser.parse_args(argv)
    if args.quick:
        args.objects = args.objects or 100
        args.repeat = 1
        args.cold_repeat = 1
    if args.full:
        args.module_path_sample = args.uri_latency_sample = 0
    if args.output is None:
        args.output = os.path.join(BENCH, 'results', 'quick.md.tmp' if args.quick else 'latest.md')
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    try:
        mix = orgmod.parse_mix(args.mix)
        counts = orgmod.scale_mix(mix, args.objects or orgmod.total(mix))
    except ValueError as exc:
        sys.exit(str(exc))
    subprocess.run([sys.executable, os.path.join(ROOT, 'tests', 'tools', 'collection.py'), 'link'], check=True, stdout=subprocess.DEVNULL)
    collection = os.path.join(args.collections_path, 'ansible_collections', 'rockitplay', 'edge')
    if not os.path.isfile(os.path.join(collection, 'roles', 'bootstrap', 'tasks', 'main.yml')):
        sys.exit('%s has no roles/bootstrap/tasks/main.yml: nothing to benchmark.' % collection)
    org = orgmod.build(counts, args.seed)
    info = machine()
    load_before = uptime()
    print('organisation: %d objects: %s' % (orgmod.total(counts), orgmod.describe(counts)))
    print('machine: %s; %s' % ('; '.join('%s %s' % kv for kv in info.items()), load_before), flush=True)
    code_before = fingerprint(collection)
    workdir = tempfile.mkdtemp(prefix='rockit-bench-')
    emulator = Emulator()
    try:
        bench = Bench(args, emulator, workdir)
        results = execute(args, bench, org, counts)
        results['runs'] = list(bench.runs.values())
    finally:
        emulator.stop()
        if args.keep:
            print('work directory kept: %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = report(args, results, counts, info, load_before, uptime(), command_line(argv), (code_before, fingerprint(collection)))
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, 'w') as handle:
        handle.write(text)
    print()
    print(text)
    print('written to %s' % os.path.relpath(args.output, ROOT))


if __name__ == '__main__':
    main()
