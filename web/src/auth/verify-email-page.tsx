import { useEffect, useRef, type ReactNode } from 'react';
import { Alert, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { LiveRegion } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { TextLink } from '../shell/text-link';

export function VerifyEmailPage() {
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';
  const verify = useMutation({
    // 200 is the confirmation; the body ({ verified: true }) adds nothing to it.
    mutationFn: (value: string) => apiSend('POST', '/api/auth/verify-email', { token: value }),
  });
  const { mutate } = verify;

  // The token works once: StrictMode runs effects twice, and a second POST would fail and
  // show "invalid link" over the success. The ref survives that re-run; a new token re-arms it.
  const sentFor = useRef<string | null>(null);
  useEffect(() => {
    if (!token || sentFor.current === token) return;
    sentFor.current = token;
    mutate(token);
  }, [token, mutate]);

  // Progress and success share one polite live region that is there from the first render, so
  // the change is announced; failures are alerts of their own.
  let status: ReactNode = null;
  let failure: ReactNode = null;
  if (!token) {
    failure = (
      <Alert color="red" title="This link is incomplete">
        The address has no confirmation code. Open the link from the email again, or copy the whole
        address into the browser. <RegisterAgainHint />
      </Alert>
    );
  } else if (verify.isSuccess) {
    status = (
      <Stack gap="md">
        <Text fw={600}>Your email address is confirmed.</Text>
        <Text>Your account is ready: sign in with your email and password.</Text>
        <Group>
          <Button component={Link} to="/sign-in">
            Sign in
          </Button>
        </Group>
      </Stack>
    );
  } else if (verify.isError) {
    failure = <VerifyFailed error={verify.error} onRetry={() => mutate(token)} />;
  } else {
    status = (
      <Group gap="sm">
        <Loader size="sm" aria-hidden />
        <Text>Confirming your email address…</Text>
      </Group>
    );
  }

  return (
    <Stack gap="lg" maw={560}>
      <PageTitle title="Confirm your email" />
      <Title order={1}>Confirm your email</Title>
      <LiveRegion>{status}</LiveRegion>
      {failure}
    </Stack>
  );
}

function VerifyFailed({ error, onRetry }: { error: Error; onRetry: () => void }) {
  if (error instanceof ApiProblem && (error.is('invalid-token') || error.is('validation'))) {
    return (
      <Alert color="red" title="This link is invalid or has expired">
        <Text inherit>
          Confirmation links work once, within 24 hours. If you already confirmed your address,{' '}
          <TextLink to="/sign-in">sign in</TextLink>.
        </Text>
        <Text inherit mt="xs">
          <RegisterAgainHint />
        </Text>
      </Alert>
    );
  }
  // Unreachable server and the like: the link may still be good, so offer to try again.
  const { title, message } = describeError(error);
  return (
    <Stack gap="md">
      <Alert color="red" title={title}>
        {message}
      </Alert>
      <Group>
        <Button onClick={onRetry}>Try again</Button>
      </Group>
    </Stack>
  );
}

function RegisterAgainHint() {
  return (
    <>
      To get a new link, <TextLink to="/register">register again</TextLink> or contact the clinic.
      If you already have an account with this email, choose{' '}
      <TextLink to="/forgot-password">Forgot your password?</TextLink> instead: setting a new
      password with the emailed link also confirms your address.
    </>
  );
}
