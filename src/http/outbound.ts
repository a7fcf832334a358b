/** A POST to an outside service, bounded by the worker's timeout. */
export interface OutboundPost {
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** No answer: the network failed or the timeout passed. */
export class NoAnswerError extends Error {
  constructor(readonly reason: 'timed out' | 'unreachable') {
    super(reason);
  }
}

/** The status and body of the answer; throws NoAnswerError when there is none in time. */
export async function postWithTimeout(fetcher: typeof fetch, url: string, init: OutboundPost): Promise<{ status: number; text: string }> {
  try {
    const response = await fetcher(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new NoAnswerError(timedOut ? 'timed out' : 'unreachable');
  }
}
