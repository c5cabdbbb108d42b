import { MessageChannel, type MessagePort } from 'node:worker_threads';

/**
 * Lets a pool's workers message each other: each worker gets one end of its own channel
 * (connect), and whatever a worker posts is relayed to every other worker. Used by the
 * sweep workers to share indicator arrays (SharedArrayBuffers travel shared, not copied).
 * A relay through the main thread rather than Node's BroadcastChannel: a worker reads
 * offers synchronously in the middle of a batch (receiveMessageOnPort), and on Node 24 a
 * BroadcastChannel read that way missed messages posted after the reader's own post.
 */
export class PeerHub {
  private readonly ports = new Set<MessagePort>();

  /** A new worker's end; the hub relays from and to it until either end closes. */
  connect(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.ports.add(port1);
    port1.on('message', (message: unknown) => {
      for (const other of this.ports) if (other !== port1) other.postMessage(message);
    });
    port1.on('close', () => this.ports.delete(port1));
    // The relay never keeps the process alive.
    port1.unref();
    return port2;
  }

  close(): void {
    for (const port of this.ports) port.close();
    this.ports.clear();
  }
}
