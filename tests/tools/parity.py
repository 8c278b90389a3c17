"""Compare two runs of one playbook (fast path and module path): task results key by key, and the requests.

Values that differ by nature between two runs (a new API key, the async job id, the run's own directory)
are masked first; everything else must be equal, including messages, warnings, diffs, ``invocation`` and
``changed``.
"""
import re

MASK = '<volatile>'
# Keys whose values are new on every run.
VOLATILE_KEYS = {'api_key', 'secret', 'ansible_job_id', 'results_file', 'started', 'finished'}
# Keys Ansible adds for its own bookkeeping, different by nature between a module process and the controller.
BOOKKEEPING_KEYS = {'_ansible_parsed', '_ansible_verbose_always', 'deprecations'}


def mask(value, replacements=(), key=None):
    """A copy of a task result with volatile values replaced by a marker."""
    if key in VOLATILE_KEYS and value not in (None, '', [], {}):
        return MASK
    if isinstance(value, dict):
        return dict((k, mask(v, replacements, k)) for k, v in value.items() if k not in BOOKKEEPING_KEYS)
    if isinstance(value, list):
        return [mask(v, replacements, key) for v in value]
    if isinstance(value, str):
        for old, new in replacements:
            value = value.replace(old, new)
        return value
    return value


def differences(left, right, path=''):
    """[(path, left value, right value)] where two masked results differ."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right), key=str):
            sub = '%s.%s' % (path, key) if path else str(key)
            if key not in left or key not in right:
                found.append((sub, left.get(key, '<missing>'), right.get(key, '<missing>')))
            else:
                found.extend(differences(left[key], right[key], sub))
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        found = []
        for index, (a, b) in enumerate(zip(left, right)):
            found.extend(differences(a, b, '%s[%d]' % (path, index)))
        return found
    return [] if left == right else [(path, left, right)]


def compare_runs(fast, module, replacements=()):
    """Every difference between two lists of recorded task results: [(host, task, key path, fast, module)]."""
    found = []
    fast_tasks = [(r['host'], r['task'], r['status']) for r in fast]
    module_tasks = [(r['host'], r['task'], r['status']) for r in module]
    if fast_tasks != module_tasks:
        return [('*', '*', 'tasks and statuses', fast_tasks, module_tasks)]
    for a, b in zip(fast, module):
        for path, left, right in differences(mask(a['result'], replacements), mask(b['result'], replacements)):
            found.append((a['host'], a['task'], path, left, right))
    return found


def request_log(entries, replacements=()):
    """The emulator's requests as comparable tuples (the time of each left out)."""
    out = []
    for entry in entries:
        path = entry['path']
        for old, new in replacements:
            path = path.replace(old, new)
        out.append((entry['method'], path, re.sub(r'sig=[^&]*', 'sig=*', entry.get('query') or ''), entry['status']))
    return out


def report(found, limit=40):
    lines = ['%s / %s / %s:\n    fast:   %r\n    module: %r' % item for item in found[:limit]]
    if len(found) > limit:
        lines.append('... and %d more' % (len(found) - limit))
    return '\n'.join(lines)
