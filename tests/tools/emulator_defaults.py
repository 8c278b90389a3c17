"""The emulator's documented start-up defaults: the organisation and its primary administrator."""

ADMIN = {'org': 'ExampleOrg', 'user': 'adminPrincipal', 'api_key': 'rockit-demo-api-key', 'password': 'rockit-demo-password'}
