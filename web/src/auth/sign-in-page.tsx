import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { currentSessionSchema, type LoginRequest } from '@openvisit/contracts';
import { apiSend, type ApiProblem } from '../api/client';
import { bodyFieldErrors } from '../api/field-errors';
import { PageTitle } from '../shell/page-title';
import { TextLink } from '../shell/text-link';
import { FormProblemAlert, PasswordField, type ProblemExplanation } from './form-feedback';
import {
  homePathFor,
  replaceSignedInPerson,
  safeNextPath,
  secondStepPathFor,
  useSession,
  type SignedOutState,
} from './session';

const fields = ['email', 'password'] as const;

export function SignInPage() {
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  const location = useLocation();
  const signedOut = (location.state as Partial<SignedOutState> | null)?.signedOut === true;
  const sessionState = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const login = useMutation({
    mutationFn: (body: LoginRequest) =>
      apiSend('POST', '/api/auth/login', body, currentSessionSchema),
    onSuccess: (session) => {
      replaceSignedInPerson(queryClient, session);
      // Still owing a second factor: that step next, keeping where the person was heading.
      if (session.session.stage !== 'complete') {
        void navigate(secondStepPathFor(session, next), { replace: true });
        return;
      }
      void navigate(next ?? homePathFor(session), { replace: true });
    },
    onError: () => setPassword(''),
  });

  // Already signed in (a bookmark, the back button): go where sign-in would have led.
  if (sessionState.status === 'signed-in' && !login.isPending) {
    return <Navigate to={next ?? homePathFor(sessionState.session)} replace />;
  }
  if (sessionState.status === 'second-step' && !login.isPending) {
    return <Navigate to={secondStepPathFor(sessionState.session, next)} replace />;
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    login.mutate({ email: email.trim(), password });
  }

  const fieldErrors = bodyFieldErrors(login.error);

  return (
    <Stack gap="lg" maw={420}>
      <PageTitle title="Sign in" />
      <Stack gap="xs">
        <Title order={1}>Sign in</Title>
        <Text>
          {next
            ? 'Sign in to continue to the page you asked for.'
            : 'Patients and clinic staff sign in with the email address their account uses.'}
        </Text>
      </Stack>

      {signedOut && !login.isError && (
        <Alert color="teal" title="You are signed out" role="status">
          On a shared computer, also close this browser window when you are done.
        </Alert>
      )}

      {login.isError && (
        <FormProblemAlert
          error={login.error}
          attempt={login.submittedAt}
          fields={fields}
          explain={explainSignInProblem}
        />
      )}

      <form onSubmit={handleSubmit}>
        <Stack gap="md">
          <TextInput
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={fieldErrors.email}
          />
          <PasswordField
            label="Password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldErrors.password}
          />
          <Group>
            <Button type="submit" loading={login.isPending}>
              Sign in
            </Button>
          </Group>
        </Stack>
      </form>

      <Stack gap="xs">
        <Text>
          <TextLink to="/forgot-password">Forgot your password?</TextLink>
        </Text>
        <Text>
          New here? <TextLink to="/register">Create an account</TextLink>
        </Text>
      </Stack>
    </Stack>
  );
}

function explainSignInProblem(problem: ApiProblem): ProblemExplanation | undefined {
  if (problem.is('invalid-credentials')) {
    return { title: 'Sign-in failed', message: 'The email or password is not correct.' };
  }
  if (problem.is('email-not-verified')) {
    return {
      title: 'Confirm your email address first',
      message: (
        <>
          <Text inherit>
            When you created your account we emailed you a link. Open it, then sign in again. If you
            cannot find the email, look in your spam or junk folder.
          </Text>
          <Text inherit mt="xs">
            The link expired or is lost? Choose{' '}
            <TextLink to="/forgot-password">Forgot your password?</TextLink>: setting a new password
            with the emailed link also confirms your address. Or contact the clinic.
          </Text>
        </>
      ),
    };
  }
  return undefined;
}
