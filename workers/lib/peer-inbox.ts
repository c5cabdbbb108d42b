import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/**
 * One worker's end of its pool's PeerHub, shared by everything the workers exchange
 * (indicator arrays, bar sets): each message is tagged with its kind, and a read drains
 * the port into per-kind queues, so a reader of one kind never swallows another's. Read
 * synchronously (receiveMessageOnPort) in the middle of a batch.
 */
export class PeerInbox {
  private readonly queues = new Map<string, unknown[]>();

  constructor(private readonly port: MessagePort) {}

  post(kind: string, payload: unknown): void {
    this.port.postMessage({ kind, payload });
  }

  /** Every payload of `kind` received since the last take of it, oldest first. */
  take(kind: string): unknown[] {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const message = m.message as { kind?: unknown; payload?: unknown } | null;
      if (typeof message?.kind !== 'string') continue;
      const queue = this.queues.get(message.kind);
      if (queue) queue.push(message.payload);
      else this.queues.set(message.kind, [message.payload]);
    }
    const taken = this.queues.get(kind) ?? [];
    this.queues.delete(kind);
    return taken;
  }
}
