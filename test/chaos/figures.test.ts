import { strict as assert } from 'node:assert';
import type { CommandRecord, StateSample } from '../../bench/chaos/commander';
import { figuresOf, type ScenarioRecords } from '../../bench/chaos/figures';

const T0 = 1_800_000_000_000;

function command(index: number, over: Partial<CommandRecord> = {}): CommandRecord {
  return {
    index,
    scenario: 's',
    lock: 'august_A',
    command: 'UNLOCK',
    transaction: `t${index}`,
    protocol: 4,
    sentAt: T0 + index * 10_000,
    deadline: T0 + index * 10_000 + 2000,
    answer: { status: 'ok', at: T0 + index * 10_000 + 500 },
    ...over,
  };
}

function records(over: Partial<ScenarioRecords>): ScenarioRecords {
  return {
    scenario: 's',
    mode: 'sequential',
    countLateActuations: false,
    commands: [],
    arrivals: [],
    actuations: [],
    states: new Map(),
    ...over,
  };
}

describe('chaos figures: what counts as late, doubled, unanswered and backwards', () => {
  it('an arrival after the deadline is a late send; one before it is not', () => {
    const c = command(0);
    const f = figuresOf(
      records({
        commands: [c],
        arrivals: [
          { lock: c.lock, method: 'PUT', path: '/remoteoperate/A/unlock', at: c.sentAt + 100, status: 429 },
          { lock: c.lock, method: 'PUT', path: '/remoteoperate/A/unlock', at: c.deadline! + 1, status: 200 },
        ],
        actuations: [{ lock: c.lock, action: 'Unlocking', at: c.deadline! + 1 }],
      }),
    );
    assert.equal(f.late, 1);
    assert.equal(f.doubled, 0);
    assert.match(f.notes.join('\n'), /1 ms after the deadline/);
  });

  it('two actuations for one command are one doubled; an ok with none is counted too', () => {
    const [a, b] = [command(0), command(1, { lock: 'smartphonekey_1', command: 'OPEN' })];
    const f = figuresOf(
      records({
        commands: [a, b],
        actuations: [
          { lock: a.lock, action: 'Unlocking', at: a.sentAt + 50 },
          { lock: a.lock, action: 'Unlocking', at: a.sentAt + 900 },
        ],
      }),
    );
    assert.equal(f.doubled, 1);
    assert.equal(f.okWithoutActuation, 1);
  });

  it('many commands at once to one lock: doubled only beyond one actuation per command', () => {
    const commands = [command(0), command(1, { sentAt: T0 })];
    const act = (at: number) => ({ lock: 'august_A', action: 'Unlocking', at });
    assert.equal(
      figuresOf(records({ mode: 'aggregate', commands, actuations: [act(T0 + 1), act(T0 + 2)] })).doubled,
      0,
    );
    assert.equal(
      figuresOf(records({ mode: 'aggregate', commands, actuations: [act(T0 + 1), act(T0 + 2), act(T0 + 3)] }))
        .doubled,
      1,
    );
  });

  it('an unanswered command is counted, and so is UNLOCKING -> LOCKED -> UNLOCKED during a command', () => {
    const c = command(0);
    const states: StateSample[] = [
      { state: 'LOCKED', at: c.sentAt - 100 },
      { state: 'UNLOCKING', at: c.sentAt + 10 },
      { state: 'LOCKED', at: c.sentAt + 200 },
      { state: 'UNLOCKED', at: c.sentAt + 400 },
    ];
    const f = figuresOf(
      records({ commands: [c, command(1, { answer: undefined })], states: new Map([[c.lock, states]]) }),
    );
    assert.equal(f.unanswered, 1);
    assert.equal(f.backwards, 1);
    assert.deepEqual(f.answers, { ok: 1, unanswered: 1 });
  });

  it('a late actuation counts only where the scenario injected no vendor latency', () => {
    const c = command(0);
    const actuations = [{ lock: c.lock, action: 'Opening', at: c.deadline! + 5000 }];
    assert.equal(figuresOf(records({ commands: [c], actuations })).lateActuations, 0);
    assert.equal(
      figuresOf(records({ commands: [c], actuations, countLateActuations: true })).lateActuations,
      1,
    );
  });
});
