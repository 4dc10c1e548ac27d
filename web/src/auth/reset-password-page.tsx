import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { apiSend } from '../api/client';
import { bodyFieldErrors, type FieldMessages } from '../api/field-errors';
import { PageTitle } from '../shell/page-title';
import { TextLink } from '../shell/text-link';
import {
  checkPasswordLength,
  FormProblemAlert,
  PasswordField,
  passwordRules,
} from './form-feedback';
import { sessionQueryKey } from './session';

const fields = ['password'] as const;

export function ResetPasswordPage() {
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';

  return (
    <Stack gap="lg" maw={480}>
      <PageTitle title="Choose a new password" />
      <Title order={1}>Choose a new password</Title>
      {token ? (
        <ResetPasswordForm token={token} />
      ) : (
        <Alert color="red" title="This link is incomplete">
          The address has no reset code. Open the link from the email again, or{' '}
          <TextLink to="/forgot-password">ask for a new link</TextLink>.
        </Alert>
      )}
    </Stack>
  );
}

function ResetPasswordForm({ token }: { token: string }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldMessages>({});
  const passwordInput = useRef<HTMLInputElement>(null);
  const confirmationInput = useRef<HTMLInputElement>(null);
  const doneHeading = useRef<HTMLHeadingElement>(null);

  const reset = useMutation({
    mutationFn: (newPassword: string) =>
      apiSend('POST', '/api/auth/password-reset/confirm', { token, password: newPassword }),
    onSuccess: () => {
      setPassword('');
      setConfirmation('');
      // Every session of the account ended, possibly this browser's too.
      void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });

  useEffect(() => {
    if (reset.isSuccess) doneHeading.current?.focus();
  }, [reset.isSuccess]);

  if (reset.isSuccess) {
    return (
      <Card withBorder padding="lg" component="section" aria-labelledby="reset-done">
        <Stack gap="sm">
          <Title order={2} size="h3" id="reset-done" ref={doneHeading} tabIndex={-1}>
            Your password is changed
          </Title>
          <Text>
            For your safety, every device that was signed in to your account has been signed out.
            Sign in again with your new password.
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
    reset.mutate(password);
  }

  const fieldErrors = { ...bodyFieldErrors(reset.error), ...localErrors };

  return (
    <Stack gap="lg">
      {reset.isError && (
        <FormProblemAlert
          error={reset.error}
          attempt={reset.submittedAt}
          fields={fields}
          explain={(problem) =>
            problem.is('invalid-token')
              ? {
                  title: 'This link is invalid or has expired',
                  message: (
                    <>
                      Reset links work once, within 30 minutes.{' '}
                      <TextLink to="/forgot-password">Ask for a new link</TextLink>.
                    </>
                  ),
                }
              : undefined
          }
        />
      )}
      <form onSubmit={handleSubmit}>
        <Stack gap="md">
          <PasswordField
            label="New password"
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
            label="New password again"
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
            <Button type="submit" loading={reset.isPending}>
              Save new password
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
