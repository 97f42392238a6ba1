/**
 * Keeps the first `limitBytes` of a stream and reports the first byte past the cap, so the backend can kill the
 * run at once (a 100 MB print loop must not sit in the host's memory, nor keep burning CPU).
 */

export interface OutputCapture {
  write(chunk: Uint8Array): void;
  /** Bytes seen, including the ones dropped past the cap. */
  readonly totalBytes: number;
  readonly overflowed: boolean;
  text(): string;
}

export function createOutputCapture(limitBytes: number, onOverflow: () => void): OutputCapture {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  let overflowed = false;
  return {
    write(chunk) {
      total += chunk.byteLength;
      const room = limitBytes - kept;
      if (room > 0) {
        const part = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(room, chunk.byteLength));
        chunks.push(Buffer.from(part));
        kept += part.byteLength;
      }
      if (total > limitBytes && !overflowed) {
        overflowed = true;
        onOverflow();
      }
    },
    get totalBytes() {
      return total;
    },
    get overflowed() {
      return overflowed;
    },
    text() {
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}
