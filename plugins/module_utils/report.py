# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reports of a plan (drift) or of an apply run, as JSON, Markdown and JUnit XML.

A report holds names, actions and compared values only, never a write-only value or an issued secret:
the plan holds none, and the results of an apply run are read for their names and actions only.
"""

import datetime
import json
import os
import xml.etree.ElementTree as ET

from ansible_collections.rockitplay.edge.plugins.module_utils.files import replace_atomically
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure

REPORT_FORMAT = 'rockitplay.edge/report/v1'
FORMATS = ('json', 'markdown', 'junit')
SUFFIXES = {'json': '.json', 'markdown': '.md', 'junit': '.xml'}
DRIFT_STATUSES = ('missing', 'changed', 'extra')
APPLY_ACTIONS = ('created', 'updated', 'deleted', 'unchanged', 'failed', 'not attempted')
# Result keys that carry a value the Edge returned once; a report never reads them.
SECRET_RESULT_KEYS = ('api_key', 'secret')


def _plan_of(value):
    """The plan, from a registered rockit_plan result or the plan itself."""
    if isinstance(value, dict) and isinstance(value.get('plan'), dict):
        return value['plan']
    if isinstance(value, dict) and isinstance(value.get('kinds'), dict):
        return value
    raise ModuleFailure('plan: give the registered result of rockitplay.edge.rockit_plan (or its plan).')


def drift_report(plan):
    """What differs between the declaration and the Edge: missing, changed (field by field), extra; and not comparable."""
    kinds, differences, not_comparable = {}, [], []
    counts = dict((status, 0) for status in DRIFT_STATUSES + ('unchanged', 'not_comparable'))
    for kind in plan['order']:
        part = plan['kinds'][kind]
        summary = plan['summary'][kind]
        kinds[kind] = {
            'missing': list(summary['missing']), 'changed': list(summary['changed']), 'extra': list(summary['extra']),
            'unchanged': list(summary['unchanged']), 'not_comparable': list(summary['not_comparable']),
            'listed': part.get('listed', False),
        }
        for status in DRIFT_STATUSES + ('unchanged', 'not_comparable'):
            counts[status] += len(kinds[kind][status])
        for entry in part['declared']:
            fields = list(entry.get('not_comparable') or [])
            if fields or entry.get('sends_secrets'):
                not_comparable.append({'kind': kind, 'name': entry['name'], 'fields': fields})
    for item in plan['drift']:
        entry = {'kind': item['kind'] + 's', 'name': item['name'], 'status': item['status']}
        if item.get('changes'):
            entry['changes'] = item['changes']
        if item.get('declared'):
            entry['declared'] = item['declared']
        differences.append(entry)
    return {'format': REPORT_FORMAT, 'report': 'drift', 'drift': bool(differences), 'counts': counts,
            'differences': differences, 'not_comparable': not_comparable, 'kinds': kinds}


def _item_action(item):
    if item.get('failed'):
        return 'failed'
    if item.get('skipped'):
        return 'not attempted'
    action = item.get('action')
    return 'updated' if action == 'replaced' else action


def _registered_items(registered):
    """The per-object results of registered rockit_apply results (skipped tasks have none)."""
    items = []
    for result in registered or []:
        if isinstance(result, dict):
            items.extend(i for i in (result.get('results') or []) if isinstance(i, dict) and i.get('name') is not None)
    return items


def apply_report(plan, results, predicted=False):
    """What an apply run did (in check mode: would do), per object, from the plan and the rockit_apply results."""
    kinds, objects = {}, []
    counts = dict((action, 0) for action in APPLY_ACTIONS)
    keys = {'issued': [], 'written': [], 'unwritten': []}
    for kind in plan['order']:
        part = plan['kinds'][kind]
        done = dict((str(i['name']).lower(), i) for i in _registered_items((results or {}).get(kind)))
        entries = []
        for entry in part['declared']:
            item = done.pop(str(entry['name']).lower(), None)
            if item is not None:
                action = _item_action(item)
            elif entry['state'] == 'absent' or entry['action'] == 'unchanged':
                action = 'unchanged'
            else:
                action = 'not attempted'
            entries.append((entry['name'], action, entry, item))
        for name in [r[part.get('key', 'name')] for r in part.get('remove') or []]:
            item = done.pop(str(name).lower(), None)
            if item is not None:
                entries.append((name, _item_action(item), {}, item))
            elif name in (part.get('prune') or []):
                entries.append((name, 'not attempted', {}, None))
        kinds[kind] = dict((action, []) for action in APPLY_ACTIONS)
        for name, action, entry, item in entries:
            kinds[kind].setdefault(action, []).append(name)
            counts[action] = counts.get(action, 0) + 1
            record = {'kind': kind, 'name': name, 'action': action}
            if action == 'updated' and entry.get('changes'):
                record['changes'] = entry['changes']
            if name in (part.get('prune') or []):
                record['reason'] = 'prune'
            if item is not None and item.get('failed'):
                record['msg'] = item.get('msg', '')
            objects.append(record)
            if item is not None and any(item.get(k) for k in SECRET_RESULT_KEYS) and kind == 'users':
                keys['issued'].append(name)
                if item.get('api_key_written'):
                    keys['written'].append(name)
                if item.get('api_key_file_error'):
                    keys['unwritten'].append(name)
        for kept in part.get('kept') or []:
            objects.append({'kind': kind, 'name': kept['name'], 'action': 'kept', 'reason': kept['reason']})
    return {'format': REPORT_FORMAT, 'report': 'apply', 'check_mode': bool(predicted),
            'changed': any(counts[a] for a in ('created', 'updated', 'deleted')),
            'failed': bool(counts['failed']), 'counts': counts, 'objects': objects, 'kinds': kinds,
            'api_keys': keys}


def summary_of(report):
    """The bootstrap role's summary: created, updated, deleted and unchanged names per kind."""
    return dict((kind, dict((action, list(done.get(action) or [])) for action in ('created', 'updated', 'deleted', 'unchanged')))
                for kind, done in report['kinds'].items())


def summary_lines(report, keys_file=None):
    """One line per kind, without any secret."""
    lines = []
    if report['report'] == 'drift':
        for kind, part in report['kinds'].items():
            words = []
            for status in DRIFT_STATUSES:
                if part[status]:
                    words.append('%d %s (%s)' % (len(part[status]), status, ', '.join(part[status])))
            words.append('%d unchanged' % len(part['unchanged']))
            if part['not_comparable']:
                words.append('%d not comparable' % len(part['not_comparable']))
            lines.append('%s: %s' % (kind, ', '.join(words)))
        lines.append('drift: %s' % ('yes, %d differences' % len(report['differences']) if report['drift'] else 'none'))
        return lines
    if report['check_mode']:
        lines.append('check mode: predicted changes, nothing was sent')
    for kind, done in report['kinds'].items():
        words = []
        for action in ('created', 'updated', 'deleted'):
            names = done[action]
            words.append('%d %s%s' % (len(names), action, ' (%s)' % ', '.join(names) if names else ''))
        words.append('%d unchanged' % len(done['unchanged']))
        for action in ('failed', 'not attempted'):
            if done.get(action):
                words.append('%d %s (%s)' % (len(done[action]), action, ', '.join(done[action])))
        lines.append('%s: %s' % (kind, ', '.join(words)))
    keys = report.get('api_keys') or {}
    if keys.get('issued'):
        where = ''
        if keys.get('written'):
            where = ', written to %s' % keys_file if keys_file else ', written to the API keys file'
        lines.append('new API keys (in rockit_bootstrap_api_keys%s): %s' % (where, ', '.join(keys['issued'])))
    if keys.get('unwritten'):
        lines.append('NOT written to %s: the API keys of %s; they are only in the fact rockit_bootstrap_api_keys and the '
                     'registered results of this run' % (keys_file or 'the API keys file', ', '.join(keys['unwritten'])))
    return lines


# ---------------------------------------------------------------------------------------------- renderings
def render_json(report):
    return json.dumps(report, indent=2, sort_keys=True, default=str) + '\n'


def _cell(value):
    text = json.dumps(value, sort_keys=True, default=str) if not isinstance(value, str) else value
    return text.replace('|', '\\|').replace('\n', ' ')


def render_markdown(report, title=None):
    out = ['# %s' % (title or ('Drift report' if report['report'] == 'drift' else 'Run report')), '']
    if report.get('generated'):
        out += ['Generated %s%s.' % (report['generated'], ' for %s' % report['organisation'] if report.get('organisation') else ''), '']
    if report['report'] == 'drift':
        out += ['**%s**' % ('Drift: %d differences.' % len(report['differences']) if report['drift'] else 'No drift.'), '',
                '| Kind | Missing | Changed | Extra | Unchanged | Not comparable |', '|---|---|---|---|---|---|']
        for kind, part in report['kinds'].items():
            numbers = (len(part['missing']), len(part['changed']), len(part['extra']), len(part['unchanged']), len(part['not_comparable']))
            out.append('| %s | %d | %d | %d | %d | %d |' % ((kind,) + numbers))
        if report['differences']:
            out += ['', '## Differences', '']
            for item in report['differences']:
                what = {'missing': 'missing on the Edge', 'changed': 'changed', 'extra': 'on the Edge, not declared'}[item['status']]
                if item.get('declared') == 'absent':
                    what = 'on the Edge, declared absent'
                out.append('- **%s %s**: %s' % (item['kind'], item['name'], what))
                if item.get('changes'):
                    out += ['', '  | Field | Declared | Actual |', '  |---|---|---|']
                    out += ['  | %s | %s | %s |' % (_cell(c['field']), _cell(c['declared']), _cell(c['actual'])) for c in item['changes']]
                    out.append('')
        if report['not_comparable']:
            out += ['', '## Not comparable', '', 'Write-only values the Edge never returns; they are set when an object is created.', '']
            out += ['- %s %s: %s' % (i['kind'], i['name'], ', '.join(i['fields']) or 'sent on every run') for i in report['not_comparable']]
    else:
        if report['check_mode']:
            out += ['Check mode: these are predictions; nothing was sent.', '']
        out += ['| Kind | Created | Updated | Deleted | Unchanged | Failed |', '|---|---|---|---|---|---|']
        for kind, done in report['kinds'].items():
            numbers = (len(done['created']), len(done['updated']), len(done['deleted']), len(done['unchanged']),
                       len(done['failed']) + len(done['not attempted']))
            out.append('| %s | %d | %d | %d | %d | %d |' % ((kind,) + numbers))
        changed = [o for o in report['objects'] if o['action'] not in ('unchanged',)]
        if changed:
            out += ['', '## Objects', '']
            for item in changed:
                reason = ' (%s)' % item['reason'] if item.get('reason') else ''
                msg = ': %s' % item['msg'] if item.get('msg') else ''
                out.append('- **%s %s**: %s%s%s' % (item['kind'], item['name'], item['action'], reason, msg))
                if item.get('changes'):
                    out += ['', '  | Field | Declared | Before |', '  |---|---|---|']
                    out += ['  | %s | %s | %s |' % (_cell(c['field']), _cell(c['declared']), _cell(c['actual'])) for c in item['changes']]
                    out.append('')
    return '\n'.join(out).rstrip('\n') + '\n'


def render_junit(report, title=None):
    name = title or ('rockitplay.edge drift' if report['report'] == 'drift' else 'rockitplay.edge run')
    suites = ET.Element('testsuites', name=name)
    total = failures = 0
    for kind, part in report['kinds'].items():
        suite = ET.SubElement(suites, 'testsuite', name=kind)
        cases = failed = skipped = 0
        if report['report'] == 'drift':
            diffs = dict((d['name'], d) for d in report['differences'] if d['kind'] == kind)
            names = part['unchanged'] + part['missing'] + part['changed'] + part['extra']
            for obj in sorted(set(names), key=lambda n: (str(n).lower(), str(n))):
                case = ET.SubElement(suite, 'testcase', classname='rockitplay.edge.%s' % kind, name=str(obj))
                cases += 1
                diff = diffs.get(obj)
                if diff:
                    failed += 1
                    text = '\n'.join('%s: declared %s, actual %s' % (c['field'], json.dumps(c['declared'], default=str),
                                                                     json.dumps(c['actual'], default=str))
                                     for c in diff.get('changes') or [])
                    failure = ET.SubElement(case, 'failure', message='%s %s: %s' % (kind, obj, diff['status']), type=diff['status'])
                    failure.text = text or diff['status']
        else:
            for item in [o for o in report['objects'] if o['kind'] == kind]:
                case = ET.SubElement(suite, 'testcase', classname='rockitplay.edge.%s' % kind, name=str(item['name']))
                cases += 1
                if item['action'] == 'failed':
                    failed += 1
                    failure = ET.SubElement(case, 'failure', message='%s %s failed' % (kind, item['name']), type='failed')
                    failure.text = item.get('msg', '')
                elif item['action'] in ('not attempted', 'kept'):
                    skipped += 1
                    ET.SubElement(case, 'skipped', message=item.get('reason') or item['action'])
                else:
                    ET.SubElement(case, 'system-out').text = item['action']
        suite.set('tests', str(cases))
        suite.set('failures', str(failed))
        suite.set('errors', '0')
        suite.set('skipped', str(skipped))
        total += cases
        failures += failed
    suites.set('tests', str(total))
    suites.set('failures', str(failures))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding='unicode') + '\n'


def report_paths(dest, formats):
    """The file of each format: ``dest`` for JSON, the same name with .md and .xml for the others."""
    base, ext = os.path.splitext(dest)
    if ext.lower() not in SUFFIXES.values():
        base = dest
    paths = {}
    for fmt in formats:
        paths[fmt] = dest if fmt == 'json' and ext.lower() == '.json' else base + SUFFIXES[fmt]
    return paths


def write_text(path, text, mode=0o644):
    """Replace ``path`` atomically with ``text``."""
    path = os.path.abspath(os.path.expanduser(path))
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        raise ModuleFailure('The directory %s of the report does not exist (on the host that runs the task).' % directory)
    replace_atomically(path, text, mode)


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def scrub_results(results, no_log_values):
    """Collect the once-returned secrets of registered results as values to mask; the report never uses them."""
    for registered in (results or {}).values():
        for item in _registered_items(registered if isinstance(registered, list) else [registered]):
            for key in SECRET_RESULT_KEYS:
                if isinstance(item.get(key), str) and item.get(key):
                    no_log_values.add(item[key])


def run_report(ctx):
    p = ctx.params
    plan = _plan_of(p['plan'])
    results = p['results']
    if results is not None:
        results = dict((kind, value if isinstance(value, list) else [value]) for kind, value in results.items())
        scrub_results(results, ctx.no_log_values)
        unknown = sorted(set(results) - set(plan['order']))
        if unknown:
            raise ModuleFailure('results: unknown kinds %s; use %s.' % (', '.join(unknown), ', '.join(plan['order'])))
        report = apply_report(plan, results, predicted=p['predicted'])
    else:
        report = drift_report(plan)
    organisation = p['organisation'] or plan.get('organisation')
    if organisation:
        report['organisation'] = organisation
    stamped = dict(report)
    if p['timestamp']:
        stamped['generated'] = now_utc()
    result = {'changed': False, 'report': report, 'lines': summary_lines(report, p['keys_file'])}
    if report['report'] == 'apply':
        result['summary'] = summary_of(report)
    else:
        result['drift'] = report['drift']
    if p['dest']:
        renderers = {'json': lambda: render_json(stamped), 'markdown': lambda: render_markdown(stamped, p['title']),
                     'junit': lambda: render_junit(stamped, p['title'])}
        files = report_paths(p['dest'], p['formats'])
        result['files'] = files
        # A report is not a change of the organisation: the task never reports changed.
        if not ctx.check_mode:
            for fmt in p['formats']:
                write_text(files[fmt], renderers[fmt]())
    return result


REPORT_MODULE = ModuleDef(
    'rockit_report',
    dict(
        plan=dict(type='dict', required=True),
        results=dict(type='dict'),
        predicted=dict(type='bool', default=False),
        dest=dict(type='path'),
        formats=dict(type='list', elements='str', choices=list(FORMATS), default=list(FORMATS)),
        title=dict(type='str'),
        organisation=dict(type='str'),
        keys_file=dict(type='path', no_log=False),
        timestamp=dict(type='bool', default=True),
    ),
    run_report,
    nested_secrets=('plan', 'results'),
)
