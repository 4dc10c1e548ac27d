import { queryOptions } from '@tanstack/react-query';
import { readinessSchema, serverInfoSchema } from '@openvisit/contracts';
import { apiGet } from '../api/client';

export const readinessPollMs = 5_000;

export const readinessQuery = queryOptions({
  queryKey: ['health', 'ready'],
  // 503 is the server saying "not ready" in the same documented shape: data, not an error.
  queryFn: ({ signal }) =>
    apiGet('/health/ready', readinessSchema, {
      dataStatuses: [503],
      signal,
      timeoutMs: readinessPollMs - 1_000,
    }),
  refetchInterval: readinessPollMs,
  // The next poll is the retry; retrying in between would hide an outage for several seconds.
  retry: false,
});

export const serverInfoQuery = queryOptions({
  queryKey: ['api', 'info'],
  queryFn: ({ signal }) => apiGet('/api/info', serverInfoSchema, { signal }),
  staleTime: 60_000,
  retry: 1,
  // If the server was down when the page opened, pick its details up once it is back.
  refetchInterval: (query) => (query.state.status === 'error' ? readinessPollMs : false),
});
