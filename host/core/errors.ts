// One error hierarchy for the whole host. `retriable` says whether trying the
// same thing again may succeed (a broker restart) or not (a corrupt file).

export class StreamscoreError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(message: string, options: { code?: string; retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'STREAMSCORE_ERROR';
    this.retriable = options.retriable ?? false;
  }
}

/** A model file that cannot be read or used: corrupt, truncated or unsupported. */
export class ModelError extends StreamscoreError {
  constructor(readonly file: string, message: string, options: { line?: number; cause?: unknown } = {}) {
    super(`${file}${options.line === undefined ? '' : `:${options.line}`}: ${message}`, {
      code: 'MODEL_INVALID',
      cause: options.cause,
    });
  }
}

/** A bad input row or event: says which file, line and field. */
export class InputError extends StreamscoreError {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
    readonly field?: string,
  ) {
    super(`${file}:${line}${field === undefined ? '' : ` (${field})`}: ${message}`, { code: 'INPUT_INVALID' });
  }
}

/** The WASM core returned a failure status. */
export class EngineError extends StreamscoreError {
  constructor(readonly status: number, message: string) {
    super(message, { code: 'ENGINE_STATUS' });
  }
}

/** A bad command line: the message says what to type instead. */
export class UsageError extends StreamscoreError {
  constructor(message: string) {
    super(message, { code: 'USAGE' });
  }
}
