"""The engine: compare only what is declared, sets, bitmask maps, check mode, diff, secrets, replace, lost answers."""
import copy

import pytest

from ansible_collections.rockitplay.edge.plugins.module_utils.client import ApiError
from ansible_collections.rockitplay.edge.plugins.module_utils.engine import Resource, ensure, equal, SECRET_MASK
from ansible_collections.rockitplay.edge.plugins.module_utils.errors import AssumptionError

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


# ------------------------------------------------------------------ what the Edge kept
class StatusOnly(FakeClient):
    """Creates and patches answer only {"status": "success"} (plus the one-time key): the object must be read."""

    def request(self, method, path, body=None):
        answer = FakeClient.request(self, method, path, body)
        return dict((k, v) for k, v in answer.items() if k != self.res.item_key)


class Forgetful(FakeClient):
    """Keeps every field but ``label``."""

    def request(self, method, path, body=None):
        if body and 'label' in body:
            body = dict(body, label='server-default')
        return FakeClient.request(self, method, path, body)


def test_verification_adds_no_request_when_the_answer_carries_the_object():
    client = FakeClient()
    ensure(client, THING, 'a', 'present', {'label': 'A', 'tags': ['x']})
    ensure(client, THING, 'a', 'present', {'label': 'B', 'tags': ['x']})
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET', 'PATCH']


def test_an_answer_without_the_object_is_verified_by_one_read():
    client = StatusOnly()
    out = ensure(client, THING, 'a', 'present', {'label': 'A'})
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET'] and out.result['thing']['label'] == 'A'
    assert out.extras == {'api_key': 'NEW-KEY'}
    out = ensure(client, THING, 'a', 'present', {'label': 'B'})
    assert [c[0] for c in client.calls][3:] == ['GET', 'PATCH', 'GET'] and out.result['thing']['label'] == 'B'


@pytest.mark.parametrize('existing', [False, True])
def test_a_field_the_edge_did_not_keep_fails_with_both_values(existing):
    client = Forgetful([SERVER] if existing else [])
    with pytest.raises(AssumptionError) as failure:
        ensure(client, THING, 'a', 'present', {'label': 'mine', 'tags': ['x', 'y']}, create_secrets={'secretValue': 's3cr3t'})
    text = failure.value.msg
    assert "label: declared 'mine', kept 'server-default'" in text and 'tags' not in text
    assert ('PATCH' if existing else 'POST') + ' /be/v1/things answered success' in text
    assert failure.value.details['not_kept'][0]['field'] == 'label' and failure.value.details['changed'] is True
    assert 's3cr3t' not in repr(failure.value.details) + text
    if not existing:
        assert failure.value.extras == {'api_key': 'NEW-KEY'}   # a one-time key issued on the way is never lost


def test_declared_objects_are_compared_by_their_declared_keys_and_secrets_masked():
    res = Resource(key='thing', path='/be/v1/things', fields=('auth',), secret_fields=('key',))
    client = FakeClient([{'name': 'a', 'auth': None}], res=res)
    client.request = lambda method, path, body=None: {'thing': {'name': 'a', 'auth': {'type': 'other', 'key': 'leaked'}}}
    with pytest.raises(AssumptionError) as failure:
        ensure(client, res, 'a', 'present', {'auth': {'type': 'gcore'}})
    assert "kept {'type': 'other'}" in failure.value.msg and 'leaked' not in failure.value.msg
    client.request = lambda method, path, body=None: {'thing': {'name': 'a', 'auth': {'type': 'gcore', 'key': 'leaked'}}}
    assert ensure(client, res, 'a', 'present', {'auth': {'type': 'gcore'}}).result['changed'] is True


def test_names_are_compared_without_case():
    res = Resource(key='thing', path='/be/v1/things', fields=('refs',), sets=('refs',), names=('refs',))
    assert equal(res, 'refs', ['ci', 'Dev'], ['dev', 'CI']) is True
    assert equal(res, 'refs', ['ci'], ['ci', 'dev']) is False


def test_a_read_in_an_unknown_shape_fails_instead_of_creating_again():
    client = FakeClient()
    client.get_or_none = lambda path: {'status': 'success', 'things': [{'name': 'a'}]}
    with pytest.raises(AssumptionError) as failure:
        ensure(client, THING, 'a', 'present', {'label': 'A'})
    assert 'holds no thing the collection recognises (its fields: status, things)' in failure.value.msg
    assert client.writes() == []


def test_a_404_without_an_error_name_is_absent_only_when_the_list_agrees():
    client = FakeClient([{'name': 'b'}])
    unnamed = ApiError('GET', '/be/v1/things/a', 404, None, 'Not Found', body={'message': 'Not Found'})

    def get_or_none(path):
        raise unnamed

    client.get_or_none = get_or_none
    client.list_all = lambda path, key: ([{'name': 'b'}], 1)
    assert ensure(client, THING, 'a', 'present', {'label': 'A'}).action == 'created'
    client.list_all = lambda path, key: ([{'name': 'a'}], 1)
    with pytest.raises(ApiError):
        ensure(client, THING, 'a', 'present', {'label': 'A'})


def test_an_html_404_stays_an_error():
    client = FakeClient()

    def get_or_none(path):
        raise ApiError('GET', path, 404, None, 'the server answered with an HTML page')

    client.get_or_none = get_or_none
    client.list_all = lambda path, key: ([], 0)
    with pytest.raises(ApiError):
        ensure(client, THING, 'a', 'present', {'label': 'A'})
    assert client.writes() == []
