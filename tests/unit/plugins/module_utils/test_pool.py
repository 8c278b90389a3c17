"""The bounded thread pool: results in order, waves one after another, a stop, errors; deterministic (events, no sleeps)."""
import threading

import pytest

from ansible_collections.rockitplay.edge.plugins.module_utils.pool import (
    DEFAULT_CONCURRENCY, MAX_CONCURRENCY, checked_concurrency, run_all, run_waves,
)


class Gate(object):
    """Work that blocks until released, recording what ran when (no timing involved)."""

    def __init__(self):
        self.lock = threading.Condition()
        self.started = []
        self.running = 0
        self.most = 0
        self.release = {}

    def work(self, item):
        with self.lock:
            event = self.release.setdefault(item, threading.Event())
            self.started.append(item)
            self.running += 1
            self.most = max(self.most, self.running)
            self.lock.notify_all()
        assert event.wait(300), 'never released: %r' % (item,)
        with self.lock:
            self.running -= 1
        return 'done %s' % (item,)


def release_in(gate, order):
    """Release the items in ``order`` (each once it has started), from another thread."""
    def run():
        for item in order:
            with gate.lock:
                assert gate.lock.wait_for(lambda: item in gate.started, 300), 'never started: %r' % (item,)
                event = gate.release.setdefault(item, threading.Event())
            event.set()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_results_and_done_come_in_the_given_order_whatever_finishes_first():
    gate = Gate()
    items = list(range(6))
    seen = []
    releaser = release_in(gate, [5, 3, 4, 1, 2, 0])   # the last first
    results = run_all(items, gate.work, workers=6, done=lambda item, result: seen.append((item, result)))
    releaser.join()
    assert results == ['done %d' % i for i in items]
    assert seen == [(i, 'done %d' % i) for i in items]
    assert gate.most == 6


def test_at_most_workers_run_at_once():
    gate = Gate()
    items = list(range(10))
    releaser = release_in(gate, items)
    assert run_all(items, gate.work, workers=3) == ['done %d' % i for i in items]
    releaser.join()
    assert gate.most <= 3


def test_one_worker_runs_in_the_calling_thread_one_after_another():
    threads, order = set(), []

    def work(item):
        threads.add(threading.current_thread().ident)
        order.append(item)
        return item * 2

    assert run_all([3, 1, 2], work, workers=1) == [6, 2, 4]
    assert threads == {threading.current_thread().ident} and order == [3, 1, 2]


def test_waves_run_one_after_another():
    gate = Gate()
    waves = [['deployment a', 'deployment b'], ['app x', 'app y', 'app z']]
    releaser = release_in(gate, ['deployment b', 'deployment a', 'app z', 'app x', 'app y'])
    results = run_waves(waves, gate.work, workers=8)
    releaser.join()
    assert results == [['done deployment a', 'done deployment b'], ['done app x', 'done app y', 'done app z']]
    # no app started before every deployment was done
    assert set(gate.started[:2]) == {'deployment a', 'deployment b'}


def test_a_stop_skips_what_has_not_started_also_later_waves():
    def work(item):
        return 'fail' if item == 'b' else 'ok %s' % item

    results = run_waves([['a', 'b', 'c'], ['d']], work, workers=1, stop=lambda r: r == 'fail', skip=lambda item: 'skipped %s' % item)
    assert results == [['ok a', 'fail', 'skipped c'], ['skipped d']]


def test_a_stop_with_workers_lets_the_started_finish_and_skips_the_rest():
    gate = Gate()
    results_holder = []
    stop_item = 1

    def work(item):
        result = gate.work(item)
        return 'stop' if item == stop_item else result

    items = list(range(8))
    stop_seen = threading.Event()

    def stop(result):
        if result == 'stop':
            stop_seen.set()     # the pool records the stop before any other worker takes its next object
            return True
        return False

    def run():
        results_holder.append(run_all(items, work, workers=2, stop=stop, skip=lambda item: 'skipped'))

    runner = threading.Thread(target=run)
    runner.start()
    # 0 and 1 start; 1 stops the run while 0 is still under way; 0 is released once the stop was seen, then finishes
    release_in(gate, [1]).join()
    assert stop_seen.wait(300), 'the stop was never seen'
    release_in(gate, [0]).join()
    runner.join(300)
    assert not runner.is_alive() and results_holder, 'the pool did not finish'
    results = results_holder[0]
    assert results[0] == 'done 0' and results[1] == 'stop'
    assert all(r == 'skipped' or r.startswith('done') for r in results[2:])
    assert results.count('skipped') >= 5   # at most one more object started before the stop was seen


def test_an_error_is_raised_in_the_calling_thread_and_nothing_more_starts():
    started = []

    def work(item):
        started.append(item)
        if item == 2:
            raise KeyError('boom')
        return item

    seen = []
    with pytest.raises(KeyError, match='boom'):
        run_all([1, 2, 3, 4], work, workers=1, done=lambda item, result: seen.append(item))
    assert started == [1, 2] and seen == [1]

    seen = []
    with pytest.raises(KeyError, match='boom'):
        run_all([1, 2, 3, 4], work, workers=3, done=lambda item, result: seen.append(item))
    assert seen == [1]


def test_an_error_in_done_stops_the_pool():
    def done(item, result):
        if item == 1:
            raise ValueError('refused')

    with pytest.raises(ValueError, match='refused'):
        run_all(list(range(20)), lambda item: item, workers=4, done=done)


def test_concurrency_values():
    assert checked_concurrency(None) == DEFAULT_CONCURRENCY == 16
    assert checked_concurrency(1) == 1 and checked_concurrency('16') == 16
    for bad in (0, -1, MAX_CONCURRENCY + 1):
        with pytest.raises(ValueError, match='between 1'):
            checked_concurrency(bad)
