# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ROCKITPLAY
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one bounded thread pool of the collection: many objects applied or read side by side, results in order.

``run_waves`` takes the objects in waves (a wave holds objects that do not depend on each other; a later wave
may name objects of an earlier one) and runs the objects of each wave on at most ``workers`` threads, wave
after wave. What comes back is in the order the objects were given, and ``done`` is called in that order too,
in the calling thread, so a caller's output does not depend on which request finished first. With one worker
(``concurrency: 1``) nothing runs on another thread: the objects are applied one after another, as before.

- ``stop(result)`` true for a result: the objects not yet started are not attempted (``skip(item)`` is their
  result); the objects already under way finish. Later waves are not started either.
- An exception raised by ``work`` is raised again in the calling thread when its object's turn comes; the
  objects not yet started are not attempted.

The HTTP client bounds the requests in flight and the rate by itself (shared by all threads), so a pool of
more workers than the Edge admits only queues in the client.
"""

import threading

from ansible.module_utils.basic import env_fallback

DEFAULT_CONCURRENCY = 16
MAX_CONCURRENCY = 64
CONCURRENCY_ENV = 'ROCKIT_CONCURRENCY'


def concurrency_option():
    """The ``concurrency`` option of the modules that apply or read many objects (rockit_apply, rockit_plan)."""
    return dict(type='int', default=DEFAULT_CONCURRENCY, fallback=(env_fallback, [CONCURRENCY_ENV]))


def checked_concurrency(value):
    """The number of workers for an option value; ValueError with a sentence for one out of range."""
    if value is None:
        return DEFAULT_CONCURRENCY
    value = int(value)
    if value < 1 or value > MAX_CONCURRENCY:
        raise ValueError('concurrency must be between 1 (one object after another) and %d, got %d.' % (MAX_CONCURRENCY, value))
    return value


class _Failure(object):
    """An exception raised by ``work``, kept until its object's turn."""

    def __init__(self, exc):
        self.exc = exc


def run_waves(waves, work, workers=DEFAULT_CONCURRENCY, stop=None, skip=None, done=None):
    """Run ``work(item)`` for every item of every wave; the results as lists, one per wave, in the order given."""
    out = []
    stopped = [False]
    for wave in waves:
        wave = list(wave)
        if stopped[0]:
            out.append([skip(item) if skip else None for item in wave])
            continue
        out.append(_run_wave(wave, work, workers, stop, skip, done, stopped))
    return out


def run_all(items, work, workers=DEFAULT_CONCURRENCY, stop=None, skip=None, done=None):
    """One wave: ``run_waves([items], ...)[0]``."""
    return run_waves([items], work, workers, stop, skip, done)[0]


def _run_wave(items, work, workers, stop, skip, done, stopped):
    count = len(items)
    results = [None] * count
    if workers <= 1 or count <= 1:
        for index, item in enumerate(items):
            if stopped[0]:
                results[index] = skip(item) if skip else None
            else:
                results[index] = work(item)
                stopped[0] = bool(stop and stop(results[index]))
            if done:
                done(item, results[index])
        return results

    cond = threading.Condition()
    state = {'next': 0, 'finished': [False] * count, 'abort': False}

    def worker():
        while True:
            with cond:
                if state['next'] >= count:
                    return
                index = state['next']
                state['next'] += 1
                skipped = stopped[0] or state['abort']
            if skipped:
                result = skip(items[index]) if skip else None
            else:
                try:
                    result = work(items[index])
                except BaseException as exc:  # pylint: disable=broad-except
                    result = _Failure(exc)
            with cond:
                results[index] = result
                state['finished'][index] = True
                if isinstance(result, _Failure):
                    state['abort'] = True
                elif not skipped and stop and stop(result):
                    stopped[0] = True
                cond.notify_all()

    threads = [threading.Thread(target=worker, name='rockit-pool-%d' % n) for n in range(min(workers, count))]
    for thread in threads:
        thread.daemon = True
        thread.start()
    failure = None
    try:
        for index in range(count):
            with cond:
                while not state['finished'][index]:
                    cond.wait()
                result = results[index]
            if isinstance(result, _Failure):
                failure = failure or result
                continue
            if done and failure is None:
                done(items[index], result)
    finally:
        with cond:
            state['abort'] = True
        for thread in threads:
            thread.join()
    if failure is not None:
        raise failure.exc
    return results
