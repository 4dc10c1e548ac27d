import { useState, type FormEvent } from 'react';
import { Alert, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { PageTitle } from '../shell/page-title';

export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Counted, not a flag: a fresh Alert per attempt is announced again by screen readers.
  const [attempts, setAttempts] = useState(0);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Sign-in lands with the identity release (issue 3). Until then nothing is sent anywhere,
    // and the password is not kept around in memory for no purpose.
    setPassword('');
    setAttempts((count) => count + 1);
  }

  return (
    <Stack gap="lg" maw={420}>
      <PageTitle title="Sign in" />
      <Stack gap="xs">
        <Title order={1}>Sign in</Title>
        <Text>Patients and clinic staff sign in with the email address their account uses.</Text>
      </Stack>

      {attempts > 0 && (
        <Alert key={attempts} color="blue" title="Sign-in is not available yet">
          Sign-in is coming in the identity release. This server does not have accounts yet, so you
          have not been signed in and your details were not sent anywhere.
        </Alert>
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
          />
          <PasswordInput
            label="Password"
            name="password"
            autoComplete="current-password"
            required
            visibilityToggleFocusable
            visibilityToggleButtonProps={{ 'aria-label': 'Show password' }}
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
          <Button type="submit">Sign in</Button>
        </Stack>
      </form>
    </Stack>
  );
}
