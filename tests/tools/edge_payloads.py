"""Edge objects as the Edge returns them, and module arguments, shared by the module unit tests."""

from task_payloads import GROUP  # pylint: disable=import-error

URL = 'https://builds.example.com/sushi/0002.tar?X-Signature=s3cr3t'
BUILD = {'appName': 'Sushi', 'iBuild': 2, 'taskGroup': GROUP, 'tasks': [GROUP + '-1733149403-dltar']}
IDLE = {'status': 'success', 'app': {'name': 'Sushi', 'processing': False}}
S3 = dict(type='s3', endpoint='s3.eu-central-1.example.com', region='eu-central-1', bucket='games',
          access_key_id='AKIA-known-id', secret_access_key='s3-known-secret')
GCORE = {'name': 'gcore', 'originPrefix': 'rockit',
         'origin': {'type': 's3', 'endpoint': 's3.eu-central-1.example.com', 'region': 'eu-central-1', 'bucket': 'games'},
         'downloadAuth': {'type': 'gcore'}, 'status': 'ok', 'message': '',
         'created': '2026-01-01T00:00:00Z', 'updated': '2026-01-01T00:00:00Z'}
HOOK = {'name': 'deployWebhook', 'sender': 'deploy', 'events': ['end', 'error'], 'type': 'webhook',
        'webhook': {'url': 'https://hooks.example.com/a'}, 'orgName': 'ExampleOrg', 'created': '2026-01-01T00:00:00Z'}
HOOK_ARGS = dict(name='deployWebhook', sender='deploy', events=['error', 'end'], webhook_url='https://hooks.example.com/a')
JDOE = {'username': 'jdoe', 'type': 'user', 'email': 'jdoe@example.com', 'firstname': 'Jane', 'surname': 'Doe', 'title': '',
        'roles': ['Managers', 'Testers'], 'created': '2026-01-01T00:00:00Z', 'updated': '2026-01-01T00:00:00Z'}
BOT = {'username': 'ci_bot', 'type': 'machine', 'label': 'CI', 'roles': ['CI_Pipeline_Services'],
       'created': '2026-01-01T00:00:00Z', 'updated': '2026-01-01T00:00:00Z'}
