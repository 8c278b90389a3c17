# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rockit_build: import a native build into an app (the Edge downloads it from a URL), optionally wait for its pipeline."""

from ansible_collections.rockitplay.edge.plugins.module_utils import rockit_specs as specs
from ansible_collections.rockitplay.edge.plugins.module_utils.client import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.constraints import check
from ansible_collections.rockitplay.edge.plugins.module_utils.deployment import with_hint
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import read
from ansible_collections.rockitplay.edge.plugins.module_utils.role import check_name
from ansible_collections.rockitplay.edge.plugins.module_utils.runtime import ModuleDef, ModuleFailure
from ansible_collections.rockitplay.edge.plugins.module_utils.tasks import WAIT_ARGUMENT_SPEC, TaskQuery, finish, wait_for, wait_settings

MISSING_APP_HINT = 'App %s does not exist; create it first with rockitplay.edge.rockit_app.'
BUSY_APP_HINT = ('App %s is processing another build; wait for it (rockitplay.edge.rockit_tasks_info with app_name and wait: true, '
                 'or wait: true on the previous import) and import again.')
LOST_HINT = ('The answer was lost, so the import may or may not have started: look at the tasks of app %s '
             '(rockitplay.edge.rockit_tasks_info with app_name) before running the task again.')


def check_build_url(url):
    check(specs.BUILD_CONSTRAINTS, specs.BUILD_URL, url, 'url')


def _api_hint(exc, app_name):
    if exc.status == 404 and exc.error == 'not-found':
        return MISSING_APP_HINT % app_name
    if exc.status == 409:
        return BUSY_APP_HINT % app_name
    if exc.ambiguous:
        return LOST_HINT % app_name
    return None


def run_build(ctx):
    p = ctx.params
    app_name = p['app_name']
    check_name(app_name, 'app_name')
    check_build_url(p['url'])
    check(specs.BUILD_CONSTRAINTS, specs.BUILD_SIZE, p['size'], 'size')
    timeout, sleep = wait_settings(p)
    client = ctx.client
    if ctx.check_mode:
        app = read(client, specs.APP, app_name)
        if app is None:
            ctx.warn((MISSING_APP_HINT % app_name) + ' The import would fail unless an earlier task creates the app.')
        elif app.get(specs.TASK_APP_PROCESSING):
            ctx.warn((BUSY_APP_HINT % app_name) + ' The import would be refused now.')
        return {'changed': True, specs.BUILD_KEY: {specs.BUILD_APP: app_name}}
    payload = {specs.BUILD_APP: app_name, specs.BUILD_URL: p['url']}
    if p['size'] is not None:
        payload[specs.BUILD_SIZE] = p['size']
    try:
        data = client.request('POST', specs.BUILDS_PATH, payload)
    except ApiError as exc:
        hint = _api_hint(exc, app_name)
        raise with_hint(exc, hint) if hint else exc
    build = data.get(specs.BUILD_KEY) or {}
    result = {'changed': True, specs.BUILD_KEY: build}
    if not p['wait']:
        return result
    group = build.get(specs.BUILD_TASK_GROUP)
    if not group:
        raise ModuleFailure('The build of app %s was imported, but the Edge did not return its task group, so the module cannot '
                            'wait for it; wait with rockitplay.edge.rockit_tasks_info (app_name, wait: true).' % app_name, **result)
    # taskGroup is a partial match on the Edge; the query keeps this exact group only.
    query = TaskQuery({specs.TASK_FILTERS['task_group']: group}, group=group)
    try:
        tasks = wait_for(client, query, timeout, sleep, pipeline=True, apps=[build.get(specs.BUILD_APP) or app_name])[0]
    except ModuleFailure as failure:
        failure.details.update(result)  # a timeout still tells which build was started
        raise
    if not tasks and p['fail_on_failed']:
        # Nothing to judge the build by is not a success.
        raise ModuleFailure('The build of app %s was imported, but the task list shows no task of its task group %s, so its '
                            'outcome is unknown. Look at the tasks with rockitplay.edge.rockit_tasks_info (app_name); the Edge '
                            'may filter tasks differently (taskGroup, docs/api-assumptions.md section 8).' % (app_name, group),
                            tasks=[], **result)
    return finish(client, query, tasks, result, fail_on_failed=p['fail_on_failed'])


BUILD_MODULE = ModuleDef(
    'rockit_build',
    dict(
        app_name=dict(type='str', required=True),
        url=dict(type='str', required=True, no_log=True),
        size=dict(type='int'),
        fail_on_failed=dict(type='bool', default=True),
        **WAIT_ARGUMENT_SPEC
    ),
    run_build,
)
