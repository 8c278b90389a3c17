"""The API keys file takes the strings Ansible tags (as the fast path passes them) like plain ones."""
import os
import stat

from ansible.module_utils import _internal

from ansible_collections.rockitplay.edge.plugins.module_utils import keys_file


def test_tagged_strings_are_written_as_plain_yaml(tmp_path):
    was_controller = _internal.is_controller
    from ansible._internal._datatag._tags import Origin  # pylint: disable=import-outside-toplevel
    _internal.is_controller = was_controller
    path = str(tmp_path / 'keys.yml')
    org = Origin(path='/vars.yml').tag('ExampleOrg')
    user = Origin(path='/vars.yml').tag('bot')
    keys_file.merge_keys(path, org, {user: {'api_key': Origin(path='/vars.yml').tag('k-1'), 'api_key_id': 'id-1'}})
    assert keys_file.read_entry(path, 'exampleorg', 'BOT')['api_key'] == 'k-1'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert '!!' not in open(path).read()
    assert keys_file.remove_keys(path, org, [user]) == 1
