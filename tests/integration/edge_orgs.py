"""Helpers of the integration tests that work on organisations of their own (the emulator's control API creates them)."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')

ROLE_PLAY = '''
- name: Apply the organisation
  hosts: localhost
  gather_facts: false
  roles:
    - role: rockitplay.edge.bootstrap
'''
PATHS = {'deployments': '/be/v1/deployments', 'roles': '/be/v1/roles', 'users': '/be/v1/users', 'apps': '/be/v1/apps',
         'subscriptions': '/be/v1/subscriptions'}


class Org(object):
    """An extra organisation of the shared emulator, with its own administrator key."""

    def __init__(self, edge, name, fixtures=None):
        self.edge, self.name, self.key, self.user = edge, name, '%s-admin-key' % name.lower(), 'adminPrincipal'
        body = {'org': name, 'admin_api_key': self.key}
        if fixtures:
            body['fixtures'] = fixtures
        edge.control('POST', 'orgs', body)

    def env(self):
        return {'ROCKIT_ORGNAME': self.name, 'ROCKIT_USERNAME': self.user, 'ROCKIT_API_KEY': self.key}

    def api(self, method, path, body=None, expect=200, params=None):
        return self.edge.api(method, path, body, params=params, org=self.name, user=self.user, api_key=self.key, expect=expect)

    def names(self, kind):
        key = 'username' if kind == 'users' else 'name'
        items = self.api('GET', PATHS[kind], params={'limit': 1000}).json()[kind]
        return sorted(set(i[key] for i in items))


def org_requests(edge, org):
    """The requests the emulator logged since it was last cleared (all of them: the test uses one organisation)."""
    requests = edge.requests()
    assert set(r.get('org') for r in requests) <= set([org.name, None]), set(r.get('org') for r in requests)
    return requests


def writes_of(requests):
    return [(r['method'], r['path']) for r in requests if r['method'] in ('POST', 'PATCH', 'PUT', 'DELETE')]
