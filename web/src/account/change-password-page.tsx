import { useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { currentSessionSchema } from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { bodyFieldErrors, type FieldMessages } from '../api/field-errors';
import {
  checkPasswordLength,
  FormProblemAlert,
  PasswordField,
  passwordRules,
} from '../auth/form-feedback';
import { sessionQueryKey } from '../auth/session';
import { LiveRegion } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { TextLink } from '../shell/text-link';
import { sessionListQuery } from './sessions-page';

const fields = ['currentPassword', 'newPassword'] as const;

export function ChangePasswordPage() {
  const queryClient = useQueryClient();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldMessages>({});
  const newPasswordInput = useRef<HTMLInputElement>(null);

  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      apiSend('POST', '/api/auth/password', body, currentSessionSchema),
    onSuccess: (session) => {
      setCurrentPassword('');
      setNewPassword('');
      // The server started a fresh session for this browser and ended every other one.
      queryClient.setQueryData(sessionQueryKey, session);
      void queryClient.invalidateQueries({ queryKey: sessionListQuery.queryKey });
    },
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const lengthProblem = checkPasswordLength(newPassword);
    setLocalErrors(lengthProblem ? { newPassword: lengthProblem } : {});
    if (lengthProblem) {
      newPasswordInput.current?.focus();
      return;
    }
    change.mutate({ currentPassword, newPassword });
  }

  const fieldErrors = { ...bodyFieldErrors(change.error), ...localErrors };
  // A wrong current password is a 401, not a validation problem; it belongs under its field.
  const wrongCurrent = change.error instanceof ApiProblem && change.error.is('invalid-credentials');

  return (
    <Stack gap="lg" maw={480}>
      <PageTitle title="Change password" />
      <Stack gap="xs">
        <Title order={1}>Change password</Title>
        <Text>
          Changing your password signs out every other device signed in to your account. This one
          stays signed in.
        </Text>
      </Stack>

      <LiveRegion>
        {change.isSuccess && (
          <Alert color="teal" title="Your password is changed" role="none">
            Every other device that was signed in to your account has been signed out. You can check
            on <TextLink to="/account/sessions">Your sessions</TextLink>.
          </Alert>
        )}
      </LiveRegion>

      {change.isError && (
        <FormProblemAlert
          error={change.error}
          attempt={change.submittedAt}
          fields={fields}
          explain={(problem) =>
            problem.is('invalid-credentials')
              ? {
                  title: 'Password not changed',
                  message: 'The current password is not correct.',
                }
              : undefined
          }
        />
      )}

      <form onSubmit={handleSubmit}>
        <Stack gap="md">
          <PasswordField
            label="Current password"
            name="currentPassword"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.currentTarget.value)}
            error={
              fieldErrors.currentPassword ??
              (wrongCurrent ? 'The current password is not correct.' : undefined)
            }
          />
          <PasswordField
            label="New password"
            description={passwordRules}
            name="newPassword"
            autoComplete="new-password"
            required
            ref={newPasswordInput}
            value={newPassword}
            onChange={(event) => setNewPassword(event.currentTarget.value)}
            error={fieldErrors.newPassword}
          />
          <Group>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
