import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { apiSend } from '../api/client';
import { bodyFieldErrors, type FieldMessages } from '../api/field-errors';
import { PageTitle } from '../shell/page-title';
import {
  checkPasswordLength,
  FormProblemAlert,
  PasswordField,
  passwordRules,
} from './form-feedback';

const fields = ['password'] as const;

export function AcceptInvitePage() {
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';

  return (
    <Stack gap="lg" maw={480}>
      <PageTitle title="Set up your account" />
      <Title order={1}>Set up your account</Title>
      {token ? (
        <AcceptInviteForm token={token} />
      ) : (
        <Alert color="red" title="This link is incomplete">
          The address has no invitation code. Open the link from the invitation email again, or ask
          your clinic admin to send a new invitation.
        </Alert>
      )}
    </Stack>
  );
}

function AcceptInviteForm({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldMessages>({});
  const passwordInput = useRef<HTMLInputElement>(null);
  const confirmationInput = useRef<HTMLInputElement>(null);
  const doneHeading = useRef<HTMLHeadingElement>(null);

  const accept = useMutation({
    mutationFn: (newPassword: string) =>
      apiSend('POST', '/api/auth/accept-invite', { token, password: newPassword }),
    onSuccess: () => {
      setPassword('');
      setConfirmation('');
    },
  });

  useEffect(() => {
    if (accept.isSuccess) doneHeading.current?.focus();
  }, [accept.isSuccess]);

  if (accept.isSuccess) {
    return (
      <Card withBorder padding="lg" component="section" aria-labelledby="invite-done">
        <Stack gap="sm">
          <Title order={2} size="h3" id="invite-done" ref={doneHeading} tabIndex={-1}>
            Your account is ready
          </Title>
          <Text>
            Sign in with your email and the password you just chose. Clinic accounts use two-step
            sign-in, so the next step is setting up an authenticator app on your phone: have it to
            hand.
          </Text>
          <Group>
            <Button component={Link} to="/sign-in">
              Sign in
            </Button>
          </Group>
        </Stack>
      </Card>
    );
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const lengthProblem = checkPasswordLength(password);
    if (lengthProblem) {
      setLocalErrors({ password: lengthProblem });
      passwordInput.current?.focus();
      return;
    }
    // Two fields the same person just typed, compared in their own browser: no secret to time.
    // eslint-disable-next-line security/detect-possible-timing-attacks
    if (password !== confirmation) {
      setLocalErrors({ confirmation: 'The two passwords do not match.' });
      confirmationInput.current?.focus();
      return;
    }
    setLocalErrors({});
    accept.mutate(password);
  }

  const fieldErrors = { ...bodyFieldErrors(accept.error), ...localErrors };

  return (
    <Stack gap="lg">
      <Text>
        You have been invited to join your clinic on OpenVisit. Choose a password to finish.
      </Text>
      {accept.isError && (
        <FormProblemAlert
          error={accept.error}
          attempt={accept.submittedAt}
          fields={fields}
          explain={(problem) =>
            problem.is('invalid-token')
              ? {
                  title: 'This invitation is invalid or has expired',
                  message:
                    'Invitation links work once and expire after a while. Ask your clinic admin to send a new invitation.',
                }
              : undefined
          }
        />
      )}
      <form onSubmit={handleSubmit}>
        <Stack gap="md">
          <PasswordField
            label="Password"
            description={passwordRules}
            name="password"
            autoComplete="new-password"
            required
            ref={passwordInput}
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldErrors.password}
          />
          <PasswordField
            label="Password again"
            description="Type it once more, to be sure it is what you meant."
            name="confirmation"
            autoComplete="new-password"
            required
            ref={confirmationInput}
            value={confirmation}
            onChange={(event) => setConfirmation(event.currentTarget.value)}
            error={fieldErrors.confirmation}
          />
          <Group>
            <Button type="submit" loading={accept.isPending}>
              Create my account
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
