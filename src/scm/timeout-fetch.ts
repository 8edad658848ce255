/** A fetch whose every request is aborted after `timeoutMs`, since neither Octokit nor fetch set a deadline. */
export function timeoutFetch(timeoutMs: number, inner: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return inner(input, { ...init, signal });
  };
}
