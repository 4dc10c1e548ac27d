import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { currentSessionSchema } from '@openvisit/contracts';
import { apiSend, ApiProblem } from '../api/client';
import { describeError } from '../api/describe-error';
import { PageTitle } from '../shell/page-title';
import {
  homePathFor,
  replaceSignedInPerson,
  safeNextPath,
  secondStepPathFor,
  useSession,
  useSignOut,
} from './session';

type VerifyBody = { code: string } | { recoveryCode: string };

/** The second step of signing in: a code from the authenticator app, or a recovery code. */
export function VerifySignInPage() {
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  const sessionState = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [recoveryCode, setRecoveryCode] = useState('');
  const [localError, setLocalError] = useState<string>();

  const verify = useMutation({
    mutationFn: (body: VerifyBody) =>
      apiSend('POST', '/api/auth/mfa/verify', body, currentSessionSchema),
    onSuccess: (session) => {
      replaceSignedInPerson(queryClient, session);
      void navigate(next ?? homePathFor(session), { replace: true });
    },
    onError: () => {
      setCode('');
      setRecoveryCode('');
    },
  });

  if (sessionState.status === 'signed-in' && !verify.isPending) {
    return <Navigate to={next ?? homePathFor(sessionState.session)} replace />;
  }
  if (sessionState.status === 'signed-out') {
    return (
      <Navigate to={next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'} replace />
    );
  }
  if (
    sessionState.status === 'second-step' &&
    sessionState.session.session.stage === 'mfa-enrollment'
  ) {
    return <Navigate to={secondStepPathFor(sessionState.session, next)} replace />;
  }
  if (sessionState.status === 'pending') {
    return (
      <Group gap="sm" role="status">
        <Loader size="sm" aria-hidden />
        <Text>Checking that you are signed in…</Text>
      </Group>
    );
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (useRecovery) {
      const trimmed = recoveryCode.trim();
      if (trimmed.length < 8) {
        setLocalError('Enter one of your recovery codes, exactly as it was shown.');
        return;
      }
      setLocalError(undefined);
      verify.mutate({ recoveryCode: trimmed });
    } else {
      const digits = code.replace(/\s/g, '');
      if (!/^\d{6}$/.test(digits)) {
        setLocalError('Enter the 6-digit code your authenticator app shows.');
        return;
      }
      setLocalError(undefined);
      verify.mutate({ code: digits });
    }
  }

  const problem = verify.isError ? explainVerifyProblem(verify.error, useRecovery) : undefined;

  return (
    <Stack gap="lg" maw={420}>
      <PageTitle title="Enter your sign-in code" />
      <Stack gap="xs">
        <Title order={1}>Enter your sign-in code</Title>
        <Text>
          Your account uses two-step sign-in. Open your authenticator app and enter the code it
          shows for OpenVisit.
        </Text>
      </Stack>

      {sessionState.status === 'error' && (
        <Alert color="red" title={describeError(sessionState.error).title} role="alert">
          {describeError(sessionState.error).message}
        </Alert>
      )}

      {(localError ?? problem) && (
        <Alert
          key={verify.submittedAt}
          color="red"
          title={problem?.title ?? 'Check the code'}
          role="alert"
        >
          {localError ?? problem?.message}
        </Alert>
      )}

      <form onSubmit={handleSubmit} noValidate>
        <Stack gap="md">
          {useRecovery ? (
            <TextInput
              key="recovery"
              label="Recovery code"
              description="One of the codes you saved when you set up two-step sign-in. Each works once."
              name="recoveryCode"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              autoFocus
              required
              value={recoveryCode}
              onChange={(event) => setRecoveryCode(event.currentTarget.value)}
            />
          ) : (
            <TextInput
              key="code"
              label="6-digit code"
              description="From your authenticator app. A new code appears every 30 seconds."
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={6}
              autoFocus
              required
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
            />
          )}
          <Group>
            <Button type="submit" loading={verify.isPending}>
              Continue
            </Button>
          </Group>
        </Stack>
      </form>

      <Stack gap="xs" align="flex-start">
        <Anchor
          component="button"
          type="button"
          onClick={() => {
            setUseRecovery((value) => !value);
            setLocalError(undefined);
            verify.reset();
          }}
        >
          {useRecovery
            ? 'Use a code from your authenticator app instead'
            : 'Use a recovery code instead'}
        </Anchor>
        <Anchor
          component="button"
          type="button"
          onClick={() => signOut.mutate()}
          disabled={signOut.isPending}
        >
          Sign out
        </Anchor>
        {signOut.isError && (
          <Alert color="red" title="You are still signed in" role="alert">
            {describeError(signOut.error).message}
          </Alert>
        )}
      </Stack>
    </Stack>
  );
}

function explainVerifyProblem(
  error: unknown,
  recovery: boolean,
): { title: string; message: string } {
  if (error instanceof ApiProblem) {
    if (error.is('invalid-code')) {
      return {
        title: 'That code did not work',
        message: recovery
          ? 'The recovery code is not correct or was already used. Check it and try again.'
          : 'The code is not correct or has expired. Enter the code your app shows now.',
      };
    }
    if (error.is('rate-limited')) {
      return {
        title: 'Too many attempts',
        message: error.detail ?? 'Wait a minute, then try again.',
      };
    }
    if (error.is('validation')) {
      return {
        title: 'Check the code',
        message: recovery
          ? 'Enter one of your recovery codes, exactly as it was shown.'
          : 'Enter the 6-digit code your authenticator app shows.',
      };
    }
  }
  return describeError(error);
}
