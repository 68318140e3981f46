// Where the output layer writes. A Node Writable (process.stdout) satisfies it; tests pass an
// object that collects the chunks.

export interface TextSink {
  write(chunk: string): unknown;
}
