import assert from "node:assert/strict";
import { connectionLoss } from "../../src/run/connection_loss.ts";
import { C, newCounters } from "../../src/stats/counters.ts";

function counters(values: Partial<Record<keyof typeof C, number>>): Float64Array {
  const c = newCounters();
  for (const [name, value] of Object.entries(values)) c[C[name as keyof typeof C]] = value!;
  return c;
}

const WS = { connections: 2, websocket: { request: null } } as never;
const TCP = { connections: 2, websocket: null } as never;

Deno.test("a run that kept its connections lost none", () => {
  const steady = counters({ openOut: 2, upgradeFailures: 3 });
  assert.equal(connectionLoss(WS, { total: steady, steady }), null);
  assert.equal(connectionLoss(TCP, { total: newCounters(), steady: counters({}) }), null);
});

Deno.test("failed upgrades with connections missing at the end are a loss", () => {
  const steady = counters({ openOut: 1, upgradeFailures: 1 });
  assert.deepEqual(connectionLoss(WS, { total: steady, steady }), {
    connections: 2,
    socketErrors: 0,
    upgradeFailures: 1,
  });
  // only upgrades during the steady phase count
  const before = counters({ upgradeFailures: 4 });
  assert.equal(connectionLoss(WS, { total: before, steady: counters({ openOut: 1 }) }), null);
});

Deno.test("sockets not created for want of descriptors are a loss", () => {
  const total = counters({ socketErrors: 57 });
  assert.deepEqual(connectionLoss(TCP, { total, steady: counters({ openOut: 2 }) }), {
    connections: 2,
    socketErrors: 57,
    upgradeFailures: 0,
  });
});
