"""Offline stand-in for the get-pip script that ansible-test downloads to bootstrap pip in its venvs.

ansible-test runs it as ``python get_pip_X_Y.py --disable-pip-version-check pip==X.Y --no-setuptools --no-wheel``.
Python's bundled pip (ensurepip) serves the same purpose without reaching a host outside the package
registries. ensurepip runs as a subprocess: in-process it would point PIP_CONFIG_FILE at /dev/null and hide
the machine's pip configuration from the following install.
"""
import subprocess
import sys

ARGS = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-q'] + ARGS)
