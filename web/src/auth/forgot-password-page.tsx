import { useState, type FormEvent } from 'react';
import { Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { apiSend } from '../api/client';
import { bodyFieldErrors } from '../api/field-errors';
import { LiveRegion } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { TextLink } from '../shell/text-link';
import { FormProblemAlert } from './form-feedback';

const fields = ['email'] as const;

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const request = useMutation({
    mutationFn: (address: string) =>
      apiSend('POST', '/api/auth/password-reset', { email: address }),
    onMutate: () => setSentTo(null),
    onSuccess: (_result, address) => setSentTo(address),
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    request.mutate(email.trim());
  }

  const fieldErrors = bodyFieldErrors(request.error);

  return (
    <Stack gap="lg" maw={480}>
      <PageTitle title="Reset your password" />
      <Stack gap="xs">
        <Title order={1}>Reset your password</Title>
        <Text>
          Enter the email address you sign in with. We will email you a link to choose a new
          password.
        </Text>
      </Stack>

      {/* The same words for every address: whether an account exists is nobody's business. */}
      <LiveRegion>
        {sentTo !== null && (
          <Stack gap="xs">
            <Text fw={600}>Check your email.</Text>
            <Text>
              If an account uses <strong>{sentTo}</strong>, we sent it a link to choose a new
              password. The link works once, within 30 minutes. Nothing after a few minutes? Look in
              your spam or junk folder.
            </Text>
          </Stack>
        )}
      </LiveRegion>

      {request.isError && (
        <FormProblemAlert error={request.error} attempt={request.submittedAt} fields={fields} />
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
          <Group>
            <Button type="submit" loading={request.isPending}>
              Email me a link
            </Button>
          </Group>
        </Stack>
      </form>

      <Text>
        Remembered it? <TextLink to="/sign-in">Sign in</TextLink>
      </Text>
    </Stack>
  );
}
