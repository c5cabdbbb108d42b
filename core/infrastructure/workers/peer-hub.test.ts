import { receiveMessageOnPort } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { PeerHub } from './peer-hub.js';

let hub: PeerHub;
afterEach(() => hub.close());

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

it('relays what one end posts to every other end, not back to the sender, shared memory shared', async () => {
  hub = new PeerHub();
  const [a, b, c] = [hub.connect(), hub.connect(), hub.connect()];
  const values = new Float64Array(new SharedArrayBuffer(16));
  a.postMessage({ values });
  await settle();
  const atB = receiveMessageOnPort(b)?.message as { values: Float64Array };
  const atC = receiveMessageOnPort(c)?.message as { values: Float64Array };
  expect(receiveMessageOnPort(a)).toBeUndefined();
  values[0] = 42;
  expect(atB.values[0]).toBe(42);
  expect(atC.values[0]).toBe(42);
  for (const port of [a, b, c]) port.close();
});

it('forgets an end once it closes', async () => {
  hub = new PeerHub();
  const [a, b] = [hub.connect(), hub.connect()];
  b.close();
  await settle();
  a.postMessage('after');
  await settle();
  expect(receiveMessageOnPort(a)).toBeUndefined();
  a.close();
});
