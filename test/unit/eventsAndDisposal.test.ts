import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Disposable, disposeAll, type IDisposable } from '../../src/common/dispose';
import { Emitter, onUnexpectedListenerError } from '../../src/common/events';

/** A failing listener or disposable must not take the others down with it. */
describe('events and disposal survive a throwing listener', () => {
  test('every listener hears the event even when an earlier one throws; the error is reported, not swallowed', () => {
    const reported: unknown[] = [];
    const sink = onUnexpectedListenerError((error) => reported.push(error));
    try {
      const emitter = new Emitter<number>();
      const heard: string[] = [];
      emitter.event(() => {
        throw new Error('header update failed');
      });
      emitter.event((value) => heard.push(`journal ${value}`));
      emitter.fire(1);
      assert.deepEqual(heard, ['journal 1']);
      assert.equal((reported[0] as Error).message, 'header update failed');
    } finally {
      sink.dispose();
    }
  });

  test('disposal finishes every item, then throws what failed', () => {
    const disposed: string[] = [];
    const item = (name: string, fails = false): IDisposable => ({
      dispose: () => {
        disposed.push(name);
        if (fails) {
          throw new Error(`${name} failed`);
        }
      },
    });
    assert.throws(() => disposeAll([item('a', true), item('b'), item('c', true)]), (error) => error instanceof AggregateError && error.errors.length === 2);
    assert.deepEqual(disposed, ['a', 'b', 'c']);

    class Owner extends Disposable {
      constructor() {
        super();
        this._register(item('timer'));
        this._register(item('listener', true));
      }
    }
    disposed.length = 0;
    assert.throws(() => new Owner().dispose(), /listener failed/);
    assert.deepEqual(disposed, ['listener', 'timer'], 'the timer is still disposed after the listener threw');
  });
});
