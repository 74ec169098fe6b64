/*
 * A backend's V8 through its inspector (node `--inspect`, loopback only): a full garbage
 * collection and the heap left in use, and an expression evaluated in the process. What a leak
 * check needs: the RSS alone mixes live objects with garbage not yet collected and malloc's free
 * lists.
 */
import { waitFor } from './lib';

interface Pending {
  resolve(result: any): void;
  reject(error: Error): void;
}

export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', event => {
      const message = JSON.parse(String(event.data));
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    });
  }

  /** The node flag that opens the inspector on `port` of the loopback interface. */
  static nodeArgs(port: number): string[] {
    return [`--inspect=127.0.0.1:${port}`];
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = await waitFor(
      `the inspector on port ${port}`,
      async () => (await fetch(`http://127.0.0.1:${port}/json/list`)).json(),
      60_000,
    );
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });
    return new Inspector(socket);
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The V8 heap in use after full garbage collections, in MB, by space (`v8.getHeapSpaceStatistics`). */
  async heapSpacesAfterGcMb(): Promise<Record<string, number>> {
    // Twice: what a first collection's finalizers release goes in the second.
    await this.send('HeapProfiler.collectGarbage');
    await this.send('HeapProfiler.collectGarbage');
    // The main module's require: the backend is CommonJS (the CLI's transform).
    return this.evaluate(
      `Object.fromEntries(process.mainModule.require('v8').getHeapSpaceStatistics()
        .map(s => [s.space_name, s.space_used_size / 1024 / 1024]))`,
    );
  }

  /** The value of `expression` in the process's main context (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send('Runtime.evaluate', {
      expression,
      returnByValue: true,
    });
    if (exceptionDetails)
      throw new Error(`${expression}: ${exceptionDetails.text}`);
    return result.value as T;
  }

  close(): void {
    this.socket.close();
  }
}
