/**
 * A server-sent event frame as the WHATWG EventSource algorithm dispatches it.
 *
 * @public
 */
export interface SseFrame {
  /** `message` when the frame has no `event:` field. */
  event: string;
  data: string;
  /** The `id:` of this frame, or the last one seen on the stream (like `lastEventId`). */
  id?: string;
  /** A `retry:` value in milliseconds, when the frame had one. */
  retry?: number;
}

/**
 * Incremental server-sent events parser (the WHATWG "event stream interpretation"): feed it text
 * chunks as they arrive, in any split; it calls `onFrame` for every complete event.
 * Comments (`: heartbeat`) and frames without data are ignored, as EventSource does.
 *
 * @public
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private lastId: string | undefined;
  private retry: number | undefined;
  private sawData = false;

  constructor(private readonly onFrame: (frame: SseFrame) => void) {}

  /** The last event id seen on the stream. */
  get lastEventId(): string | undefined {
    return this.lastId;
  }

  push(chunk: string): void {
    this.buffer += chunk;
    // Lines end with CRLF, LF or CR. A trailing CR may be the first half of a CRLF: keep it.
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) return;
      if (m[0] === '\r' && m.index === this.buffer.length - 1) {
        return;
      }
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  /** End of stream: an unterminated last event is dropped, as EventSource does. */
  end(): void {
    this.buffer = '';
    this.reset();
  }

  private line(line: string) {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        this.sawData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch() {
    if (this.sawData) {
      this.onFrame({
        event: this.event || 'message',
        data: this.data.join('\n'),
        id: this.lastId,
        retry: this.retry,
      });
    }
    this.reset();
  }

  private reset() {
    this.data = [];
    this.event = '';
    this.sawData = false;
    this.retry = undefined;
  }
}
