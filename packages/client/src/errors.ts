// What every failed call becomes: an ApiError that carries what a screen or a script needs to explain it (the
// HTTP status, the API's error code, the request id to quote, the details such as field issues). Network failures
// are `NETWORK` (status 0), answers that are not the API's envelope `UNEXPECTED`/`INTERNAL`.

/** One field-level validation problem (`details.issues` of a VALIDATION_ERROR). */
export interface FieldIssue {
  field: string;
  in: 'body' | 'query' | 'path' | 'header';
  message: string;
  code?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    readonly details: Record<string, unknown> | undefined = undefined,
    /** What went wrong underneath (the fetch failure of a NETWORK error). */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ApiError';
  }

  /** Field-level validation problems (`details.issues`), if any. */
  get issues(): FieldIssue[] {
    const issues = this.details?.issues;
    return Array.isArray(issues) ? (issues as FieldIssue[]) : [];
  }

  /** The message for one body field, e.g. `fieldError('slug')`. */
  fieldError(field: string): string | undefined {
    const issue = this.issues.find((i) => i.field === field);
    return issue ? prettyIssue(issue.message) : undefined;
  }
}

/** zod's default wording, said the way a form would say it. */
export function prettyIssue(message: string): string {
  let m: RegExpMatchArray | null;
  if ((m = /^Too small: expected string to have >=?(\d+) characters?$/.exec(message))) return m[1] === '1' ? 'Required' : `At least ${m[1]} characters`;
  if ((m = /^Too big: expected string to have <=?(\d+) characters?$/.exec(message))) return `At most ${m[1]} characters`;
  if ((m = /^Too small: expected number to be >=?(-?[\d.]+)$/.exec(message))) return `Must be at least ${m[1]}`;
  if ((m = /^Too big: expected number to be <=?(-?[\d.e+]+)$/.exec(message))) return `Must be at most ${m[1]}`;
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return 'Required';
  if (message === 'Invalid email address') return 'Enter a valid e-mail address';
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** Turn anything thrown into an ApiError so that a caller has one shape to render. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'CLIENT', err instanceof Error ? err.message : 'Something went wrong.');
}

export function isAbortError(err: unknown): boolean {
  return (err instanceof DOMException || err instanceof Error) && err.name === 'AbortError';
}
