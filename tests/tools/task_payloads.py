"""Edge answers about processing tasks, for the unit tests of rockit_tasks_info, rockit_task and rockit_build."""

NOT_FOUND = {'status': 'failed', 'error': 'not-found', 'message': 'not found'}
GROUP = 'exampleorg-sushi-0002'


def task(step, status='done', epoch=1733149403, group=GROUP, app='Sushi', **extra):
    """A task list item as the Edge returns it."""
    out = {'name': '%s-%d-%s' % (group, epoch, step), 'service': 'edge' if step == 'deploy' else 'engine', 'status': status,
           'appName': app, 'taskType': 'deploy' if step == 'deploy' else 'build', 'taskGroup': group,
           'created': '2024-12-%02dT%02d:%02d:%02dZ' % (2 + epoch // 86400 % 20, epoch // 3600 % 24, epoch // 60 % 60, epoch % 60)}
    out.update(extra)
    return out


def listing(*tasks, **kw):
    return {'status': 'success', 'totalCount': kw.get('total', len(tasks)), 'tasks': list(tasks)}


def detail(item, **extra):
    out = dict(item, step=item['name'].rsplit('-', 1)[-1], build=2, acknowledged=False, expired=False, warning='', message='',
               updated=item['created'])
    out.update(extra)
    return {'status': 'success', 'task': out}
