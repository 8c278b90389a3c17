"""The engine: compare only what is declared, sets, bitmask maps, check mode, diff, secrets, replace, lost answers."""
import copy

import pytest

from ansible_collections.rockitplay.edge.plugins.module_utils.client import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import Resource, ensure, equal, SECRET_MASK

THING = Resource(key='thing', path='/be/v1/things', fields=('label', 'tags', 'perm', 'origin.endpoint', 'origin.bucket'),
                 sets=('tags',), bitmask_maps=('perm',), create_extras={'apiKey': 'api_key'}, defaults={'size': 5})
NOPATCH = Resource(key='sub', path='/be/v1/subs', fields=('events', 'url'), sets=('events',), patch=False,
                   create_extras={'secret': 'secret'})


class FakeClient(object):
    """An in-memory server that answers like the API assumptions page says."""

    def __init__(self, objects=None, res=THING):
        self.objects = dict((o['name'], copy.deepcopy(o)) for o in (objects or []))
        self.calls = []
        self.res = res
        self.fail_next = None

    def get_or_none(self, path):
        self.calls.append(('GET', path, None))
        obj = self.objects.get(path.rsplit('/', 1)[1])
        return None if obj is None else {'status': 'success', self.res.item_key: copy.deepcopy(obj)}

    def request(self, method, path, body=None):
        self.calls.append((method, path, copy.deepcopy(body)))
        if self.fail_next:
            exc, self.fail_next = self.fail_next, None
            if exc.status is None or exc.method == 'lost':
                if method == 'POST':
                    self.objects[body['name']] = dict(body)
                raise exc
        if method == 'POST':
            obj = dict((k, v) for k, v in body.items() if k != 'secretValue')
            self.objects[body['name']] = obj
            return {'status': 'success', self.res.item_key: copy.deepcopy(obj), 'apiKey': 'NEW-KEY', 'secret': 'NEW-SECRET'}
        if method == 'PATCH':
            obj = self.objects[body['name']]
            for key, value in body.items():
                if isinstance(value, dict) and isinstance(obj.get(key), dict):
                    obj[key].update(value)
                else:
                    obj[key] = value
            return {'status': 'success', self.res.item_key: copy.deepcopy(obj)}
        if method == 'DELETE':
            del self.objects[path.rsplit('/', 1)[1]]
            return {'status': 'success'}
        raise AssertionError(method)

    def writes(self):
        return [c for c in self.calls if c[0] != 'GET']


SERVER = {'name': 'a', 'label': 'A', 'tags': ['x', 'y'], 'perm': {'apps': 2, 'roles': 0}, 'origin': {'endpoint': 'e', 'bucket': 'b'},
          'created': '2026-01-01T00:00:00Z', 'serverDefault': 7}


def test_unchanged_when_only_declared_fields_match():
    client = FakeClient([SERVER])
    out = ensure(client, THING, 'a', 'present', {'label': 'A', 'tags': ['y', 'x', 'x'], 'perm': {'apps': 2}})
    assert out.result['changed'] is False and client.writes() == []
    assert out.result['thing']['serverDefault'] == 7
    assert out.result['diff'] == {'before': {'name': 'a', 'label': 'A', 'tags': ['x', 'y'], 'perm': {'apps': 2, 'roles': 0}},
                                  'after': {'name': 'a', 'label': 'A', 'tags': ['x', 'y'], 'perm': {'apps': 2, 'roles': 0}}}


def test_update_patches_only_changed_fields_and_diff_is_exact():
    client = FakeClient([SERVER])
    out = ensure(client, THING, 'a', 'present', {'label': 'B', 'tags': ['x', 'y'], 'origin': {'endpoint': 'e2'}})
    assert out.result['changed'] is True
    assert client.writes() == [('PATCH', '/be/v1/things', {'name': 'a', 'label': 'B', 'origin': {'endpoint': 'e2'}})]
    assert out.result['diff'] == {'before': {'name': 'a', 'label': 'A', 'tags': ['x', 'y'], 'origin': {'endpoint': 'e'}},
                                  'after': {'name': 'a', 'label': 'B', 'tags': ['x', 'y'], 'origin': {'endpoint': 'e2'}}}
    assert out.result['thing']['origin'] == {'endpoint': 'e2', 'bucket': 'b'}


def test_check_mode_predicts_and_writes_nothing():
    client = FakeClient([SERVER])
    out = ensure(client, THING, 'a', 'present', {'label': 'B'}, check_mode=True)
    assert out.result['changed'] is True and client.writes() == []
    assert out.result['thing']['label'] == 'B' and out.result['thing']['serverDefault'] == 7
    created = ensure(client, THING, 'new', 'present', {'label': 'N'}, check_mode=True)
    assert created.result['thing'] == {'name': 'new', 'label': 'N', 'size': 5}
    assert created.result['diff'] == {'before': {}, 'after': {'name': 'new', 'label': 'N'}}
    gone = ensure(client, THING, 'a', 'absent', check_mode=True)
    assert gone.result['changed'] is True and client.writes() == []


def test_create_sends_secrets_masks_them_and_returns_extras():
    client = FakeClient()
    out = ensure(client, THING, 'a', 'present', {'label': 'A'}, create_secrets={'secretValue': 's3cr3t'})
    assert client.writes() == [('POST', '/be/v1/things', {'name': 'a', 'label': 'A', 'secretValue': 's3cr3t'})]
    assert out.extras == {'api_key': 'NEW-KEY'}
    assert out.result['diff']['after'] == {'name': 'a', 'label': 'A', 'secretValue': SECRET_MASK}
    assert 's3cr3t' not in repr(out.result)


def test_secrets_on_update_only_when_asked():
    client = FakeClient([SERVER])
    assert ensure(client, THING, 'a', 'present', {'label': 'A'}).result['changed'] is False
    out = ensure(client, THING, 'a', 'present', {'label': 'A'}, update_secrets={'reset': {'password': 'pw'}})
    assert out.result['changed'] is True
    assert client.writes() == [('PATCH', '/be/v1/things', {'name': 'a', 'reset': {'password': 'pw'}})]
    assert 'pw' not in repr(out.result['diff'])


def test_absent():
    client = FakeClient([SERVER])
    out = ensure(client, THING, 'a', 'absent')
    assert out.result['changed'] is True and out.result['thing'] is None
    assert client.writes() == [('DELETE', '/be/v1/things/a', None)]
    again = ensure(client, THING, 'a', 'absent')
    assert again.result['changed'] is False and len(client.writes()) == 1


def test_no_patch_means_replace_with_new_secret():
    client = FakeClient([{'name': 's', 'events': ['end'], 'url': 'http://x'}], res=NOPATCH)
    same = ensure(client, NOPATCH, 's', 'present', {'events': ['end'], 'url': 'http://x'})
    assert same.result['changed'] is False and client.writes() == []
    out = ensure(client, NOPATCH, 's', 'present', {'events': ['end', 'error'], 'url': 'http://x'})
    assert [w[0] for w in client.writes()] == ['DELETE', 'POST'] and out.action == 'replaced'
    assert out.extras == {'secret': 'NEW-SECRET'}


def test_lost_create_answer_is_read_before_retrying():
    client = FakeClient()
    client.fail_next = ApiError('POST', '/be/v1/things', None, None, 'connection dropped')
    out = ensure(client, THING, 'a', 'present', {'label': 'A'})
    assert [w[0] for w in client.writes()] == ['POST'], 'the create must not be repeated'
    assert out.result['changed'] is True and out.result['thing']['label'] == 'A'
    assert 'was lost' in out.result['warnings'][0]


def test_create_conflict_compares_with_what_someone_else_created():
    client = FakeClient()
    real_request = client.request

    def request(method, path, body=None):
        if method == 'POST' and 'a' not in client.objects:
            client.objects['a'] = dict(SERVER, label='theirs')     # the other play wins the race
            client.calls.append((method, path, body))
            raise ApiError('POST', path, 409, 'already-exists', 'exists')
        return real_request(method, path, body)

    client.request = request
    out = ensure(client, THING, 'a', 'present', {'label': 'ours'})
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET', 'PATCH']
    assert out.action == 'updated' and out.result['diff']['before']['label'] == 'theirs'
    assert 'created by someone else' in out.result['warnings'][0]


def test_create_conflict_without_the_object_is_the_error():
    client = FakeClient()

    def refuse(method, path, body=None):
        raise ApiError(method, path, 409, 'conflict', 'no')

    client.request = refuse
    with pytest.raises(ApiError):
        ensure(client, THING, 'a', 'present', {'label': 'ours'})


@pytest.mark.parametrize('path, desired, current, same', [
    ('label', '', None, True),
    ('label', 'a', 'A', False),
    ('tags', ['a', 'b'], ['b', 'a'], True),
    ('tags', ['a'], ['a', 'b'], False),
    ('perm', {'apps': 2}, {'apps': 2, 'roles': 0}, True),
    ('perm', {'apps': 2}, {'apps': 2, 'roles': 4}, False),
    ('label', True, 1, False),
])
def test_equal(path, desired, current, same):
    assert equal(THING, path, desired, current) is same
