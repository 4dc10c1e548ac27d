import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { currentSessionSchema, type CurrentSession } from '@openvisit/contracts';
import { ApiProblem, apiGet, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';

export const sessionQueryKey = ['auth', 'session'] as const;

/** Who is signed in in this browser: `null` when nobody is, which is an answer, not an error. */
export const sessionQuery = queryOptions({
  queryKey: sessionQueryKey,
  queryFn: async ({ signal }): Promise<CurrentSession | null> => {
    try {
      return await apiGet('/api/auth/session', currentSessionSchema, { signal });
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 401) return null;
      throw error;
    }
  },
  // Never polled: asking counts as activity and would keep an idle session alive forever.
  staleTime: 60_000,
  retry: (failureCount, error) => !(error instanceof ApiProblem) && failureCount < 2,
});

export type SessionState =
  | { status: 'pending' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; session: CurrentSession }
  /** Password accepted, second factor still owed: the server refuses everything else until then. */
  | { status: 'second-step'; session: CurrentSession }
  | { status: 'error'; error: Error; retry: () => void };

export function useSession(): SessionState {
  const query = useQuery(sessionQuery);
  // Data from an earlier answer wins over a failed refresh: a blip should not sign anyone out.
  if (query.data) {
    return query.data.session.stage === 'complete'
      ? { status: 'signed-in', session: query.data }
      : { status: 'second-step', session: query.data };
  }
  if (query.data === null) return { status: 'signed-out' };
  if (query.isError) {
    return { status: 'error', error: query.error, retry: () => void query.refetch() };
  }
  return { status: 'pending' };
}

/**
 * Drops everything cached for the person who was signed in, so the next person at a shared
 * computer cannot see it, and records who is signed in now.
 */
export function replaceSignedInPerson(queryClient: QueryClient, session: CurrentSession | null) {
  queryClient.removeQueries({
    predicate: (query) =>
      !(query.queryKey[0] === sessionQueryKey[0] && query.queryKey[1] === sessionQueryKey[1]),
  });
  queryClient.setQueryData(sessionQueryKey, session);
}

/**
 * Any request refused for want of a session (it idled out, or was ended from another device)
 * means the cached session is stale: ask again, so the header and the guarded pages follow.
 */
export function refreshSessionOnUnauthenticated(queryClient: QueryClient) {
  return (error: unknown) => {
    if (error instanceof ApiProblem && error.is('unauthenticated')) {
      void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    }
  };
}

export interface SignedOutState {
  signedOut: true;
}

export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async () => {
      try {
        await apiSend('POST', '/api/auth/logout');
      } catch (error) {
        // The session had already ended: the person is signed out, which is what they asked.
        if (error instanceof ApiProblem && error.status === 401) return;
        throw error;
      }
    },
    onSuccess: () => {
      // Cleared before navigating, so the next page reads "signed out" from its first render.
      replaceSignedInPerson(queryClient, null);
      // A guarded page may see the cleared session before the navigation below lands (React
      // Router renders navigations in a transition) and redirect by itself; this tells it the
      // sign-out was chosen, so it goes to the same place instead of "sign in to continue".
      // Nothing observes this entry: it is garbage-collected two seconds later.
      queryClient.setQueryDefaults(signedOutHereKey, { gcTime: 2_000 });
      queryClient.setQueryData(signedOutHereKey, true);
      void navigate('/sign-in', { state: signedOutState });
    },
  });
}

const signedOutHereKey = ['auth', 'signed-out-here'] as const;
const signedOutState: SignedOutState = { signedOut: true };

/** Where a person lands after signing in: the area of their most hands-on role. */
export function homePathFor(session: CurrentSession): string {
  const roles = new Set(session.memberships.map((membership) => membership.role));
  if (roles.has('provider') || roles.has('staff')) return '/provider';
  if (roles.has('admin')) return '/admin';
  if (roles.has('patient')) return '/patient';
  return '/';
}

/**
 * A `?next=` value that is safe to navigate to: a path on this site. Anything else (another
 * origin, `//evil.example`, `/\evil.example`, a `javascript:` URL) is ignored, so a crafted
 * sign-in link cannot send someone elsewhere after they type their password.
 */
export function safeNextPath(next: string | null): string | undefined {
  if (!next?.startsWith('/')) return undefined;
  try {
    const url = new URL(next, window.location.origin);
    if (url.origin !== window.location.origin || url.pathname === '/sign-in') return undefined;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return undefined;
  }
}

/**
 * Where a session that still owes a second factor goes next: the code page when it has an
 * authenticator, the setup page when its role requires one it does not have yet. `next` is
 * carried along so the person still lands where they were heading.
 */
export function secondStepPathFor(session: CurrentSession, next?: string): string {
  const nextQuery = next ? `next=${encodeURIComponent(next)}` : '';
  if (session.session.stage === 'mfa-enrollment') {
    return `/account/two-step/setup?required=1${nextQuery ? `&${nextQuery}` : ''}`;
  }
  return `/sign-in/verify${nextQuery ? `?${nextQuery}` : ''}`;
}

/** The path to sign in and come back to `location` afterwards. */
export function signInPathReturningTo(location: { pathname: string; search: string }): string {
  return `/sign-in?next=${encodeURIComponent(`${location.pathname}${location.search}`)}`;
}

/**
 * Route element for pages anyone may open, but which a half-signed-in session (second factor
 * still owed) must not see: such a session is sent to finish signing in first.
 */
export function RequireFinishedSignIn() {
  const state = useSession();
  const location = useLocation();
  if (state.status === 'second-step') {
    return (
      <Navigate
        to={secondStepPathFor(state.session, `${location.pathname}${location.search}`)}
        replace
      />
    );
  }
  return <Outlet />;
}

/** Route element for pages that need a signed-in person; others are sent to sign in first. */
export function RequireSignIn() {
  const state = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();

  if (state.status === 'signed-in') return <Outlet />;
  // The password was right but a second factor is still owed: that step first, then back here.
  if (state.status === 'second-step') {
    return (
      <Navigate
        to={secondStepPathFor(state.session, `${location.pathname}${location.search}`)}
        replace
      />
    );
  }
  if (state.status === 'signed-out') {
    if (queryClient.getQueryData<boolean>(signedOutHereKey)) {
      return <Navigate to="/sign-in" state={signedOutState} replace />;
    }
    return <Navigate to={signInPathReturningTo(location)} replace />;
  }
  if (state.status === 'error') {
    const { title, message } = describeError(state.error);
    return (
      <Stack gap="md" maw={560}>
        <Alert color="red" title={title}>
          {message}
        </Alert>
        <Group>
          <Button onClick={state.retry}>Try again</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Group gap="sm" role="status">
      <Loader size="sm" aria-hidden />
      <Text>Checking that you are signed in…</Text>
    </Group>
  );
}
