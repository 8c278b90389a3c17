"""The API keys file takes the strings Ansible tags (as the fast path passes them, with any tag) like plain ones."""
import os
import stat

from ansible.module_utils._internal._datatag._tags import Deprecated

from ansible_collections.rockitplay.edge.plugins.module_utils import keys_file


def test_tagged_strings_are_written_as_plain_yaml(tmp_path):
    tag = Deprecated(msg='a tag as any other: the file holds the plain string')
    path = str(tmp_path / 'keys.yml')
    org = tag.tag('ExampleOrg')
    user = tag.tag('bot')
    keys_file.merge_keys(path, org, {user: {'api_key': tag.tag('k-1'), 'api_key_id': 'id-1'}})
    assert keys_file.read_entry(path, 'exampleorg', 'BOT')['api_key'] == 'k-1'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert '!!' not in open(path).read()
    assert keys_file.remove_keys(path, org, [user]) == 1
